namespace PolicyKit.Compiler.Emit;

/// <summary>
/// One generated file: <c>DEVICE/FILE</c> under the output directory. A text backend's file is
/// its <see cref="Content"/>. A binary file (the agent's table) sets <see cref="Bytes"/>, which
/// is what is written; its <see cref="Content"/> is then a readable rendering of those bytes,
/// which diffs and golden files compare.
/// </summary>
public sealed record EmittedFile(string Device, string Target, string FileName, string Content, bool ContainsSecrets)
{
    private string? _content = Content;
    private Func<string>? _render;
    private ConfigText? _text;

    /// <summary>
    /// A configuration file as its backend rendered it, in chunks: written and hashed from them
    /// (<see cref="ContentChunks"/>), made one string only if <see cref="Content"/> is read.
    /// </summary>
    public EmittedFile(string device, string target, string fileName, ConfigText text, bool containsSecrets)
        : this(device, target, fileName, (string)null!, containsSecrets)
    {
        _text = text;
    }

    /// <summary>
    /// A file whose <see cref="Content"/> is rendered when first read. The agent's readable table
    /// is as large as the configurations and <c>mpolc compile</c> writes only the bytes, so it is
    /// made only for what reads it (diff, golden files, tests).
    /// </summary>
    public EmittedFile(string device, string target, string fileName, Func<string> renderContent, bool containsSecrets)
        : this(device, target, fileName, (string)null!, containsSecrets)
    {
        _render = renderContent;
    }

    public string Content
    {
        get
        {
            if (_content is null && _text is { } text)
            {
                // Made once on first read (a race makes the same string twice); the chunks stay for ContentChunks.
                _content = text.ToString();
            }
            if (_content is null && _render is { } render)
            {
                // Rendering twice on a race gives the same text; the renderer is dropped once used.
                _content = render();
                _render = null;
            }
            return _content!;
        }
        init
        {
            _content = value;
            _render = null;
            _text = null;
        }
    }

    /// <summary>
    /// A text file as UTF-8 (what is written): the backend's chunks of whole lines as they were
    /// rendered, or <see cref="Content"/> encoded.
    /// </summary>
    public ConfigText Utf8Content => _text ?? ConfigText.Of(Content);

    public string RelativePath => $"{Device}/{FileName}";

    /// <summary>The bytes to write, for a binary file; null for a text file (written as UTF-8 <see cref="Content"/>).</summary>
    public byte[]? Bytes { get; init; }

    public bool IsBinary => Bytes is not null;

    // Equal as before rendering was deferred: by content, not by how it is produced.
    public bool Equals(EmittedFile? other) =>
        other is not null && Device == other.Device && Target == other.Target && FileName == other.FileName &&
        ContainsSecrets == other.ContainsSecrets && Bytes == other.Bytes && Content == other.Content;

    public override int GetHashCode() => HashCode.Combine(Device, Target, FileName, ContainsSecrets, Bytes, Content);
}
