using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Tests.Examples;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>Compiles policies held in memory to the frr target, with stand-in secrets.</summary>
internal static partial class FrrCompile
{
    public static readonly DateOnly Today = new(2026, 11, 23);

    /// <summary>env("X") resolves to "secret-X" so that real values (not placeholders) reach FRR.</summary>
    public static readonly EmitOptions Emit = new() { Environment = name => $"secret-{name}" };

    public static CompileResult Compile(string policy, bool allowUnsupported = false, bool redact = false, string path = "test.mpol")
    {
        var reader = new InMemoryPolicyFileReader(new Dictionary<string, string> { [path] = policy });
        var options = new CompilationOptions { Today = Today, AllowUnsupported = allowUnsupported };
        return PolicyEmitter.Compile(path, ["frr"], options, Emit with { Redact = redact }, reader);
    }

    /// <summary>The compile must succeed; returns the frr.conf of every device, by device name.</summary>
    public static Dictionary<string, string> Configs(CompileResult result, string label)
    {
        Assert.False(result.HasErrors, $"{label} does not compile:\n{ExamplePolicyTests.Format(result.Diagnostics.Where(d => d.IsError))}");
        return result.Files.Where(f => f.Target == "frr").ToDictionary(f => f.Device, f => f.Content);
    }

    public static string Config(string policy, string device, bool allowUnsupported = false, bool redact = false)
    {
        var configs = Configs(Compile(policy, allowUnsupported, redact), "the policy");
        Assert.True(configs.ContainsKey(device), $"no frr.conf for device '{device}'; got {string.Join(", ", configs.Keys)}");
        return configs[device];
    }

    /// <summary>The lines of a configuration, without trailing spaces (indentation kept).</summary>
    public static List<string> Lines(string config) => config.Split('\n').Select(l => l.TrimEnd()).ToList();

    /// <summary>
    /// A prefix-list line with its sequence number as "seq *": these tests are about what a list
    /// says; the numbers (content hashes, SequenceNumbers) have tests of their own.
    /// </summary>
    public static string WithoutSequence(string line) => SequenceNumber().Replace(line, " seq * ");

    [System.Text.RegularExpressions.GeneratedRegex(" seq [0-9]+ ")]
    private static partial System.Text.RegularExpressions.Regex SequenceNumber();

    /// <summary>Asserts that <paramref name="expected"/> appear as consecutive lines (sequence numbers aside).</summary>
    public static void HasBlock(string config, params string[] expected)
    {
        var lines = Lines(config).Select(WithoutSequence).ToList();
        var wanted = expected.Select(WithoutSequence).ToList();
        for (int i = 0; i + wanted.Count <= lines.Count; i++)
        {
            if (lines.Skip(i).Take(wanted.Count).SequenceEqual(wanted)) return;
        }
        Assert.Fail($"expected these consecutive lines:\n{string.Join("\n", expected)}\n\nin:\n{config}");
    }

    public static void HasLine(string config, string expected) =>
        Assert.True(Lines(config).Select(WithoutSequence).Contains(WithoutSequence(expected)), $"expected the line\n{expected}\nin:\n{config}");

    public static void LacksLineContaining(string config, string fragment) =>
        Assert.False(Lines(config).Any(l => !l.TrimStart().StartsWith('!') && l.Contains(fragment, StringComparison.Ordinal)),
            $"no command line should contain '{fragment}':\n{config}");
}
