using System.Text;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Output;

/// <summary>
/// The human format, in the shape compilers use so editors and CI logs link the locations:
/// <code>
/// policy.mpol:3:24: error MP1001: missing ';' before '}'
///  3 | groups x { 232.0.0.0/8 }
///    |                        ^
///   hint: end each statement with ';'
///   policy.mpol:1:1: note: the block starts here
/// </code>
/// followed by a summary line (<c>2 errors, 1 warning in 3 files</c>).
/// </summary>
public sealed class TextDiagnosticFormatter(bool useColor = false, bool writeSummary = true) : IDiagnosticFormatter
{
    public bool UseColor { get; } = useColor;

    public bool WriteSummary { get; } = writeSummary;

    public void Write(TextWriter writer, DiagnosticReport report)
    {
        foreach (var diagnostic in report.Diagnostics)
        {
            if (diagnostic.IsSuppressed) continue;
            WriteDiagnostic(writer, diagnostic);
        }
        if (WriteSummary)
        {
            writer.WriteLine(Summary(report));
        }
    }

    public void WriteDiagnostic(TextWriter writer, Diagnostic diagnostic)
    {
        var location = DiagnosticLocation.Of(diagnostic.Span);
        string severity = SeverityNames.Text(diagnostic.Severity);
        var severityStyle = diagnostic.Severity switch
        {
            DiagnosticSeverity.Error => Ansi.BoldRed,
            DiagnosticSeverity.Warning => Ansi.BoldMagenta,
            _ => Ansi.BoldCyan,
        };

        var header = new StringBuilder();
        if (location is not null) header.Append(Style(Ansi.Bold, location.Value.ToString())).Append(": ");
        header.Append(Style(severityStyle, $"{severity} {diagnostic.Code}:"));
        header.Append(' ').Append(Style(Ansi.Bold, Printable.Escape(diagnostic.Message)));
        writer.WriteLine(header.ToString());

        if (location is not null)
        {
            WriteSnippet(writer, diagnostic.Span);
        }
        if (!string.IsNullOrEmpty(diagnostic.Hint))
        {
            writer.WriteLine($"  {Style(Ansi.BoldCyan, "hint:")} {diagnostic.Hint}");
        }
        foreach (var (span, message) in diagnostic.Related)
        {
            var related = DiagnosticLocation.Of(span);
            string where = related is null ? "" : Style(Ansi.Bold, related.Value.ToString()) + ": ";
            writer.WriteLine($"  {where}{Style(Ansi.BoldCyan, "note:")} {message}");
        }
    }

    /// <summary><c>2 errors, 1 warning in 3 files</c>.</summary>
    public string Summary(DiagnosticReport report)
    {
        string errors = Count(report.ErrorCount, "error");
        string warnings = Count(report.WarningCount, "warning");
        if (report.ErrorCount > 0) errors = Style(Ansi.BoldRed, errors);
        if (report.WarningCount > 0) warnings = Style(Ansi.BoldMagenta, warnings);
        string suppressed = report.SuppressedCount > 0 ? $" ({report.SuppressedCount} suppressed in the policy)" : "";
        return $"{errors}, {warnings} in {Count(report.Files.Count, "file")}{suppressed}";
    }

    /// <summary>
    /// The widest part of a source line a snippet shows. A policy written on one line (10 MB of
    /// it, say) would otherwise be printed whole under every diagnostic: output quadratic in the
    /// file. Longer lines are cut to a window around the span, marked with '…'.
    /// </summary>
    internal const int MaxSnippetWidth = 160;

    /// <summary>
    /// The source line and, under it, carets under the span. A span over several lines is
    /// underlined to the end of its first line: the first line is where the reader's eye goes,
    /// and a multi-line block would bury the message.
    /// </summary>
    private void WriteSnippet(TextWriter writer, SourceSpan span)
    {
        var (line, column) = span.StartLineColumn;
        var (endLine, endColumn) = span.EndLineColumn;
        var file = span.File;
        int lineStart = file.GetOffset(line, 0);
        int lineLength = file.GetLineLength(line);

        int start = Math.Min(column - 1, lineLength);   // 0-based index into the line
        int end = endLine == line ? Math.Min(endColumn - 1, lineLength) : lineLength;
        // The part of the line shown: all of it, or a window that starts a little before the span.
        int from = 0, to = lineLength;
        if (lineLength > MaxSnippetWidth)
        {
            from = Math.Max(0, Math.Min(start - MaxSnippetWidth / 3, lineLength - MaxSnippetWidth));
            to = Math.Min(lineLength, from + MaxSnippetWidth);
        }
        string slice = file.Text.Substring(lineStart + from, to - from);
        // Secrets masked from the tokens (whatever the typo around them), control characters made visible.
        string text = Printable.Mask(Syntax.SecretRanges.Of(file).Mask(slice, lineStart + from));
        string before = from > 0 ? "…" : "", after = to < lineLength ? "…" : "";
        start = Math.Clamp(start - from, 0, text.Length) + before.Length;
        end = Math.Clamp(end - from, 0, text.Length) + before.Length;
        text = before + text + after;
        int width = Math.Max(end - start, 1);          // an empty span, or one at the line end, still gets one caret

        string number = line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string gutter = new(' ', number.Length);
        writer.WriteLine($" {Style(Ansi.Blue, number + " |")} {text}");
        writer.WriteLine($" {Style(Ansi.Blue, gutter + " |")} {Style(Ansi.BoldGreen, Carets(text, start, width))}");
    }

    /// <summary>
    /// The caret line. Every character before the span becomes a space, except a tab, which
    /// stays a tab: the terminal then expands both lines to the same tab stops, whatever its
    /// tab width, and the caret lands under the right character. A surrogate pair is one
    /// character on screen, so it gets one space.
    /// </summary>
    internal static string Carets(string text, int start, int width)
    {
        var carets = new StringBuilder(start + width);
        for (int i = 0; i < start; i++)
        {
            char c = i < text.Length ? text[i] : ' ';
            if (char.IsLowSurrogate(c)) continue;
            carets.Append(c == '\t' ? '\t' : ' ');
        }
        carets.Append('^');
        for (int i = start + 1; i < start + width; i++)
        {
            char c = i < text.Length ? text[i] : ' ';
            if (char.IsLowSurrogate(c)) continue;
            carets.Append(c == '\t' ? '\t' : '~');
        }
        return carets.ToString();
    }

    private static string Count(int n, string noun) =>
        $"{n.ToString(System.Globalization.CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";

    private string Style(string code, string text) => UseColor ? code + text + Ansi.Reset : text;

    /// <summary>SGR sequences; the palette follows clang's (red errors, magenta warnings, green carets).</summary>
    private static class Ansi
    {
        public const string Reset = "\u001b[0m";
        public const string Bold = "\u001b[1m";
        public const string BoldRed = "\u001b[1;31m";
        public const string BoldGreen = "\u001b[1;32m";
        public const string BoldMagenta = "\u001b[1;35m";
        public const string BoldCyan = "\u001b[1;36m";
        public const string Blue = "\u001b[34m";
    }
}
