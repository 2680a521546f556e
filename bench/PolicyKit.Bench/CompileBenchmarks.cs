using BenchmarkDotNet.Attributes;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Emit;

namespace PolicyKit.Bench;

/// <summary>
/// <c>mpolc compile</c> without the CLI and without writing files: check, then emit every device
/// of a generated policy to every target (<see cref="Emitters.Targets"/>), secrets redacted so
/// that no environment is needed, from the text in memory. The check runs on one thread; the
/// devices are emitted in parallel, on at most <see cref="EmitThreads"/> threads (1: the cost on
/// one core; 2: the design goal's two cores). As with <c>mpolc compile</c>, the agent tables'
/// readable text (<see cref="EmittedFile.Content"/>, for diff and golden files) is not rendered.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class CompileBenchmarks
{
    private Dictionary<string, string> _files = [];
    private CompilationOptions _options = new();
    private IReadOnlyCollection<string> _targets = [];
    private EmitOptions _emit = new() { Redact = true };

    [Params("100k")]
    public string Preset { get; set; } = "100k";

    [Params(1, 2)]
    public int EmitThreads { get; set; } = 2;

    [GlobalSetup]
    public void Setup()
    {
        var preset = GeneratorPreset.Find(Preset) ?? throw new ArgumentException($"no preset '{Preset}'");
        var policy = PolicyGenerator.Generate(preset);
        _files = new Dictionary<string, string> { [PolicyGenerator.FileName] = policy.Text };
        _options = new CompilationOptions { Today = PolicyGenerator.Today };
        _targets = Emitters.Targets.ToList();
        _emit = new EmitOptions { Redact = true, MaxParallelism = EmitThreads };
        var result = CompileAll();
        if (result.HasErrors)
        {
            throw new InvalidOperationException($"generated policy {Preset} does not compile: {result.Diagnostics.First(d => d.IsError)}");
        }
        Console.WriteLine($"// {policy}");
        Console.WriteLine($"// {result.Files.Count} files, {result.Files.Sum(f => (long)(f.Bytes?.Length ?? f.Content.Length)):N0} characters or bytes, targets {string.Join(", ", _targets)}");
    }

    [Benchmark]
    public CompileResult CompileAll() =>
        PolicyEmitter.Compile(PolicyGenerator.FileName, _targets, _options, _emit, new InMemoryPolicyFileReader(_files));
}
