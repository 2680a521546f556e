using System.Diagnostics;
using PolicyKit.Bmp.Analysis;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Bench;

/// <summary>
/// Where the per-prefix time goes, in-process and warm: the end-to-end streams through one
/// monitor with parts of the work switched off one at a time (the policy's engine, the bogon
/// check, damping), plus decoding alone. Stopwatch medians of 5 passes, each on a fresh monitor
/// (a new router session), after 2 warm-up passes. For looking, not for the README.
/// </summary>
internal static class ProfileRun
{
    public static int Run(TextWriter output, string? only)
    {
        foreach (var shape in EndToEnd.Shapes.Where(s => only is null || s.Name == only))
        {
            var stream = new MemoryStream();
            FullTable.WriteStream(stream, [FullTable.PeerAddresses[0]], shape.Messages, shape.PrefixesPerMessage, seed: 42);
            byte[] bytes = stream.ToArray();
            long prefixes = (long)shape.Messages * shape.PrefixesPerMessage;
            output.WriteLine($"{shape.Name}: {bytes.Length / 1e6:F1} MB");
            var named = EndToEnd.Table();
            var unnamed = TestTables.Bgp(TestTables.StandardDamping);
            var noDamping = TestTables.Bgp(null, new TestTables.Peer(FullTable.PeerAddresses[0], FullTable.PeerAs(0), 2_000_000, 1_800_000));
            Measure(output, "full (engine, bogons, damping)", prefixes, () => new RouterMonitor(named, new BmpStationOptions()), bytes);
            Measure(output, "no bogon check", prefixes, () => new RouterMonitor(named, new BmpStationOptions { Bogons = BogonList.Empty }), bytes);
            Measure(output, "no damping", prefixes, () => new RouterMonitor(noDamping, new BmpStationOptions()), bytes);
            Measure(output, "peer not in policy (no engine)", prefixes, () => new RouterMonitor(unnamed, new BmpStationOptions()), bytes);
            Measure(output, "not analysed (view: loc-rib only)", prefixes, () => new RouterMonitor(unnamed, new BmpStationOptions { View = BmpViewChoice.LocRib }), bytes);
            Time(output, "RIB inserts alone (ViewRib)", prefixes, () =>
            {
                var rib = new Rib.ViewRib();
                for (uint i = 0; i < prefixes; i++) rib.Announce(new RoutePrefix(RouteFamily.Ipv4Unicast, 0x10000000u + i * 256, 24, 0), (int)(i / 10), false, out _);
            });
            var decoder = new UpdateDecoder();
            Time(output, "decode only", prefixes, () =>
            {
                int at = 0;
                var span = bytes.AsSpan();
                while (BmpCommonHeader.TryFrame(span[at..], 1 << 20, out var header, out _) == FrameStatus.Complete)
                {
                    if (header.MessageType == BmpMessageType.RouteMonitoring)
                        decoder.Decode(span.Slice(at + BmpWire.CommonHeaderLength + BmpWire.PerPeerHeaderLength, header.Length - BmpWire.CommonHeaderLength - BmpWire.PerPeerHeaderLength), UpdateContext.Default);
                    at += header.Length;
                }
            });
        }
        return 0;
    }

    private static void Measure(TextWriter output, string what, long prefixes, Func<RouterMonitor> monitor, byte[] bytes) =>
        Time(output, what, prefixes, () => monitor().Consume(bytes, out _));

    /// <summary>Wall and CPU time (all threads: the GC's too) and GC pauses of one pass; medians of 5 after 2 warm-ups.</summary>
    private static void Time(TextWriter output, string what, long prefixes, Action pass)
    {
        var wall = new List<double>();
        var cpu = new List<double>();
        var pauses = new List<double>();
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < 7; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var pauseBefore = GC.GetTotalPauseDuration();
            var clock = Stopwatch.StartNew();
            pass();
            double elapsed = clock.Elapsed.TotalSeconds;
            process.Refresh();
            if (i < 2) continue;
            wall.Add(elapsed);
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalSeconds);
            pauses.Add((GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds);
        }
        static double Median(List<double> v)
        {
            v.Sort();
            return v[v.Count / 2];
        }
        double w = Median(wall), c = Median(cpu), g = Median(pauses);
        output.WriteLine($"  {what,-34} wall {w * 1000,7:F1} ms ({w * 1e9 / prefixes,5:F0} ns/prefix)  cpu {c * 1000,7:F1} ms  gc pauses {g * 1000,6:F1} ms");
    }
}
