using System.Text.RegularExpressions;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Tests.Robustness;

/// <summary>
/// What must hold for the result of any check, whatever the input: every diagnostic has a code,
/// a message, and a span inside the text of a file of the run; every file of the run is the text
/// that was read.
/// </summary>
internal static partial class DiagnosticInvariants
{
    [GeneratedRegex(@"^MP\d{4}$", RegexOptions.CultureInvariant)]
    private static partial Regex CodeRegex();

    /// <summary>The problems found, empty when the result is sound.</summary>
    public static List<string> Violations(CheckResult result, IReadOnlyDictionary<string, string>? inputs = null)
    {
        var problems = new List<string>();
        if (inputs is not null)
        {
            foreach (var file in result.Files)
            {
                if (inputs.TryGetValue(file.Path, out var text) && !ReferenceEquals(text, file.Text) && text != file.Text)
                    problems.Add($"file {file.Path}: its SourceFile text is not the text that was read");
            }
        }
        foreach (var diagnostic in result.Diagnostics)
        {
            string where;
            try
            {
                where = diagnostic.ToString();
            }
            catch (Exception e)
            {
                problems.Add($"{diagnostic.Code}: ToString() threw {e.GetType().Name}: {e.Message}");
                continue;
            }
            if (!CodeRegex().IsMatch(diagnostic.Code ?? string.Empty)) problems.Add($"{where}: code is not MPnnnn");
            if (string.IsNullOrWhiteSpace(diagnostic.Message)) problems.Add($"{where}: empty message");
            CheckSpan(problems, result, diagnostic, diagnostic.Span, where);
            foreach (var (span, message) in diagnostic.Related)
            {
                CheckSpan(problems, result, diagnostic, span, $"{where} (related '{message}')");
            }
        }
        return problems;
    }

    private static void CheckSpan(List<string> problems, CheckResult result, Diagnostic diagnostic, SourceSpan span, string where)
    {
        if (span.File is null)
        {
            problems.Add($"{diagnostic.Code} '{diagnostic.Message}': span has no file");
            return;
        }
        int length = span.File.Text.Length;
        if (span.Start < 0 || span.Length < 0 || span.Start > length || span.End > length)
            problems.Add($"{where}: span [{span.Start}, +{span.Length}) is outside its file's text (length {length})");
        bool fileOfRun = result.Files.Any(f => ReferenceEquals(f, span.File));
        bool unreadableRoot = result.Files.Count == 0 && span.File.Path == result.Path;
        if (!fileOfRun && !unreadableRoot)
            problems.Add($"{where}: span points into '{span.File.Path}', which is not one of the files of the run");
        else if (span.Start >= 0 && span.Start <= length)
        {
            var (line, column) = span.StartLineColumn;
            if (line < 1 || line > span.File.LineCount || column < 1)
                problems.Add($"{where}: line:column {line}:{column} is not in the file");
        }
    }
}
