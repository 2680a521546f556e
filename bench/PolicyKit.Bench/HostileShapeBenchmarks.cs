using BenchmarkDotNet.Attributes;
using PolicyKit.Compiler;

namespace PolicyKit.Bench;

/// <summary>
/// <c>mpolc check</c> (in-process, from the string) of the shapes that were super-linear (issue
/// 14, finding 7): a chain of 100k set references, 128 s before the fix; a 10 MB policy on a
/// single line, 10.5 s and 798 MB.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class HostileShapeBenchmarks
{
    private Dictionary<string, string> _files = [];
    private readonly CompilationOptions _options = new() { Today = PolicyGenerator.Today };

    [Params("chain-100k", "single-line-10mb")]
    public string Shape { get; set; } = "chain-100k";

    [GlobalSetup]
    public void Setup()
    {
        _files = new Dictionary<string, string> { ["shape.mpol"] = HostileShapes.Generate(Shape) };
        var result = Check();
        if (result.ErrorCount > 0) throw new InvalidOperationException($"shape {Shape} has {result.ErrorCount} errors: {result.Diagnostics.First(d => d.IsError)}");
        Console.WriteLine($"// {Shape}: {_files["shape.mpol"].Length:N0} chars, {result.WarningCount} warnings");
    }

    [Benchmark]
    public CheckResult Check() => PolicyCompiler.Check("shape.mpol", _options, new InMemoryPolicyFileReader(_files));
}
