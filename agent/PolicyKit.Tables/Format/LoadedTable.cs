using System.Collections.Immutable;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Format;

/// <summary>A table as read from its file, with what the file said about itself (for <c>mpolc inspect</c> and agent logs).</summary>
public sealed record LoadedTable(AdmissionTable Table, TableFileInfo File);

/// <summary>The framing of a table file.</summary>
public sealed record TableFileInfo(
    int MajorVersion,
    int MinorVersion,
    uint Flags,
    int Length,
    string Checksum,
    ImmutableArray<TableSectionInfo> Sections,
    TableSignatureInfo? Signature)
{
    public string Version => $"{MajorVersion}.{MinorVersion}";
}

/// <summary>One section: where it is and whether this reader understood it (unknown sections of a newer minor are skipped).</summary>
public sealed record TableSectionInfo(int Id, string Name, int Offset, int Length, bool Skipped);

/// <summary>
/// The signature trailer. <see cref="Verified"/> is true only when the reader was given trusted
/// keys and the signature verified with one of them; without trusted keys it is not checked.
/// </summary>
public sealed record TableSignatureInfo(int Algorithm, string KeyId, bool Verified);
