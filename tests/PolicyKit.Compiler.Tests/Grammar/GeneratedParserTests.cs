using System.Diagnostics;
using System.Text;

namespace PolicyKit.Compiler.Tests.Grammar;

/// <summary>
/// The generated C# parser is committed (so `dotnet build` needs no Node). This test proves it is
/// what grammar/Mpol.g4 produces with the pinned antlr-ng: it regenerates into a temp folder and
/// compares every file byte for byte. It needs Node.js and npm and fails (never skips) without.
/// </summary>
public sealed class GeneratedParserTests
{
    private static readonly TimeSpan GenerateTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public void CommittedParserMatchesGrammar()
    {
        foreach (var tool in new[] { "bash", "node", "npm" })
        {
            Assert.True(FindOnPath(tool) is not null,
                tool == "bash"
                    ? "bash is not on PATH; grammar/generate is a bash script"
                    : $"'{tool}' is not on PATH: install Node.js and npm (e.g. apt-get install nodejs npm) to run grammar/generate, which regenerates the parser with the antlr-ng pinned in grammar/package.json");
        }

        string output = Path.Combine(Path.GetTempPath(), "mpol-grammar-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(output);
        try
        {
            RunGenerate(output);

            var committed = CsFiles(RepoPaths.GeneratedParser);
            var generated = CsFiles(output);
            Assert.True(generated.Count > 0, $"grammar/generate produced no .cs file in {output}");

            var problems = new List<string>();
            foreach (var name in generated.Keys.Except(committed.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                problems.Add($"{name}: generated from Mpol.g4 but missing from compiler/PolicyKit.Compiler/Generated/");
            }
            foreach (var name in committed.Keys.Except(generated.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                problems.Add($"{name}: in compiler/PolicyKit.Compiler/Generated/ but not generated from Mpol.g4 (stale file)");
            }
            foreach (var name in generated.Keys.Intersect(committed.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                byte[] expected = File.ReadAllBytes(generated[name]);
                byte[] actual = File.ReadAllBytes(committed[name]);
                if (!expected.AsSpan().SequenceEqual(actual))
                {
                    problems.Add($"{name}: differs from what Mpol.g4 generates ({FirstDifference(expected, actual)})");
                }
            }
            Assert.True(problems.Count == 0,
                "The committed parser is out of date with grammar/Mpol.g4 — run grammar/generate and commit the result:\n  " +
                string.Join("\n  ", problems));
        }
        finally
        {
            try
            {
                Directory.Delete(output, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    private static void RunGenerate(string output)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Grammar, "generate"));
        start.ArgumentList.Add(output);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(GenerateTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"grammar/generate did not finish within {GenerateTimeout.TotalMinutes} minutes");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0,
            $"grammar/generate failed with exit code {process.ExitCode} (it needs Node.js and npm, and network access for `npm ci` " +
            $"when grammar/node_modules is missing):\n{stdout.Result}\n{stderr.Result}");
    }

    private static Dictionary<string, string> CsFiles(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(directory, f).Replace('\\', '/'), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private static string FirstDifference(byte[] generated, byte[] committed)
    {
        int length = Math.Min(generated.Length, committed.Length);
        int offset = 0;
        while (offset < length && generated[offset] == committed[offset]) offset++;
        int line = 1 + generated.AsSpan(0, offset).Count((byte)'\n');
        string Excerpt(byte[] bytes)
        {
            if (offset >= bytes.Length) return "<end of file>";
            int lineStart = offset == 0 ? 0 : Array.LastIndexOf(bytes, (byte)'\n', offset - 1) + 1;
            int lineEnd = Array.IndexOf(bytes, (byte)'\n', offset);
            if (lineEnd < 0) lineEnd = bytes.Length;
            return Encoding.UTF8.GetString(bytes, lineStart, Math.Min(lineEnd - lineStart, 160)).TrimEnd('\r');
        }
        return $"first difference at byte {offset}, line {line}: generated `{Excerpt(generated)}`, committed `{Excerpt(committed)}`; " +
               $"sizes {generated.Length} vs {committed.Length} bytes";
    }

    private static string? FindOnPath(string tool)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate)) return candidate;
            if (OperatingSystem.IsWindows() && File.Exists(candidate + ".exe")) return candidate + ".exe";
            if (OperatingSystem.IsWindows() && File.Exists(candidate + ".cmd")) return candidate + ".cmd";
        }
        return null;
    }
}
