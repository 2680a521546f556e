using BenchmarkDotNet.Running;

namespace PolicyKit.Engine.Bench;

/// <summary>
/// dotnet run -c Release --project bench/PolicyKit.Engine.Bench -- [BenchmarkDotNet arguments]
///   e.g. --filter '*'            all join benchmarks (decisions/s = 1e9 / mean ns, allocated B/op)
///        --latency [--uniform] [--channels N]
///                                p50/p90/p99/p99.9 over 1M individually timed decisions of the mixed
///                                workload (query reports; --uniform: uniformly random refreshes;
///                                N channels per interface, default 3)
///        --breakdown [--channels N]  where the time of a refresh goes: the same reports against
///                                the table without its access filter, limits or group range
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        int channels = args.SkipWhile(a => a != "--channels").Skip(1).Select(int.Parse).FirstOrDefault(3);
        if (args.Contains("--breakdown")) return Breakdown.Run(Console.Out, channels);
        if (args.Contains("--latency")) return LatencyMode.Run(Console.Out, uniform: args.Contains("--uniform"), channels);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
