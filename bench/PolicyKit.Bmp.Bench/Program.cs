using BenchmarkDotNet.Running;

namespace PolicyKit.Bmp.Bench;

/// <summary>
/// dotnet run -c Release --project bench/PolicyKit.Bmp.Bench -- [mode]
///   (BenchmarkDotNet arguments, e.g. --filter '*')   route monitoring messages/s (1e9 / mean ns), allocations
///   --pcap FILE              writes the benchmark's stream as a pcap (for pmbmpd, Wireshark)
///   --fuzz N [--seed S]      N mutated messages from the recorded FRR/GoBGP streams through the monitor;
///                            no exception may escape, managed memory is reported every 10% of the run
///   --vrp-load [--entries N] a VRP JSON file of N (500,000) entries loaded in a fresh process: time, heap held, peak RSS
///   --memory                 the full-table figure: 4 peers × 250,000 prefixes, heap held after a full GC
///   --write-stream FILE [--shape NAME]   writes an end-to-end stream (for perf, socat, pmbmpd by hand)
///   --profile [--shape NAME] where the per-prefix time goes (stopwatch, in-process, parts switched off)
///   --reconnects [--count N] [--agent PATH]   one agent, the 1M-prefix router reconnecting N (10) times: RSS after each
///   --e2e [--runs N] [--agent PATH] [--shape NAME]
///                            end to end over TCP: mpol-agent's station vs pmbmpd, whole processes, the same
///                            streams (100k x 10, 1M x 1 prefixes), alternating, fresh receivers, medians of N (3)
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        if (Value("--pcap") is { } pcap)
        {
            Recording.PcapWriter.Write(pcap, Workload.Dump());
            Console.WriteLine($"wrote {pcap}");
            return 0;
        }
        if (Value("--fuzz") is { } count) return FuzzRun.Run(Console.Out, int.Parse(count), int.Parse(Value("--seed") ?? "20261123"));
        if (args.Contains("--memory")) return MemoryRun.Run(Console.Out);
        if (args.Contains("--vrp-load")) return VrpLoadRun.Run(Console.Out, int.Parse(Value("--entries") ?? "500000"));
        if (Value("--write-stream") is { } streamFile)
        {
            var shape = EndToEnd.Shapes.Single(s => s.Name == (Value("--shape") ?? "100k x 10"));
            Console.WriteLine($"{EndToEnd.Generate(streamFile, shape):N0} BMP messages ({shape.Name}) written to {streamFile}");
            File.WriteAllBytes(streamFile + ".mpt", Tables.Format.TableWriter.Write(EndToEnd.Table().Source));
            Console.WriteLine($"the benchmark's table written to {streamFile}.mpt");
            return 0;
        }
        if (args.Contains("--profile")) return ProfileRun.Run(Console.Out, Value("--shape"));
        if (args.Contains("--reconnects")) return EndToEnd.Reconnects(Console.Out, int.Parse(Value("--count") ?? "10"), Value("--agent"));
        if (args.Contains("--e2e"))
        {
            var shapes = args.Select((a, i) => (a, i)).Where(x => x.a == "--shape" && x.i + 1 < args.Length).Select(x => args[x.i + 1]).ToList();
            return EndToEnd.Run(Console.Out, int.Parse(Value("--runs") ?? "3"), Value("--agent"), shapes);
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
