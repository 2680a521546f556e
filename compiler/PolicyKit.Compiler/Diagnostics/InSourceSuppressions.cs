using System.Text.RegularExpressions;

namespace PolicyKit.Compiler.Diagnostics;

/// <summary>
/// Suppressing one code at one place, with a reason, in the policy itself:
/// <code>
///   permit groups legacy;   // mpol-allow MP3008: the old STBs still join this range until 2027-06
/// </code>
/// or the comment alone on the line directly above. It silences that code on that line only:
/// not another code, not the next line. A warning or note may be suppressed, an error never
/// (an error is output that would be wrong). A suppressed diagnostic is not counted, not turned
/// into an error by --werror, left out of the text format, and kept in JSON and SARIF marked as
/// suppressed with its reason (SARIF <c>suppressions[].kind = "inSource"</c>), so a review sees
/// what was accepted and why. A comment without a reason suppresses nothing.
/// </summary>
public static partial class InSourceSuppressions
{
    public static IReadOnlyList<Diagnostic> Apply(IReadOnlyList<Diagnostic> diagnostics)
    {
        if (!diagnostics.Any(d => !d.IsError)) return diagnostics;
        return diagnostics.Select(d => d.IsError || d.SuppressedBecause is not null || ReasonFor(d) is not { } reason ? d : d with { SuppressedBecause = reason }).ToList();
    }

    private static string? ReasonFor(Diagnostic diagnostic)
    {
        var file = diagnostic.Span.File;
        if (file is null || diagnostic.Span.Start > file.Text.Length) return null;
        int line = diagnostic.Span.StartLineColumn.Line;
        if (Find(file.GetLineText(line), diagnostic.Code, alone: false) is { } sameLine) return sameLine;
        return line > 1 ? Find(file.GetLineText(line - 1), diagnostic.Code, alone: true) : null;
    }

    private static string? Find(string lineText, string code, bool alone)
    {
        var match = (alone ? AloneOnLine() : AnywhereOnLine()).Match(lineText);
        while (match.Success)
        {
            if (match.Groups["code"].Value == code) return match.Groups["reason"].Value.Trim();
            match = match.NextMatch();
        }
        return null;
    }

    [GeneratedRegex(@"//\s*mpol-allow\s+(?<code>MP\d{4})\s*:\s*(?<reason>\S.*)$")]
    private static partial Regex AnywhereOnLine();

    [GeneratedRegex(@"^\s*//\s*mpol-allow\s+(?<code>MP\d{4})\s*:\s*(?<reason>\S.*)$")]
    private static partial Regex AloneOnLine();
}
