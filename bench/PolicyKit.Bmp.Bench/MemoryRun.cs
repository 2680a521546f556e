using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Bench;

/// <summary>The full-table memory figure (the same measurement as the test, printed with its parts).</summary>
internal static class MemoryRun
{
    public static int Run(TextWriter output)
    {
        const int peers = 4, perPeer = 250_000;
        var table = TestTables.Bgp(TestTables.StandardDamping,
            FullTable.PeerAddresses.Take(peers).Select((a, k) => new TestTables.Peer(a, FullTable.PeerAs(k), 300_000, 270_000)).ToArray());
        var stream = FullTable.Stream(peers, perPeer, seed: 1, out int messages);
        long before = GC.GetTotalMemory(true);
        var monitor = new RouterMonitor(table, new BmpStationOptions());
        monitor.Consume(stream, out _);
        long streamBytes = stream.Length;
        stream = null!;
        long after = GC.GetTotalMemory(true);
        var snapshot = monitor.Snapshot();
        int prefixes = snapshot.Peers.Sum(p => p.Prefixes(RibView.AdjRibInPre));
        output.WriteLine($"{prefixes:N0} prefixes ({peers} peers, all named in the policy), {messages:N0} messages, stream {streamBytes / 1e6:F1} MB");
        output.WriteLine($"held: {(after - before) / 1e6:F1} MB ({(double)(after - before) / prefixes:F0} B/prefix), of which RIB maps and interned paths {snapshot.RibBytes / 1e6:F1} MB ({snapshot.AttributeSets:N0} paths); the rest is the engine's prefix state");
        output.WriteLine($"process working set {Environment.WorkingSet / 1e6:F1} MB");
        GC.KeepAlive(monitor);
        return 0;
    }
}
