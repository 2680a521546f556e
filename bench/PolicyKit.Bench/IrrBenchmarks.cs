using BenchmarkDotNet.Attributes;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Irr;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Bench;

/// <summary>
/// Resolving an IRR-built set (issue 20's figure: a 100k-route RPSL dump with a 5,000-member
/// as-set in under 2 s). <c>Resolve</c>: read the dump's text into the index and expand the
/// as-set with max-length and aggregation — what a compile without a lock does per data file.
/// <c>Check</c>: the whole <c>mpolc check</c> of a policy whose set is built from the dump (no
/// lock, so it is resolved; with a lock nothing is read).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class IrrBenchmarks
{
    private string _dump = "";
    private Dictionary<string, string> _files = [];
    private static readonly IrrQuery Query = new(IrrDump.AsSet, 24, 48, true, IrrQuery.MaxLimit);

    private const string Policy = """
        prefixes bench-cone from irr "AS-BENCH" { rpsl "bench.db"; max-length ipv4 24 ipv6 48; aggregate; limit 1000000; }
        filter bench-in { permit prefixes bench-cone; }
        """;

    [GlobalSetup]
    public void Setup()
    {
        _dump = IrrDump.Generate();
        _files = new Dictionary<string, string> { ["irr-bench.mpol"] = Policy, ["bench.db"] = _dump };
        var resolution = Resolve();
        if (!resolution.ObjectFound || resolution.Prefixes.IsEmpty) throw new InvalidOperationException("the dump does not resolve");
        Console.WriteLine($"// dump: {_dump.Length / 1024 / 1024} MB, {IrrDump.Routes:N0} routes; {IrrDump.AsSet} resolves to {resolution.Prefixes.Length:N0} entries, {resolution.Cycles.Length} cycle(s)");
        var check = Check();
        if (check.ErrorCount > 0) throw new InvalidOperationException($"the IRR policy does not check: {string.Join("; ", check.Diagnostics)}");
    }

    [Benchmark]
    public IrrResolution Resolve()
    {
        var data = new RpslDatabase();
        data.Add(_dump, error => throw new InvalidOperationException(error.Message));
        return IrrResolver.Resolve(data, Query);
    }

    [Benchmark]
    public CheckResult Check() =>
        PolicyCompiler.Check("irr-bench.mpol", new CompilationOptions(), new InMemoryPolicyFileReader(_files));
}
