using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Tests.Diagnostics;

namespace PolicyKit.Compiler.Tests.Fidelity;

/// <summary>Compiles small in-memory policies to one target, the way `mpolc compile --target T` does.</summary>
internal static class FidelityCompile
{
    public const string FileName = PolicyAssert.FileName;

    /// <summary>Compiles to <paramref name="targets"/>; secrets resolve to "S-NAME". Never redacted, so a secret reaching a file shows.</summary>
    public static CompileResult Compile(string policy, string[] targets, bool allowUnsupported = false, Func<string, string?>? environment = null) =>
        PolicyEmitter.Compile(
            FileName,
            targets.ToHashSet(StringComparer.Ordinal),
            PolicyAssert.Options with { AllowUnsupported = allowUnsupported },
            new EmitOptions { Environment = environment ?? (name => "S-" + name) },
            new InMemoryPolicyFileReader(new Dictionary<string, string> { [FileName] = policy }));

    public static CompileResult Compile(string policy, string target, bool allowUnsupported = false) => Compile(policy, [target], allowUnsupported);

    /// <summary>The one file of the target, with no error in the compile.</summary>
    public static string OutputOf(string policy, string target, bool allowUnsupported = false)
    {
        var result = Compile(policy, target, allowUnsupported);
        Assert.False(result.HasErrors, "the policy has errors:\n" + Describe(result.Diagnostics));
        return Assert.Single(result.Files, f => f.Target == target).Content;
    }

    /// <summary>
    /// The configuration lines (comments and blank lines aside), trimmed, with the sequence number
    /// of an ACL entry left out ("35431 deny pim …" → "deny pim …"): these tests are about what an
    /// entry says; the numbers have tests of their own (SequenceNumberTests).
    /// </summary>
    public static IReadOnlyList<string> ConfigLines(string output, string comment) =>
        output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith(comment, StringComparison.Ordinal)).Select(WithoutSequence).ToList();

    private static string WithoutSequence(string line)
    {
        string rest = line.StartsWith("sequence ", StringComparison.Ordinal) ? line["sequence ".Length..] : line;
        int digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits])) digits++;
        return digits > 0 && digits < rest.Length && rest[digits] == ' ' ? rest[(digits + 1)..] : line;
    }

    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => $"{d.Span.StartLineColumn} {d.Code} {d.Severity}: {d.Message}"));

    /// <summary>The result has an MP4001 whose message starts with the construct name.</summary>
    public static Diagnostic Unsupported(CompileResult result, string construct)
    {
        var found = result.Diagnostics.FirstOrDefault(d => d.Code == "MP4001" && d.Message.StartsWith(construct + " cannot be expressed", StringComparison.Ordinal));
        Assert.True(found is not null, $"expected MP4001 for '{construct}', got:\n{Describe(result.Diagnostics)}");
        return found!;
    }
}
