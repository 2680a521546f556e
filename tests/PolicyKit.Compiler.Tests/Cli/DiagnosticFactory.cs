using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>Builds diagnostics by hand over a source text, so the formatters are tested without the parser.</summary>
internal static class DiagnosticFactory
{
    /// <summary>A span over the <paramref name="occurrence"/>-th occurrence of <paramref name="needle"/>.</summary>
    public static SourceSpan SpanOf(SourceFile file, string needle, int occurrence = 1)
    {
        int index = -1;
        for (int i = 0; i < occurrence; i++)
        {
            index = file.Text.IndexOf(needle, index + 1, StringComparison.Ordinal);
            Assert.True(index >= 0, $"'{needle}' (occurrence {occurrence}) is not in the test text");
        }
        return new SourceSpan(file, index, needle.Length);
    }

    public static Diagnostic Make(
        SourceSpan span,
        string code = "MP2001",
        DiagnosticSeverity severity = DiagnosticSeverity.Error,
        string message = "unknown group 'tv-sd'",
        string? hint = null) =>
        new(code, severity, message, span, hint);
}
