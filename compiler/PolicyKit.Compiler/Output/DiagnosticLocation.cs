using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Output;

/// <summary>
/// A span as the machine-readable formats report it: 1-based line and column (UTF-16 units) of
/// the first character, and of the position just after the last one (so an empty span has
/// start = end, the SARIF convention for an insertion point).
/// </summary>
internal readonly record struct DiagnosticLocation(string File, int Line, int Column, int EndLine, int EndColumn)
{
    /// <summary>Null for a span with no file (a default span): such a diagnostic is reported without a place rather than crashing the formatter.</summary>
    public static DiagnosticLocation? Of(SourceSpan span)
    {
        if (span.File is null) return null;
        var (line, column) = span.StartLineColumn;
        var (endLine, endColumn) = span.EndLineColumn;
        return new DiagnosticLocation(span.File.Path, line, column, endLine, endColumn);
    }

    public override string ToString() => $"{File}:{Line}:{Column}";
}
