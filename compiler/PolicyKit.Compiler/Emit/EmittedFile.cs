namespace PolicyKit.Compiler.Emit;

/// <summary>
/// One generated file: <c>DEVICE/FILE</c> under the output directory. A text backend's file is
/// its <see cref="Content"/>. A binary file (the agent's table) sets <see cref="Bytes"/>, which
/// is what is written; its <see cref="Content"/> is then a readable rendering of those bytes,
/// which diffs and golden files compare.
/// </summary>
public sealed record EmittedFile(string Device, string Target, string FileName, string Content, bool ContainsSecrets)
{
    public string RelativePath => $"{Device}/{FileName}";

    /// <summary>The bytes to write, for a binary file; null for a text file (written as UTF-8 <see cref="Content"/>).</summary>
    public byte[]? Bytes { get; init; }

    public bool IsBinary => Bytes is not null;
}
