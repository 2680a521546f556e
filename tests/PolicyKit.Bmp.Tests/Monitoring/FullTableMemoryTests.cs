using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;
using Xunit.Abstractions;

namespace PolicyKit.Bmp.Tests.Monitoring;

[CollectionDefinition("memory", DisableParallelization = true)]
public sealed class MemoryCollection;

/// <summary>
/// Issue 6: a full table — 1M IPv4 prefixes across peers — is held in less than 300 MB. Four
/// transit peers, each named in the policy (so the engine holds every prefix too, against a
/// max-prefix of 300,000) send 250,000 prefixes; the heap the monitor retains afterwards is
/// measured after a full collection (alone: this collection runs without parallel tests).
/// </summary>
[Collection("memory")]
public sealed class FullTableMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void AMillionPrefixesFitIn300Megabytes()
    {
        const int peers = 4, perPeer = 250_000;
        var table = TestTables.Bgp(TestTables.StandardDamping,
            FullTable.PeerAddresses.Take(peers).Select((a, k) => new TestTables.Peer(a, FullTable.PeerAs(k), 300_000, 270_000)).ToArray());
        var stream = FullTable.Stream(peers, perPeer, seed: 1, out int messages);

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var monitor = new RouterMonitor(table, new BmpStationOptions(), new ListSink(100));
        int used = monitor.Consume(stream, out var error);
        Assert.Null(error);
        Assert.Equal(stream.Length, used);
        stream = null!; // only the monitor's state is measured
        long after = GC.GetTotalMemory(forceFullCollection: true);
        long held = after - before;

        var snapshot = monitor.Snapshot();
        Assert.Equal(peers * perPeer, snapshot.Peers.Sum(p => p.Prefixes(RibView.AdjRibInPre)));
        Assert.Equal(peers * perPeer, snapshot.Peers.Sum(p => p.PolicyPrefixes));
        Assert.Equal(0, snapshot.MalformedMessages);
        output.WriteLine($"{peers * perPeer:N0} prefixes in {messages:N0} route monitoring messages: {held / 1e6:F1} MB held " +
            $"({(double)held / (peers * perPeer):F0} B/prefix; RIB and attributes {snapshot.RibBytes / 1e6:F1} MB, {snapshot.AttributeSets:N0} distinct paths)");
        Assert.True(held < 300_000_000, $"{held / 1e6:F1} MB held for a million prefixes");
        GC.KeepAlive(monitor);
    }
}
