using System.Diagnostics;
using System.Text;
using PolicyKit.Compiler.Tests.Cli;
using PolicyKit.Compiler.Tests.Robustness;

namespace PolicyKit.Compiler.Tests.Packaging;

/// <summary>
/// mpolc published with Native AOT (the README's install) must behave exactly as the JIT build:
/// the ANTLR runtime, the diagnostic catalogue's SARIF rules (found by reflection) and the JSON
/// writers all run trimmed and precompiled there. Both builds run as processes, each in its own
/// copy of the same folder, on every example policy and on mutants of them (syntax errors reach
/// ANTLR's error recovery); every command's exit code, stdout and stderr, and then every file
/// either build wrote, must be byte-identical.
/// </summary>
public sealed class MpolcNativeAotTests : IDisposable
{
    private const int MutantsPerExample = 40;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    // Each build links SARIF help to the docs shipped beside it; with this set both link here.
    private const string DocsUri = "https://docs.example/policykit/";

    private static (int Code, string Out, string Err) Run(string workingDirectory, string file, IEnumerable<string> args, TimeSpan timeout, bool sameDocs = true)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("NO_COLOR");
        if (sameDocs) info.Environment["MPOLC_DOCS_URI"] = DocsUri;
        else info.Environment.Remove("MPOLC_DOCS_URI");
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish in {timeout}");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>Publishes mpolc as the README says (Native AOT, linux-x64) into a folder of this test.</summary>
    private string PublishNative()
    {
        string output = Path.Combine(_dir.Path, "aot-bin");
        string project = Path.Combine(RepoPaths.Root, "compiler", "mpolc", "mpolc.csproj");
        var publish = Run(RepoPaths.Root, DotnetHost,
            ["publish", project, "-c", Configuration, "-r", "linux-x64", "-p:PublishAot=true", "-o", output, "-nologo"],
            TimeSpan.FromMinutes(20));
        Assert.True(publish.Code == 0, $"dotnet publish -p:PublishAot=true failed (Native AOT needs clang and zlib1g-dev: apt-get install -y clang zlib1g-dev):\n{publish.Out}\n{publish.Err}");
        // Trimming and AOT analysis warnings mean code that may behave differently once published.
        var warnings = publish.Out.Split('\n').Where(l => l.Contains("warning IL", StringComparison.Ordinal)).ToList();
        Assert.True(warnings.Count == 0, "Native AOT publish warnings:\n" + string.Join('\n', warnings));
        string binary = Path.Combine(output, "mpolc");
        Assert.True(File.Exists(binary), $"no native mpolc in {output}");
        return binary;
    }

    /// <summary>The examples, their test files, and mutants of each example, as the one input folder both builds get a copy of.</summary>
    private static Dictionary<string, string> Inputs()
    {
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var examples = Directory.GetFiles(RepoPaths.Examples, "*.mpol").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(examples);
        foreach (string file in Directory.GetFiles(RepoPaths.Examples, "*.mpol*"))
        {
            inputs["examples/" + Path.GetFileName(file)] = File.ReadAllText(file);
        }
        var vocabulary = examples.Select(File.ReadAllText).ToList();
        for (int e = 0; e < examples.Count; e++)
        {
            var mutator = new PolicyMutator(vocabulary[e], vocabulary);
            for (int i = 0; i < MutantsPerExample; i++)
            {
                inputs[$"mutants/{Path.GetFileNameWithoutExtension(examples[e])}-{i:D2}.mpol"] = mutator.Mutate(e * 1000 + i).Text;
            }
        }
        return inputs;
    }

    /// <summary>What each build is asked, in the folder holding the inputs (paths relative, so messages match).</summary>
    private static List<string[]> Commands(IReadOnlyCollection<string> inputs)
    {
        var examples = inputs.Where(p => p.StartsWith("examples/", StringComparison.Ordinal) && p.EndsWith(".mpol", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var tests = inputs.Where(p => p.EndsWith(".mpoltest", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var mutants = inputs.Where(p => p.StartsWith("mutants/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        const string Today = "2026-11-23";
        var commands = new List<string[]> { new[] { "--version" } };
        foreach (string format in new[] { "text", "json", "sarif" })
        {
            commands.Add(["check", "--today", Today, "--color", "never", "--format", format, .. examples]);
            commands.Add(["check", "--today", Today, "--color", "never", "--format", format, .. mutants]);
        }
        foreach (string example in examples)
        {
            string name = Path.GetFileNameWithoutExtension(example);
            commands.Add(["compile", "--today", Today, "--redact", "--serial", "7", "--target", "all", "-o", "out/" + name, example]);
        }
        commands.Add(["test", "--today", Today, .. tests]);
        commands.Add(["fmt", .. examples]);
        commands.Add(["fmt", .. mutants]);
        return commands;
    }

    private static Dictionary<string, byte[]> Files(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f).Replace('\\', '/'), File.ReadAllBytes, StringComparer.Ordinal);

    [Fact]
    public void Native_aot_mpolc_says_and_writes_what_the_jit_build_does_on_every_example_and_mutant()
    {
        string native = PublishNative();
        string jit = Path.Combine(AppContext.BaseDirectory, "mpolc.dll");
        var inputs = Inputs();
        string jitDir = Path.Combine(_dir.Path, "jit"), aotDir = Path.Combine(_dir.Path, "aot");
        foreach (var (path, text) in inputs)
        {
            // A mutant may hold a lone surrogate: written as UTF-8 with U+FFFD in its place.
            byte[] bytes = new UTF8Encoding(false).GetBytes(text);
            foreach (string copy in new[] { jitDir, aotDir })
            {
                string file = Path.Combine(copy, path);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllBytes(file, bytes);
            }
        }

        var differences = new StringBuilder();
        int compiled = 0;
        foreach (var command in Commands(inputs.Keys))
        {
            var expected = Run(jitDir, DotnetHost, [jit, .. command], TimeSpan.FromMinutes(5));
            var actual = Run(aotDir, native, command, TimeSpan.FromMinutes(5));
            string shown = string.Join(' ', command.Take(8)) + (command.Length > 8 ? " …" : "");
            Assert.True(expected.Code is 0 or 1 or 4, $"JIT mpolc {shown}: exit {expected.Code}\n{expected.Err}");
            if (command[0] == "compile" && expected.Code == 0) compiled++;
            if (expected != actual)
            {
                differences.Append($"mpolc {shown}: JIT exit {expected.Code}, AOT exit {actual.Code}\n")
                    .Append(FirstDifference("stdout", expected.Out, actual.Out))
                    .Append(FirstDifference("stderr", expected.Err, actual.Err));
            }
        }
        Assert.True(differences.Length == 0, "the Native AOT mpolc differs from the JIT build:\n" + differences);
        Assert.True(compiled >= 4, $"only {compiled} examples compiled: the comparison would miss the backends");

        var jitFiles = Files(jitDir);
        var aotFiles = Files(aotDir);
        Assert.Equal(jitFiles.Keys.Order(StringComparer.Ordinal), aotFiles.Keys.Order(StringComparer.Ordinal));
        var differing = jitFiles.Where(f => !f.Value.AsSpan().SequenceEqual(aotFiles[f.Key])).Select(f => f.Key).ToList();
        Assert.True(differing.Count == 0, "files the two builds wrote differently: " + string.Join(", ", differing));
        Assert.Contains(jitFiles.Keys, f => f.EndsWith(".mpt", StringComparison.Ordinal));

        // Without MPOLC_DOCS_URI, the native mpolc's SARIF help links lead to the docs published beside it.
        var sarif = Run(aotDir, native, ["check", "--format", "sarif", "mutants/" + Path.GetFileName(inputs.Keys.First(k => k.StartsWith("mutants/", StringComparison.Ordinal)))], TimeSpan.FromMinutes(1), sameDocs: false);
        var help = System.Text.Json.JsonDocument.Parse(sarif.Out).RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("informationUri").GetString()!;
        var docs = new Uri(help);
        Assert.True(docs.IsFile && docs.LocalPath.StartsWith(Path.GetDirectoryName(native)!, StringComparison.Ordinal)
            && File.Exists(Path.Combine(docs.LocalPath, "diagnostics.md")), help);

        // The language server needs reflection the native build lacks: it says so and exits 2
        // rather than failing on the editor's first message (docs/editor.md).
        var lsp = Run(aotDir, native, ["lsp"], TimeSpan.FromMinutes(1));
        Assert.True(lsp.Code == 2 && lsp.Err.Contains("no language server", StringComparison.Ordinal) && lsp.Out.Length == 0,
            $"native mpolc lsp: exit {lsp.Code}\n{lsp.Err}");
    }

    private static string FirstDifference(string stream, string expected, string actual)
    {
        if (expected == actual) return "";
        int at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at]) at++;
        string Around(string s) => s.Substring(Math.Max(0, at - 80), Math.Min(s.Length, at + 160) - Math.Max(0, at - 80));
        return $"  {stream} differs at char {at}:\n  JIT: {Around(expected)}\n  AOT: {Around(actual)}\n";
    }
}
