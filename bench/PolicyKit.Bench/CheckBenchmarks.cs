using BenchmarkDotNet.Attributes;
using PolicyKit.Compiler;

namespace PolicyKit.Bench;

/// <summary>
/// <c>mpolc check</c> without the CLI: parse + bind + every semantic check of a generated policy
/// (with its std/ includes), single-threaded. The text is generated once per preset; each
/// invocation starts from the string, as the CLI does after reading the file.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class CheckBenchmarks
{
    private Dictionary<string, string> _files = [];
    private CompilationOptions _options = new();

    [Params("10k", "100k")]
    public string Preset { get; set; } = "10k";

    [GlobalSetup]
    public void Setup()
    {
        var preset = GeneratorPreset.Find(Preset) ?? throw new ArgumentException($"no preset '{Preset}'");
        var policy = PolicyGenerator.Generate(preset);
        _files = new Dictionary<string, string> { [PolicyGenerator.FileName] = policy.Text };
        _options = new CompilationOptions { Today = PolicyGenerator.Today };
        var result = Check();
        if (result.Diagnostics.Count > 0)
        {
            throw new InvalidOperationException($"generated policy {Preset} is not clean: {result.ErrorCount} errors, {result.WarningCount} warnings");
        }
        Console.WriteLine($"// {policy}");
    }

    [Benchmark]
    public CheckResult Check() =>
        PolicyCompiler.Check(PolicyGenerator.FileName, _options, new InMemoryPolicyFileReader(_files));
}
