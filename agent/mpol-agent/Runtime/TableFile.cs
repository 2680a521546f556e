using PolicyKit.Agent.Telemetry;
using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Format;

namespace PolicyKit.Agent.Runtime;

/// <summary>A table read from its file and compiled for the engine, with what telemetry says about it.</summary>
public sealed record LoadedAgentTable(CompiledTable Table, TableInfo Info);

/// <summary>
/// Reads, verifies and compiles a table file. Every refusal — unreadable, truncated, corrupt,
/// unsigned when signatures are required, signed by an unknown key, a newer major version — comes
/// back as one sentence; nothing here throws for a bad file, so a bad reload can never take down
/// the table in force.
/// </summary>
public static class TableFile
{
    /// <summary>Largest table file accepted (a 100k-line policy's table is a few MB).</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    public static bool TryLoad(string path, TableVerifier? verifier, out LoadedAgentTable? table, out string error)
    {
        table = null;
        error = string.Empty;
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                error = $"{path}: no such table file";
                return false;
            }
            if (info.Length > MaxBytes)
            {
                error = $"{path}: {info.Length} bytes is more than a table can be ({MaxBytes})";
                return false;
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{path}: cannot read: {e.Message}";
            return false;
        }

        try
        {
            var loaded = TableReader.Load(bytes, verifier);
            var compiled = CompiledTable.Build(loaded.Table);
            var header = loaded.Table.Header;
            table = new LoadedAgentTable(compiled, new TableInfo(
                path, header.Device, header.PolicyHash, loaded.File.Checksum,
                loaded.File.Signature?.Verified ?? false, DateTimeOffset.UtcNow));
            return true;
        }
        catch (TableFormatException e)
        {
            error = $"{path}: {e.Message}";
            return false;
        }
    }

    /// <summary>Reads the trusted public key for signed tables; a clear sentence when it cannot.</summary>
    public static bool TryReadVerifier(string publicKeyPath, out TableVerifier? verifier, out string error)
    {
        verifier = null;
        error = string.Empty;
        try
        {
            verifier = TableVerifier.FromPem([File.ReadAllText(publicKeyPath)], [publicKeyPath]);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TableKeyException)
        {
            error = $"public_key {publicKeyPath}: {e.Message}";
            return false;
        }
    }
}
