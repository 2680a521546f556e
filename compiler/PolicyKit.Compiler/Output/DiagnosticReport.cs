using PolicyKit.Compiler.Diagnostics;

namespace PolicyKit.Compiler.Output;

/// <summary>
/// Everything one run reports: the input files it checked and their diagnostics, in order. The
/// formatters render a report, so the CLI, tests and later tools (an LSP, a CI bot) print the
/// same thing the same way.
/// </summary>
public sealed class DiagnosticReport
{
    public DiagnosticReport(IEnumerable<string> files, IEnumerable<Diagnostic> diagnostics)
    {
        Files = files.ToList();
        Diagnostics = diagnostics.ToList();
        ErrorCount = Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error && !d.IsSuppressed);
        WarningCount = Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning && !d.IsSuppressed);
        InfoCount = Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Info && !d.IsSuppressed);
        SuppressedCount = Diagnostics.Count(d => d.IsSuppressed);
    }

    /// <summary>The input files as the user named them (not the files they include).</summary>
    public IReadOnlyList<string> Files { get; }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public int ErrorCount { get; }

    public int WarningCount { get; }

    public int InfoCount { get; }

    /// <summary>Diagnostics the policy suppresses where they are, with a reason; counted in none of the above.</summary>
    public int SuppressedCount { get; }

    public bool HasErrors => ErrorCount > 0;

    /// <summary>
    /// One report over several checked files. Two inputs that include the same file (typically a
    /// <c>std/…</c> list) would otherwise report each finding in it once per input, so repeats
    /// of the same finding at the same place are dropped; the first occurrence keeps its position.
    /// </summary>
    public static DiagnosticReport FromResults(IEnumerable<CheckResult> results)
    {
        var files = new List<string>();
        var diagnostics = new List<Diagnostic>();
        var seen = new HashSet<(string?, int, int, string, DiagnosticSeverity, string)>();
        foreach (var result in results)
        {
            files.Add(result.Path);
            foreach (var diagnostic in result.Diagnostics)
            {
                var span = diagnostic.Span;
                var key = (span.File?.Path, span.Start, span.Length, diagnostic.Code, diagnostic.Severity, diagnostic.Message);
                if (seen.Add(key)) diagnostics.Add(diagnostic);
            }
        }
        return new DiagnosticReport(files, diagnostics);
    }
}
