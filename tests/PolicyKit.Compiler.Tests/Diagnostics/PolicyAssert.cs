using System.Text;
using PolicyKit.Compiler.Diagnostics;

namespace PolicyKit.Compiler.Tests.Diagnostics;

/// <summary>
/// Checks small policies held in memory and asserts on their diagnostics. The usual shape of a
/// diagnostic test is <see cref="Case"/>: a policy that must report a code at an exact place, and
/// the same policy with a fix applied, which must not report it — so every test can fail both ways.
/// Key ages and validity windows are judged on <see cref="Today"/> (2026-11-23).
/// </summary>
internal static class PolicyAssert
{
    /// <summary>The name the policy under test is checked as.</summary>
    public const string FileName = "test.mpol";

    public static readonly DateOnly Today = new(2026, 11, 23);

    public static CompilationOptions Options => new() { Today = Today };

    /// <summary>Checks <paramref name="policy"/> as test.mpol; <paramref name="files"/> are more in-memory files it may include.</summary>
    public static CheckResult Check(string policy, IReadOnlyDictionary<string, string>? files = null, CompilationOptions? options = null)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, text) in files ?? new Dictionary<string, string>()) all[path] = text;
        all[FileName] = policy;
        return PolicyCompiler.Check(FileName, options ?? Options, new InMemoryPolicyFileReader(all));
    }

    /// <summary>
    /// <paramref name="policy"/> reports <paramref name="code"/> with <paramref name="severity"/> at
    /// line:column of test.mpol; the policy with every <paramref name="fix"/> replacement applied
    /// reports no <paramref name="code"/> anywhere and no error at all (so the fix is not hiding the
    /// code behind an earlier failure: syntax errors stop binding, binding errors stop the checks).
    /// MP4001 is the one error a corrected policy may keep: it depends on the platform support
    /// table, which changes as backends grow, and it stops nothing (every check still runs).
    /// Returns the diagnostic, for further assertions on its message and hint.
    /// </summary>
    public static Diagnostic Case(
        string code,
        DiagnosticSeverity severity,
        int line,
        int column,
        string policy,
        (string Old, string New)[] fix,
        IReadOnlyDictionary<string, string>? files = null,
        CompilationOptions? options = null)
    {
        var diagnostic = Reports(Check(policy, files, options), code, severity, line, column);
        var corrected = Check(Apply(policy, fix), files, options);
        DoesNotReport(corrected, code);
        NoErrors(corrected, except: code == "MP4001" ? null : "MP4001");
        return diagnostic;
    }

    /// <summary>The result holds <paramref name="code"/> at <paramref name="file"/>:line:column with the given severity.</summary>
    public static Diagnostic Reports(CheckResult result, string code, DiagnosticSeverity severity, int line, int column, string file = FileName)
    {
        var matches = result.Diagnostics
            .Where(d => d.Code == code && d.Span.File.Path == file && d.Span.StartLineColumn == (line, column))
            .ToList();
        Assert.True(matches.Count > 0, $"expected {code} at {file}:{line}:{column}, but the diagnostics are:\n{Describe(result)}");
        var diagnostic = matches[0];
        Assert.True(diagnostic.Severity == severity,
            $"expected {code} to be {severity}, but it is {diagnostic.Severity}:\n{Describe(result)}");
        return diagnostic;
    }

    public static void DoesNotReport(CheckResult result, string code)
    {
        Assert.True(result.Diagnostics.All(d => d.Code != code), $"expected no {code}, but the diagnostics are:\n{Describe(result)}");
    }

    /// <summary>No error, apart from any with the code <paramref name="except"/>.</summary>
    public static void NoErrors(CheckResult result, string? except = null)
    {
        Assert.True(!result.Diagnostics.Any(d => d.IsError && d.Code != except), $"expected no errors, but the diagnostics are:\n{Describe(result)}");
    }

    /// <summary>Applies each replacement; each old text must occur exactly once, so a fix cannot silently miss.</summary>
    public static string Apply(string policy, (string Old, string New)[] fix)
    {
        Assert.NotEmpty(fix);
        foreach (var (old, replacement) in fix)
        {
            int first = policy.IndexOf(old, StringComparison.Ordinal);
            Assert.True(first >= 0, $"the fix's text '{old}' is not in the policy");
            Assert.True(policy.IndexOf(old, first + 1, StringComparison.Ordinal) < 0, $"the fix's text '{old}' occurs more than once in the policy");
            policy = string.Concat(policy.AsSpan(0, first), replacement, policy.AsSpan(first + old.Length));
        }
        return policy;
    }

    /// <summary>Every diagnostic on its own line, for failure messages.</summary>
    public static string Describe(CheckResult result)
    {
        if (result.Diagnostics.Count == 0) return "  (none)";
        var text = new StringBuilder();
        foreach (var d in result.Diagnostics)
        {
            text.Append("  ").Append(d);
            if (d.Hint is not null) text.Append(" [hint: ").Append(d.Hint).Append(']');
            text.AppendLine();
        }
        return text.ToString();
    }
}
