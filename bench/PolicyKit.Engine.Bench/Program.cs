using BenchmarkDotNet.Running;

namespace PolicyKit.Engine.Bench;

/// <summary>
/// dotnet run -c Release --project bench/PolicyKit.Engine.Bench -- [BenchmarkDotNet arguments]
///   e.g. --filter '*'            all join benchmarks (decisions/s = 1e9 / mean ns, allocated B/op)
///        --latency [--uniform]   p50/p90/p99/p99.9 over 1M individually timed decisions of the mixed
///                                workload (query reports; --uniform: uniformly random refreshes)
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--experiment")) return Experiment.Run();
        if (args.Contains("--latency")) return LatencyMode.Run(Console.Out, uniform: args.Contains("--uniform"));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
