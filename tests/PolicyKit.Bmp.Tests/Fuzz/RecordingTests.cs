using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Recording;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Tests.Fuzz;

/// <summary>The committed recordings of FRR and GoBGP decode cleanly and replay to the states the live tests saw.</summary>
public sealed class RecordingTests
{
    public static TheoryData<string> Files => new(["frr-8.4.bmp", "frr-8.4-tls.bmp", "frr-8.4-no-soft-reconfig.bmp", "gobgp-3.10.bmp"]);

    private static (RouterMonitor Monitor, ListSink Sink) Replay(string name, BmpStationOptions? options = null)
    {
        var stream = Recordings.Read(name);
        var sink = new ListSink();
        var monitor = new RouterMonitor(TestTables.TwoPeers(), options ?? new BmpStationOptions(), sink);
        int used = monitor.Consume(stream, out var error);
        Assert.Null(error);
        Assert.Equal(stream.Length, used);
        return (monitor, sink);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void RecordingsDecodeWithoutAnyMalformedMessage(string name)
    {
        var (monitor, _) = Replay(name);
        var snapshot = monitor.Snapshot();
        Assert.Equal(0, snapshot.MalformedMessages);
        Assert.Equal(0, snapshot.BgpErrors);
        Assert.Equal(0, snapshot.UnknownMessageTypes);
        Assert.Equal(1, snapshot.MessagesByType["initiation"]);
        Assert.True(snapshot.MessagesByType["route-monitoring"] > 10);
        Assert.True(snapshot.MessagesByType["peer-up"] >= 2);
    }

    /// <summary>
    /// Issue 15, finding 2, on the recording of FRR 8.4 without soft-reconfiguration inbound (its
    /// default): the pre-policy view carries withdrawals only, so a pre-policy analysis (the station
    /// before, still available as a fixed view) sees no prefix and no bogon; the automatic view
    /// analyses post-policy, where FRR's accepted routes are.
    /// </summary>
    [Fact]
    public void FrrWithoutSoftReconfigurationIsAnalysedOnPostPolicy()
    {
        var (pre, preSink) = Replay("frr-8.4-no-soft-reconfig.bmp", new BmpStationOptions { View = BmpViewChoice.PrePolicy });
        var prePeer = pre.Snapshot().Peers.Single(p => p.Peer.Name == "192.0.2.1");
        Assert.Equal(0, prePeer.Prefixes(RibView.AdjRibInPre));
        Assert.Equal(0, prePeer.PolicyPrefixes);
        Assert.Equal(0, prePeer.BogonAnnouncements);
        Assert.Empty(preSink.Of<Events.BmpViolationEvent>());

        var (auto, sink) = Replay("frr-8.4-no-soft-reconfig.bmp");
        var peer = auto.Snapshot().Peers.Single(p => p.Peer.Name == "192.0.2.1");
        Assert.Equal("post-policy", peer.AnalysisView);
        Assert.Equal(14, peer.Prefixes(RibView.AdjRibInPost));
        Assert.Equal(10, peer.PolicyPrefixes);        // 12 of 11/8 permitted by the filter, capped at max-prefix 10
        Assert.Equal(2, peer.RefusedByMaxPrefix);
        Assert.Equal(1, peer.BogonAnnouncements);     // 10.50.0.0/16
        Assert.Equal(2, peer.FilterViolations);       // 13.0.0.0/8, and 10.50.0.0/16 which the filter refuses too
        // FRR's own 10.200.0.0/24 comes (pre- and post-policy) with an all-zero peer header: the router's routes, not a neighbor's announcement.
        Assert.DoesNotContain(sink.Of<Events.BmpViolationEvent>(), e => e.Peer.Name == "local");
        Assert.All(sink.Of<Events.BmpViolationEvent>(), e => Assert.Equal("post-policy", e.View));
        Assert.Contains(sink.Of<Events.BmpViolationEvent>(), e => e.Prefix == "10.50.0.0/16" && e.Violation == Events.ViolationKind.Bogon);
    }

    [Fact]
    public void TheFrrRecordingShowsItsQuirksAndEndsWithThePeerShutDown()
    {
        var (monitor, sink) = Replay("frr-8.4.bmp");
        var snapshot = monitor.Snapshot();
        Assert.Equal("rA", snapshot.SysName);
        var downs = sink.Of<Events.BmpPeerDownEvent>().ToList();
        Assert.False(downs[0].WasKnown);                       // a Peer Down before the first Peer Up
        Assert.True(downs[^1].WasKnown);                       // the shutdown at the end
        Assert.Contains(snapshot.Peers, p => p.Peer.Name == "local" && !p.PeerUpSeen);
        Assert.Contains(snapshot.Peers, p => p.Statistics.ContainsKey("type-65531"));
        var v4 = snapshot.Peers.Single(p => p.Peer.Name == "192.0.2.1");
        Assert.False(v4.Up);
        Assert.Equal(0, v4.Prefixes(RibView.AdjRibInPre));
        Assert.Equal(3, snapshot.Peers.Single(p => p.Peer.Name == "2001:db8:ff::1").Prefixes(RibView.AdjRibInPre));
    }

    [Fact]
    public void TheGoBgpRecordingHasLocRibWithoutAPeerUp()
    {
        var (monitor, _) = Replay("gobgp-3.10.bmp");
        var snapshot = monitor.Snapshot();
        Assert.Equal("GoBGP", snapshot.SysName);
        var locRib = snapshot.Peers.Single(p => p.Peer.Name == "loc-rib");
        Assert.False(locRib.PeerUpSeen);
        // 13 learned routes and GoBGP's own 45.0.0.0/24, which its Loc-RIB carries without AS_PATH: a route, not a withdrawal.
        Assert.Equal(14, locRib.Views.Single().Ipv4Unicast);
        Assert.Equal(0, snapshot.MalformedMessages);
        Assert.Equal(0, locRib.TreatedAsWithdraw);
        Assert.Equal(3, locRib.Views.Single().Ipv6Unicast);
        Assert.Equal(13, snapshot.Peers.Single(p => p.Peer.Name == "192.0.2.1").Prefixes(RibView.AdjRibInPre));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ARecordingFedInArbitraryPiecesGivesTheSameState(string name)
    {
        var stream = Recordings.Read(name);
        var whole = Replay(name).Monitor.Snapshot();
        var monitor = new RouterMonitor(TestTables.TwoPeers(), new BmpStationOptions(), new ListSink());
        var random = new Random(7);
        var pending = new List<byte>();
        int at = 0;
        while (at < stream.Length)
        {
            int n = Math.Min(random.Next(1, 300), stream.Length - at);
            pending.AddRange(stream.AsSpan(at, n).ToArray());
            at += n;
            int used = monitor.Consume(pending.ToArray(), out var error);
            Assert.Null(error);
            pending.RemoveRange(0, used);
        }
        Assert.Empty(pending);
        var pieces = monitor.Snapshot();
        Assert.Equal(whole.Messages, pieces.Messages);
        Assert.Equal(whole.Peers.Select(p => (p.Peer.Name, p.Views.Sum(v => v.Prefixes), p.PolicyPrefixes)), pieces.Peers.Select(p => (p.Peer.Name, p.Views.Sum(v => v.Prefixes), p.PolicyPrefixes)));
    }

    [Fact]
    public void PcapOfARecordingHoldsEveryMessageOnce()
    {
        using var temp = new TempDirectory();
        var stream = Recordings.Read("frr-8.4.bmp");
        string pcap = temp.File_("frr.pcap");
        PcapWriter.Write(pcap, stream);
        var bytes = File.ReadAllBytes(pcap);
        Assert.Equal(0xA1B2C3D4u, BitConverter.ToUInt32(bytes, 0));
        Assert.Equal(PcapWriter.Messages(stream).Count, CountFrames(bytes) - 4); // handshake (3) and FIN
    }

    private static int CountFrames(byte[] pcap)
    {
        int count = 0;
        for (int at = 24; at < pcap.Length; count++) at += 16 + (int)BitConverter.ToUInt32(pcap, at + 8);
        return count;
    }
}
