using System.Net;
using System.Net.Sockets;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;
using static PolicyKit.Bmp.Tests.Support.Vectors;

namespace PolicyKit.Bmp.Tests.Station;

/// <summary>
/// Issue 15, finding 1, piece by piece: a connection is no session until it has spoken BMP (an
/// Initiation first), so connections that never speak take no slot, time out, and are bounded per
/// source; a session that falls silent is closed after the idle timeout.
/// </summary>
public sealed class StationPendingTests
{
    private static BmpStationOptions Options() => new() { Listeners = [StationHarness.Plain()] };

    private static TcpClient Idle(StationHarness h, string source = "127.0.0.1")
    {
        var client = new TcpClient(new IPEndPoint(IPAddress.Parse(source), 0));
        client.Connect(IPAddress.Loopback, h.Port());
        return client;
    }

    [Fact]
    public async Task ConnectionsThatNeverSpeakTakeNoSessionSlotAndTimeOut()
    {
        await using var h = await StationHarness.StartAsync(Options() with { MaxSessions = 1, FirstMessageTimeout = TimeSpan.FromMilliseconds(700) });
        using var idle1 = Idle(h, "127.0.0.2");
        using var idle2 = Idle(h, "127.0.0.3");
        // The only session slot goes to the router that speaks, not to the connections that came first.
        using var router = h.SendPlain(Streams.Router("r1", 3));
        Assert.True(h.WaitFor(x => x.Station.Snapshot().Sessions.SingleOrDefault()?.Messages == 5), h.Describe());
        Assert.True(h.WaitFor(x => x.Station.Counters.FirstMessageFailures == 2 && x.Of<BmpConnectionRefusedEvent>().Count() == 2), h.Describe());
        var counters = h.Station.Counters;
        Assert.Equal(1, counters.SessionsActive);
        Assert.Equal(0, counters.SessionsRefused);
        Assert.Contains(h.Of<BmpConnectionRefusedEvent>(), e => e.Reason.Contains("no complete BMP Initiation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheFirstMessageMustBeAnInitiation()
    {
        await using var h = await StationHarness.StartAsync(Options());
        using var peerUpFirst = h.SendPlain(Concat(PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64500], "11.0.0.0/8")));
        Assert.True(h.WaitFor(x => x.Station.Counters.FirstMessageFailures == 1 && x.Of<BmpConnectionRefusedEvent>().Any()), h.Describe());
        Assert.Contains("not an Initiation", h.Of<BmpConnectionRefusedEvent>().Single().Reason);
        Assert.Empty(h.Station.Snapshot().Sessions);
        using var tlsOnPlain = h.SendPlain([0x16, 0x03, 0x01, 0x00, 0x10, 0x01]);
        Assert.True(h.WaitFor(x => x.Station.Counters.FirstMessageFailures == 2 && x.Of<BmpConnectionRefusedEvent>().Count() == 2), h.Describe());
        Assert.Contains(h.Of<BmpConnectionRefusedEvent>(), e => e.Reason.Contains("TLS handshake on a plain BMP port", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PendingConnectionsFromOneSourceAreBounded()
    {
        await using var h = await StationHarness.StartAsync(Options() with { MaxPendingPerSource = 2 });
        using var a = Idle(h);
        using var b = Idle(h);
        Assert.True(h.WaitFor(x => x.Station.Counters.PendingNow == 2), h.Describe());
        using var c = Idle(h);
        // The counter moves before the event reaches the harness: wait for both.
        Assert.True(h.WaitFor(x => x.Station.Counters.PendingRefused == 1 && x.Of<BmpConnectionRefusedEvent>().Any()), h.Describe());
        Assert.Contains("already pending", h.Of<BmpConnectionRefusedEvent>().Single().Reason);
        // Another source is not affected.
        using var router = new TcpClient(new IPEndPoint(IPAddress.Parse("127.0.0.9"), 0));
        router.Connect(IPAddress.Loopback, h.Port());
        router.GetStream().Write(Streams.Router("r9", 1));
        Assert.True(h.WaitFor(x => x.Station.Snapshot().Sessions.Any(s => s.Router == "r9@127.0.0.9")), h.Describe());
    }

    [Fact]
    public async Task ASilentSessionIsClosedAfterTheIdleTimeout()
    {
        await using var h = await StationHarness.StartAsync(Options() with { IdleTimeout = TimeSpan.FromMilliseconds(800) });
        using var router = h.SendPlain(Streams.Router("quiet", 2));
        Assert.True(h.WaitFor(x => x.Of<BmpSessionClosedEvent>().Any()), h.Describe());
        var closed = h.Of<BmpSessionClosedEvent>().Single();
        Assert.True(closed.Error);
        Assert.Contains("idle for", closed.Reason);
        Assert.Equal(1, h.Station.Counters.IdleClosed);
        Assert.Equal(4, closed.Messages);
    }

    [Fact]
    public async Task SessionsFromOneSourceAreBounded()
    {
        await using var h = await StationHarness.StartAsync(Options() with { MaxSessionsPerSource = 1 });
        using var first = h.SendPlain(Streams.Router("r1", 1));
        Assert.True(h.WaitFor(x => x.Station.Counters.SessionsActive == 1), h.Describe());
        using var second = h.SendPlain(Streams.Router("r2", 1));
        Assert.True(h.WaitFor(x => x.Station.Counters.SessionsRefused == 1 && x.Of<BmpConnectionRefusedEvent>().Any()), h.Describe());
        Assert.Contains("sessions from 127.0.0.1 already open", h.Of<BmpConnectionRefusedEvent>().Single().Reason);
    }
}
