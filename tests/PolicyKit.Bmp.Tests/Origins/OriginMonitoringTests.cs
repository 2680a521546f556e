using System.Text;
using PolicyKit.Bmp.Analysis;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;
using static PolicyKit.Bmp.Tests.Support.Vectors;
using static PolicyKit.Bmp.Wire.BmpEncoder;

namespace PolicyKit.Bmp.Tests.Origins;

/// <summary>Hijack telemetry in the router monitor: every announcement on the analysed view validated against the station's VRPs and expected origins, counted per peer, reported within the event budget.</summary>
public sealed class OriginMonitoringTests
{
    private const string Vrps = """
        {"roas":[{"prefix":"11.0.0.0/16","maxLength":24,"asn":"AS64500"},
                 {"prefix":"12.0.0.0/8","maxLength":8,"asn":"AS64999"},
                 {"prefix":"2a00:1::/32","maxLength":32,"asn":"AS64500"}]}
        """;

    private readonly ListSink _sink = new();
    private readonly ManualTime _time = new();
    private readonly OriginSources _origins = new();

    private static OriginTable Table(string json) => VrpJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "t.json");

    private RouterMonitor Monitor(BmpStationOptions? options = null) =>
        new(TestTables.TwoPeers(), (options ?? new BmpStationOptions()) with { Time = _time }, _sink, 1, "192.0.2.254:40000", origins: _origins);

    private static void Feed(RouterMonitor monitor, params byte[][] messages)
    {
        var stream = Concat(messages);
        Assert.Equal(stream.Length, monitor.Consume(stream, out var error));
        Assert.Null(error);
    }

    private static BmpPeerSnapshot PeerOf(RouterMonitor monitor, string name) => monitor.Snapshot().Peers.Single(p => p.Peer.Name == name);

    private static byte[] Announce6(string peer, uint[] asPath, params string[] prefixes) =>
        RouteMonitoring(PeerHeader(peer), Update([], [Origin(0), AsPathAttribute(true, asPath), MpReach(2, 1, Convert.FromHexString("20010db800ff00000000000000000001"), prefixes.Select(p => P(p)))], []));

    [Fact]
    public void AnInvalidRouteIsAnEventWithPeerPrefixOriginAndPathAndEveryOutcomeIsCounted()
    {
        _origins.SetRpki(Table(Vrps), "t.json", _time.GetUtcNow());
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"),
            Announce("192.0.2.1", [64500], "11.0.1.0/24", "11.0.2.0/24"),       // valid
            Announce("192.0.2.1", [64500, 64666], "11.0.3.0/24"),              // invalid: another origin (the hijack)
            Announce("192.0.2.1", [64500], "11.0.4.128/25"),                   // invalid: longer than maxLength
            Announce("192.0.2.1", [64500], "11.1.0.0/16"),                     // not found
            Announce6("192.0.2.1", [64500, 64777], "2a00:1::/32"));            // invalid IPv6
        var peer = PeerOf(monitor, "192.0.2.1");
        Assert.Equal(new BmpOriginCounts(true, 2, 3, 1, false, 0, peer.Origins.Last), peer.Origins);
        var events = _sink.Of<BmpOriginEvent>().ToList();
        Assert.Equal(["11.0.3.0/24", "11.0.4.128/25", "2a00:1::/32"], events.Select(e => e.Prefix));
        var hijack = events[0];
        Assert.Equal("bmp-rpki-invalid", hijack.Kind);
        Assert.Equal("192.0.2.1", hijack.Peer.Address);
        Assert.Equal(64500u, hijack.Peer.As);
        Assert.Equal(64666u, hijack.OriginAs);
        Assert.Equal("64500 64666", hijack.AsPath);
        Assert.Equal("11.0.0.0/16-24 AS64500", hijack.Expected);
        Assert.Equal("pre-policy", hijack.View);
        Assert.Equal(64777u, events[2].OriginAs);
        Assert.StartsWith("rpki-invalid 2a00:1::/32 origin AS64777 as-path [64500 64777]", peer.Origins.Last, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutOriginDataNothingIsValidated()
    {
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64666], "11.0.3.0/24"));
        Assert.Equal(BmpOriginCounts.None, PeerOf(monitor, "192.0.2.1").Origins);
        Assert.Empty(_sink.Of<BmpOriginEvent>());
    }

    [Fact]
    public void ARepeatedPathIsNotValidatedAgainAChangedOneIs()
    {
        _origins.SetRpki(Table(Vrps), "t.json", _time.GetUtcNow());
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64500], "11.0.1.0/24"), Announce("192.0.2.1", [64500], "11.0.1.0/24"));
        Assert.Equal(1, PeerOf(monitor, "192.0.2.1").Origins.RpkiValid);
        Feed(monitor, Announce("192.0.2.1", [64500, 64666], "11.0.1.0/24")); // the same prefix, now from another origin
        var origins = PeerOf(monitor, "192.0.2.1").Origins;
        Assert.Equal((1L, 1L), (origins.RpkiValid, origins.RpkiInvalid));
    }

    [Fact]
    public void AnAsSetOriginIsNoneAndInvalidWhereCovered()
    {
        _origins.SetRpki(Table(Vrps), "t.json", _time.GetUtcNow());
        var monitor = Monitor();
        var path = Concat(AsPath.Sequence(true, 64500), [AsPath.AsSet, 2, 0, 0, 0xfb, 0xf4, 0, 0, 0xfb, 0xf5]);
        Feed(monitor, PeerUpFor("192.0.2.1"),
            RouteMonitoring(PeerHeader("192.0.2.1"), Update([], [Origin(0), Attribute(PathAttribute.FlagTransitive, PathAttribute.AsPath, path), NextHop(A("192.0.2.1"))], [P("11.0.9.0/24")])));
        var e = Assert.Single(_sink.Of<BmpOriginEvent>());
        Assert.Null(e.OriginAs);
        Assert.Equal("64500 {64500,64501}", e.AsPath);
    }

    [Fact]
    public void EventsAreHeldToTheBudgetPerPeerTheRestCountedAndSummarised()
    {
        _origins.SetRpki(Table(Vrps), "t.json", _time.GetUtcNow());
        var monitor = Monitor(new BmpStationOptions { EventBurst = 3, EventSummaryInterval = TimeSpan.FromSeconds(10) });
        Feed(monitor, PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64666], Enumerable.Range(0, 50).Select(i => $"11.0.{i}.0/24").ToArray()));
        Assert.Equal(3, _sink.Of<BmpOriginEvent>().Count());
        Assert.Equal(50, PeerOf(monitor, "192.0.2.1").Origins.RpkiInvalid); // every one counted
        _time.Advance(TimeSpan.FromSeconds(11));
        Feed(monitor, Announce("192.0.2.1", [64500], "11.0.200.0/24"));
        var summary = Assert.Single(_sink.Of<BmpEventsSuppressedEvent>());
        Assert.Equal(47, summary.Suppressed["rpki-invalid 192.0.2.1"]);
    }

    [Fact]
    public void ExpectedOriginsFlagAnOriginTheyDoNotListAndIgnorePrefixesTheyDoNotCover()
    {
        // The IRR view: AS64500 may originate 11.0.0.0/16 up to /24; nothing else is expected anywhere.
        _origins.SetExpectedOrigins(OriginTable.Build([new OriginEntry(P("11.0.0.0/16"), 24, 64500)]), "irr", _time.GetUtcNow());
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"),
            Announce("192.0.2.1", [64500], "11.0.1.0/24"),
            Announce("192.0.2.1", [64500, 64666], "11.0.2.0/24"),
            Announce("192.0.2.1", [64500, 64666], "12.0.0.0/8"));
        var e = Assert.Single(_sink.Of<BmpOriginEvent>());
        Assert.Equal(("bmp-unexpected-origin", "11.0.2.0/24", 64666u), (e.Kind, e.Prefix, e.OriginAs!.Value));
        var origins = PeerOf(monitor, "192.0.2.1").Origins;
        Assert.Equal((false, true, 1L), (origins.Rpki, origins.Expected, origins.UnexpectedOrigins));
    }

    [Fact]
    public void DataSwappedInIsUsedFromTheNextBatch()
    {
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64666], "11.0.3.0/24"));
        _origins.SetRpki(Table(Vrps), "t.json", _time.GetUtcNow());
        Feed(monitor, Announce("192.0.2.1", [64666], "11.0.4.0/24"));
        Assert.Equal("11.0.4.0/24", Assert.Single(_sink.Of<BmpOriginEvent>()).Prefix);
    }
}
