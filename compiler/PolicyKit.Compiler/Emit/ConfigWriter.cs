using System.Text;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Builds a configuration file line by line with the platform's comment marker and indentation.
/// Always "\n" line endings and no trailing spaces, so output is byte-identical everywhere.
/// </summary>
public sealed class ConfigWriter(string commentMarker, string indentUnit = " ")
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public string CommentMarker => commentMarker;

    public ConfigWriter Line(string line)
    {
        if (line.Length == 0)
        {
            _text.Append('\n');
            return this;
        }
        for (int i = 0; i < _depth; i++) _text.Append(indentUnit);
        _text.Append(line.TrimEnd()).Append('\n');
        return this;
    }

    public ConfigWriter Comment(string text)
    {
        foreach (var part in text.Split('\n')) Line(part.Length == 0 ? commentMarker : $"{commentMarker} {part}");
        return this;
    }

    public ConfigWriter Blank() => Line(string.Empty);

    /// <summary>Appends text another writer produced (e.g. a body rendered before its definitions).</summary>
    public ConfigWriter Append(ConfigWriter other)
    {
        _text.Append(other._text);
        return this;
    }

    /// <summary>Indents the lines written inside the returned scope.</summary>
    public IDisposable Indent()
    {
        _depth++;
        return new Scope(() => _depth--);
    }

    /// <summary>Writes an opening line, indents the body, writes the closing line (if any).</summary>
    public void Block(string open, Action body, string? close = null)
    {
        Line(open);
        using (Indent()) body();
        if (close is not null) Line(close);
    }

    public override string ToString() => _text.ToString();

    private sealed class Scope(Action onDispose) : IDisposable
    {
        public void Dispose() => onDispose();
    }
}
