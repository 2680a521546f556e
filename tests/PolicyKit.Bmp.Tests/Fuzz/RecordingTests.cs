using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Recording;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Tests.Fuzz;

/// <summary>The committed recordings of FRR and GoBGP decode cleanly and replay to the states the live tests saw.</summary>
public sealed class RecordingTests
{
    public static TheoryData<string> Files => new(["frr-8.4.bmp", "frr-8.4-tls.bmp", "gobgp-3.10.bmp"]);

    private static (RouterMonitor Monitor, ListSink Sink) Replay(string name)
    {
        var stream = Recordings.Read(name);
        var sink = new ListSink();
        var monitor = new RouterMonitor(TestTables.TwoPeers(), new BmpStationOptions(), sink);
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
        Assert.Equal(13, locRib.Views.Single().Ipv4Unicast);
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
