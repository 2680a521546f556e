using BenchmarkDotNet.Running;

namespace PolicyKit.Bmp.Bench;

/// <summary>
/// dotnet run -c Release --project bench/PolicyKit.Bmp.Bench -- [mode]
///   (BenchmarkDotNet arguments, e.g. --filter '*')   route monitoring messages/s (1e9 / mean ns), allocations
///   --pmbmpd                 the benchmark's stream through pmacct's pmbmpd -I (wall time, messages/s), and the
///                            station's own single pass over the same stream for the same figure
///   --pcap FILE              writes the benchmark's stream as a pcap (for pmbmpd, Wireshark)
///   --fuzz N [--seed S]      N mutated messages from the recorded FRR/GoBGP streams through the monitor;
///                            no exception may escape, managed memory is reported every 10% of the run
///   --memory                 the full-table figure: 4 peers × 250,000 prefixes, heap held after a full GC
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        if (args.Contains("--pmbmpd")) return PmbmpdComparison.Run(Console.Out);
        if (Value("--pcap") is { } pcap)
        {
            Recording.PcapWriter.Write(pcap, Workload.Dump());
            Console.WriteLine($"wrote {pcap}");
            return 0;
        }
        if (Value("--fuzz") is { } count) return FuzzRun.Run(Console.Out, int.Parse(count), int.Parse(Value("--seed") ?? "20261123"));
        if (args.Contains("--memory")) return MemoryRun.Run(Console.Out);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
