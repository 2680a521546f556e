using System.Diagnostics;
using System.Text;

namespace PolicyKit.Compiler.Tests.Robustness;

/// <summary>
/// Deep chains of references, which a recursive binder or loader could turn into a stack
/// overflow. A stack overflow cannot be caught and would take the whole test run down with it,
/// so these run the real <c>mpolc check</c> in a child process and look at how it ended: exit 0
/// or 1 is an answer; anything else (3 = internal error, 134 = SIGABRT from a stack overflow) is a crash.
/// </summary>
public sealed class DeepNestingTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(2);

    /// <summary>100k: issue 14, finding 7 (128 s, quadratic, before the binder kept the sets under way in a hash set; the child's 2-minute bound catches a relapse).</summary>
    [Theory]
    [InlineData(10_000)]
    [InlineData(100_000)]
    public void LongChainOfSetReferences(int depth)
    {
        // groups g0 { g1; }  groups g1 { g2; }  …  groups gN { 239.1.1.1; }
        var text = new StringBuilder();
        for (int i = 0; i < depth - 1; i++) text.Append($"groups g{i} {{ g{i + 1}; }}\n");
        text.Append($"groups g{depth - 1} {{ 239.1.1.1; }}\n");
        AssertChecksWithoutCrashing(new Dictionary<string, string> { ["main.mpol"] = text.ToString() }, "main.mpol",
            $"a chain of {depth} set references (groups g0 {{ g1; }} groups g1 {{ g2; }} …)");
    }

    [Theory]
    [InlineData(10_000)]
    public void LongCycleOfSetReferences(int depth)
    {
        var text = new StringBuilder();
        for (int i = 0; i < depth; i++) text.Append($"groups g{i} {{ g{(i + 1) % depth}; }}\n");
        var run = AssertChecksWithoutCrashing(new Dictionary<string, string> { ["main.mpol"] = text.ToString() }, "main.mpol",
            $"a cycle of {depth} set references");
        Assert.True(run.ExitCode == 1 && run.Output.Contains("MP2004"), $"a set cycle must be error MP2004:\n{run.Output}");
    }

    /// <summary>
    /// A set that names itself (found by the fuzz campaign of issue 14: the binder recursed until
    /// the stack overflowed, exit 134, because a set left "under way" before its own entries were
    /// resolved).
    /// </summary>
    [Theory]
    [InlineData("groups g { g; }\n")]
    [InlineData("groups g { 232.1.1.1; g; }\n")]
    [InlineData("groups g { 232.0.0.0/8; except g; }\n")]
    [InlineData("sources s { 198.51.100.0/24; s; }\ngroups g { 232.1.1.1; }\n")]
    [InlineData("groups a { b; }\ngroups b { b; a; }\n")]
    public void ASetNamingItself(string policy)
    {
        var run = AssertChecksWithoutCrashing(new Dictionary<string, string> { ["main.mpol"] = policy }, "main.mpol", $"a set naming itself: {policy.Trim()}");
        Assert.True(run.ExitCode == 1 && run.Output.Contains("MP2004"), $"a set naming itself is error MP2004:\n{run.Output}");
    }

    [Theory]
    [InlineData(2_000)]
    public void LongIncludeChain(int depth)
    {
        var files = new Dictionary<string, string>();
        for (int i = 0; i < depth; i++)
        {
            files[$"f{i}.mpol"] = (i + 1 < depth ? $"include \"f{i + 1}.mpol\";\n" : string.Empty) + $"groups g{i} {{ 239.1.{i / 256 % 256}.{i % 256}; }}\n";
        }
        AssertChecksWithoutCrashing(files, "f0.mpol", $"a chain of {depth} includes");
    }

    private sealed record ChildRun(int ExitCode, string Output);

    private static ChildRun AssertChecksWithoutCrashing(Dictionary<string, string> files, string root, string what)
    {
        string directory = Path.Combine(Path.GetTempPath(), "mpol-deep-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            foreach (var (name, text) in files) File.WriteAllText(Path.Combine(directory, name), text);
            string mpolc = Path.Combine(AppContext.BaseDirectory, "mpolc.dll");
            Assert.True(File.Exists(mpolc), $"{mpolc} is missing: the test project should reference compiler/mpolc");
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = directory,
            };
            foreach (var argument in new[] { mpolc, "check", "--today", "2026-11-23", root }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(ChildTimeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"mpolc check did not finish within {ChildTimeout.TotalMinutes} minutes on {what}");
            }
            process.WaitForExit();
            string output = stdout.Result + stderr.Result;
            string excerpt = output.Length > 3000 ? output[..3000] + "…" : output;
            Assert.True(process.ExitCode is 0 or 1,
                $"mpolc check crashed on {what}: exit code {process.ExitCode}" +
                (output.Contains("Stack overflow", StringComparison.Ordinal) ? " (stack overflow)" : string.Empty) +
                $"; the compiler must answer with diagnostics, never crash.\n{excerpt}");
            return new ChildRun(process.ExitCode, output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
