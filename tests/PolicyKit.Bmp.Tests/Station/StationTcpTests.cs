using System.Net;
using System.Net.Sockets;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;
using static PolicyKit.Bmp.Tests.Support.Vectors;

namespace PolicyKit.Bmp.Tests.Station;

public sealed class StationTcpTests
{
    private static BmpStationOptions Options(params BmpListenerOptions[] listeners) => new() { Listeners = listeners.Length == 0 ? [StationHarness.Plain()] : listeners };

    [Fact]
    public async Task AStreamOverTcpIsMonitoredAndItsSessionReported()
    {
        await using var h = await StationHarness.StartAsync(Options());
        using (var client = h.SendPlain(Streams.Router("r1", 20)))
        {
            Assert.True(h.WaitFor(x => x.Station.Snapshot().Peers.Any(p => p.Prefixes(RibView.AdjRibInPre) == 20)), h.Describe());
            var session = h.Station.Snapshot().Sessions.Single();
            Assert.Equal("r1@127.0.0.1", session.Router); // sysName at its address
            Assert.False(session.Tls);
            Assert.Equal(22, session.Messages);
        }
        Assert.True(h.WaitFor(x => x.Of<BmpSessionClosedEvent>().Any()), h.Describe());
        var closed = h.Of<BmpSessionClosedEvent>().Single();
        Assert.False(closed.Error);
        Assert.Equal("r1@127.0.0.1", closed.Router);
        Assert.Equal(["bmp-session-opened", "bmp-initiation", "bmp-peer-up"], h.Events.Take(3).Select(e => e.Kind));
        Assert.Empty(h.Station.Snapshot().Sessions);
        Assert.Equal(22, h.Station.Counters.Messages);
    }

    [Fact]
    public async Task AMalformedStreamClosesThatSessionOnly()
    {
        await using var h = await StationHarness.StartAsync(Options());
        using var good = h.SendPlain(Streams.Router("good", 5));
        using var bad = h.SendPlain(Concat(Streams.Router("bad", 3), Hex("09 00000006 00")));
        Assert.True(h.WaitFor(x => x.Of<BmpSessionClosedEvent>().Any() && x.Station.Counters.FramingErrors == 1), h.Describe());
        var closed = h.Of<BmpSessionClosedEvent>().Single();
        Assert.True(closed.Error);
        Assert.Contains("framing lost: BMP version 9", closed.Reason);
        Assert.Equal("bad@127.0.0.1", closed.Router);
        Assert.Equal(1, h.Station.Counters.FramingErrors);
        // The other session goes on.
        good.GetStream().Write(Announce("192.0.2.1", [64500], "12.0.0.0/8"));
        Assert.True(h.WaitFor(x => x.Station.Snapshot().Sessions.SingleOrDefault()?.Peers.Single().Prefixes(RibView.AdjRibInPre) == 6), h.Describe());
    }

    [Fact]
    public async Task MessagesSplitAcrossReadsAndLargerThanTheBufferAreReassembled()
    {
        await using var h = await StationHarness.StartAsync(Options() with { ReadBufferSize = 4096 });
        // One Route Monitoring of ~6 KB (an extended-message UPDATE) needs the buffer to grow.
        var caps = BmpEncoder.Capability(6);
        var big = BmpEncoder.RouteMonitoring(PeerHeader("192.0.2.1"), BmpEncoder.Update([], [BmpEncoder.Origin(0), BmpEncoder.AsPathAttribute(true, 64500), BmpEncoder.NextHop(A("192.0.2.1"))],
            Enumerable.Range(0, 1500).Select(i => P($"12.{i / 256}.{i % 256}.0/24"))));
        var stream = Concat(BmpEncoder.Initiation("r1", null), PeerUpFor("192.0.2.1", 64500, 0, caps), big);
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, h.Port());
        foreach (var chunk in stream.Chunk(777))
        {
            client.GetStream().Write(chunk);
            client.GetStream().Flush();
        }
        Assert.True(h.WaitFor(x => x.Station.Snapshot().Peers.Any(p => p.Prefixes(RibView.AdjRibInPre) == 1500)), h.Describe());
    }

    [Fact]
    public async Task ConnectionsAboveTheSessionLimitAreRefused()
    {
        await using var h = await StationHarness.StartAsync(Options() with { MaxSessions = 1 });
        using var first = h.SendPlain(Streams.Router("r1", 1));
        Assert.True(h.WaitFor(x => x.Station.Snapshot().Sessions.SingleOrDefault()?.Router == "r1@127.0.0.1"), h.Describe());
        using var second = h.SendPlain(Streams.Router("r2", 1));
        Assert.True(h.WaitFor(x => x.Station.Counters.SessionsRefused == 1 && x.Of<BmpConnectionRefusedEvent>().Any()), h.Describe());
        Assert.Contains("session limit 1", h.Of<BmpConnectionRefusedEvent>().Single().Reason);
        Assert.Equal("r1@127.0.0.1", h.Station.Snapshot().Sessions.Single().Router);
    }

    [Fact]
    public async Task AFullEventQueueDropsAndCountsWhileTheReaderKeepsUp()
    {
        // Nobody reads the events: the queue fills at 5, every later event is dropped and counted.
        await using var h = await StationHarness.StartAsync(Options() with { EventQueueCapacity = 5 }, readEvents: false);
        var bogons = Concat([BmpEncoder.Initiation("r1", null), PeerUpFor("198.51.100.1", 64502),
            .. Enumerable.Range(0, 200).Select(i => Announce("198.51.100.1", [64502], $"10.{i}.0.0/16"))]);
        using var client = h.SendPlain(bogons);
        Assert.True(h.WaitFor(x => x.Station.Snapshot().Peers.Any(p => p.BogonAnnouncements == 200)), h.Describe());
        Assert.Equal(5, h.Station.Events.Count);
        // Past the per-reason budget bogon events are counted into a summary; the few sent beyond the queue's room are dropped.
        var counters = h.Station.Counters;
        Assert.True(counters.EventsDropped > 0 && counters.EventsDropped + counters.EventsSuppressed >= 198, $"dropped {counters.EventsDropped}, suppressed {counters.EventsSuppressed}");
        Assert.Equal(h.Station.DroppedEvents, h.Station.Counters.EventsDropped);
    }

    [Fact]
    public async Task ATableReloadReachesOpenSessions()
    {
        await using var h = await StationHarness.StartAsync(Options(), TestTables.Empty());
        using var client = h.SendPlain(Streams.Router("r1", 3));
        Assert.True(h.WaitFor(x => x.Station.Snapshot().Peers.Any(p => p.Prefixes(RibView.AdjRibInPre) == 3)), h.Describe());
        Assert.Equal(-1, h.Station.Snapshot().Peers.Single().MaxPrefix);
        h.Station.ReloadTable(TestTables.TwoPeers());
        var peer = h.Station.Snapshot().Peers.Single();
        Assert.Equal(10, peer.MaxPrefix);
        Assert.Equal(3, peer.PolicyPrefixes);
    }

    [Fact]
    public async Task TheRawStreamIsRecordedWhenAsked()
    {
        using var temp = new TempDirectory();
        await using var h = await StationHarness.StartAsync(Options() with { RecordDirectory = temp.Path });
        var stream = Streams.Router("r1", 10);
        using (var client = h.SendPlain(stream))
            Assert.True(h.WaitFor(x => x.Station.Snapshot().Peers.Any(p => p.Prefixes(RibView.AdjRibInPre) == 10)), h.Describe());
        Assert.True(h.WaitFor(x => x.Of<BmpSessionClosedEvent>().Any()), h.Describe());
        var file = Assert.Single(Directory.GetFiles(temp.Path, "session-*.bmp"));
        Assert.Equal(stream, File.ReadAllBytes(file));
    }

    [Fact]
    public async Task APortInUseIsAConfigurationError()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var station = new BmpStation(new BmpStationOptions { Listeners = [new BmpListenerOptions { Address = "127.0.0.1", Port = port }] }, TestTables.Empty());
        var e = await Assert.ThrowsAsync<BmpConfigurationException>(() => station.StartAsync());
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", e.Message);
        await station.DisposeAsync();
    }

    [Theory]
    [InlineData("max-sessions", 0, null, null)]
    [InlineData("listener", 1, "10.0.0.300", null)]
    [InlineData("ciphers", 1, "127.0.0.1", "TLS_RSA_WITH_NULL_SHA256")]
    [InlineData("ciphers", 1, "127.0.0.1", "TLS_SHA256_SHA256")]
    [InlineData("ciphers", 1, "127.0.0.1", "TLS_RSA_WITH_RC4_128_SHA")]
    [InlineData("ciphers", 1, "127.0.0.1", "NOT_A_SUITE")]
    public void BadOptionsNameTheOption(string option, int sessions, string? address, string? cipher)
    {
        var tls = cipher is null ? null : new BmpTlsOptions { CertificateFile = "c", KeyFile = "k", CaFile = "a", CipherSuites = [cipher] };
        var options = new BmpStationOptions { MaxSessions = sessions, Listeners = address is null ? [] : [new BmpListenerOptions { Address = address, Port = 1, Tls = tls }] };
        var e = Assert.Throws<BmpConfigurationException>(options.Validate);
        Assert.Contains(option, e.Message);
    }

    [Fact]
    public void Tls13OnlyNeedsATls13Suite()
    {
        var tls = new BmpTlsOptions { CertificateFile = "c", KeyFile = "k", CaFile = "a", MinVersion = BmpTlsVersion.Tls13, CipherSuites = ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] };
        var e = Assert.Throws<BmpConfigurationException>(new BmpStationOptions { Listeners = [new BmpListenerOptions { Tls = tls }] }.Validate);
        Assert.Contains("min-version 1.3 needs", e.Message);
    }
}
