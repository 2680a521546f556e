namespace PolicyKit.Compiler.Text;

/// <summary>
/// The text of one policy file and its line map. Diagnostics point into it by offset; the line
/// map turns offsets into 1-based line:column for people and for SARIF.
/// </summary>
public sealed class SourceFile
{
    private readonly int[] _lineStarts;

    public SourceFile(string path, string text)
    {
        Path = path;
        Text = text;
        _lineStarts = ComputeLineStarts(text);
    }

    /// <summary>The path as the user gave it (or <c>std/…</c> for the shipped library).</summary>
    public string Path { get; }

    public string Text { get; }

    public int LineCount => _lineStarts.Length;

    /// <summary>1-based line and column (in UTF-16 units, tabs count as one) of an offset.</summary>
    public (int Line, int Column) GetLineColumn(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        int index = Array.BinarySearch(_lineStarts, offset);
        int line = index >= 0 ? index : ~index - 1;
        return (line + 1, offset - _lineStarts[line] + 1);
    }

    /// <summary>The text of a 1-based line without its line break.</summary>
    public string GetLineText(int line)
    {
        if (line < 1 || line > _lineStarts.Length) return string.Empty;
        int start = _lineStarts[line - 1];
        int end = line < _lineStarts.Length ? _lineStarts[line] : Text.Length;
        return Text[start..end].TrimEnd('\r', '\n');
    }

    /// <summary>The length of a 1-based line without its line break (0 outside the file).</summary>
    public int GetLineLength(int line)
    {
        if (line < 1 || line > _lineStarts.Length) return 0;
        int start = _lineStarts[line - 1];
        int end = line < _lineStarts.Length ? _lineStarts[line] : Text.Length;
        while (end > start && Text[end - 1] is '\n' or '\r') end--;
        return end - start;
    }

    /// <summary>Offset of a 1-based line and 0-based column as ANTLR reports them.</summary>
    public int GetOffset(int line, int column)
    {
        if (line < 1) return 0;
        if (line > _lineStarts.Length) return Text.Length;
        return Math.Min(_lineStarts[line - 1] + Math.Max(column, 0), Text.Length);
    }

    private static int[] ComputeLineStarts(string text)
    {
        // Counted first (a vectorised scan) so the array is made once at its size.
        var starts = new int[text.AsSpan().Count('\n') + 1];
        int line = 1;
        for (int i = text.IndexOf('\n'); i >= 0; i = text.IndexOf('\n', i + 1))
        {
            starts[line++] = i + 1;
        }
        return starts;
    }

    public override string ToString() => Path;
}
