namespace PolicyKit.Compiler.Text;

/// <summary>A range of characters in a source file: where a construct or a diagnostic is.</summary>
public readonly record struct SourceSpan(SourceFile File, int Start, int Length)
{
    public int End => Start + Length;

    public (int Line, int Column) StartLineColumn => File.GetLineColumn(Start);

    public (int Line, int Column) EndLineColumn => File.GetLineColumn(End);

    /// <summary>The span's text as written.</summary>
    public string Text => File.Text.Substring(Math.Min(Start, File.Text.Length), Math.Min(Length, File.Text.Length - Math.Min(Start, File.Text.Length)));

    /// <summary><c>path:line:col</c>, the form editors and CI logs link to.</summary>
    public override string ToString()
    {
        var (line, column) = StartLineColumn;
        return $"{File.Path}:{line}:{column}";
    }

    public static SourceSpan Covering(SourceSpan first, SourceSpan last) =>
        new(first.File, first.Start, Math.Max(last.End - first.Start, 0));
}
