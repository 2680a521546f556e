using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;
using PolicyKit.Engine.Compiled;
using static PolicyKit.Bmp.Tests.Support.Vectors;
using static PolicyKit.Bmp.Wire.BmpEncoder;

namespace PolicyKit.Bmp.Tests.Monitoring;

/// <summary>The monitor of one router: RIB per view, the policy through the engine, damping, violations, RFC 7606 effects.</summary>
public sealed class RouterMonitorTests
{
    private readonly ListSink _sink = new();
    private readonly ManualTime _time = new();

    private RouterMonitor Monitor(CompiledTable? table = null, BmpStationOptions? options = null) =>
        new(table ?? TestTables.TwoPeers(), (options ?? new BmpStationOptions()) with { Time = _time }, _sink, 1, "192.0.2.254:40000");

    private static void Feed(RouterMonitor monitor, params byte[][] messages)
    {
        var stream = Concat(messages);
        int used = monitor.Consume(stream, out var error);
        Assert.Null(error);
        Assert.Equal(stream.Length, used);
    }

    private static BmpPeerSnapshot PeerOf(RouterMonitor monitor, string name) => monitor.Snapshot().Peers.Single(p => p.Peer.Name == name);

    private static string[] Numbered(string format, int count, int start = 0) => Enumerable.Range(start, count).Select(i => string.Format(format, i)).ToArray();

    [Fact]
    public void InitiationPeerUpAndRoutesAreCountedPerView()
    {
        var monitor = Monitor();
        Feed(monitor,
            Initiation("edge-2", "FRRouting 8.4.4"),
            PeerUpFor("192.0.2.1"),
            Announce("192.0.2.1", [64500], "11.0.0.0/8", "11.1.0.0/16"),
            AnnounceView("192.0.2.1", BmpWire.FlagPostPolicy, [64496, 64500], "11.0.0.0/8"),
            Withdraw("192.0.2.1", "11.1.0.0/16", "11.9.0.0/16"));
        Assert.Equal("edge-2@192.0.2.254", monitor.Router); // sysName at its address: two routers named alike stay apart
        var peer = PeerOf(monitor, "192.0.2.1");
        Assert.True(peer.Up);
        Assert.True(peer.PeerUpSeen);
        Assert.Equal(1, peer.Prefixes(RibView.AdjRibInPre));
        Assert.Equal(1, peer.Prefixes(RibView.AdjRibInPost));
        Assert.Equal(1, peer.PolicyPrefixes); // the analysed view only: post-policy, since the router sends it
        Assert.Equal("post-policy", peer.AnalysisView);
        Assert.Equal(10, peer.MaxPrefix);
        Assert.Equal(8, peer.WarnAt);
        Assert.Equal(3, peer.Announcements);
        Assert.Equal(2, peer.Withdrawals);
        Assert.Equal("edge-2@192.0.2.254", peer.Peer.Router);
        var up = Assert.Single(_sink.Of<BmpPeerUpEvent>());
        Assert.Equal("192.0.2.1", up.Peer.Address);
        Assert.True(up.FourOctetAs);
        Assert.Equal("edge-2", Assert.Single(_sink.Of<BmpInitiationEvent>()).SysName);
    }

    [Fact]
    public void PeerDownClearsEveryViewAndTheEnginesCount()
    {
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64500], "11.0.0.0/8", "12.0.0.0/8"),
            AnnounceView("192.0.2.1", BmpWire.FlagPostPolicy, [64500], "11.0.0.0/8"),
            PeerDown(PeerHeader("192.0.2.1"), 3, Notification(6, 2)));
        var peer = PeerOf(monitor, "192.0.2.1");
        Assert.False(peer.Up);
        Assert.Equal(0, peer.Prefixes(RibView.AdjRibInPre));
        Assert.Equal(0, peer.PolicyPrefixes);
        Assert.Equal("remote-notification cease/administrative-shutdown", peer.LastDownReason);
        var down = Assert.Single(_sink.Of<BmpPeerDownEvent>());
        Assert.Equal(3, down.RoutesRemoved);
        Assert.True(down.WasKnown);
        Assert.Equal(0, monitor.Snapshot().AttributeSets); // every interned path was released
    }

    [Fact]
    public void FrrQuirksAreTolerated()
    {
        // FRR 8.4: a Peer Down (reason 2) before the first Peer Up; locally originated routes with an
        // all-zero peer header and no Peer Up; a private statistics type 65531.
        var monitor = Monitor();
        var local = RouteMonitoring(new byte[42], Update([], [Origin(0), AsPathAttribute(true), NextHop(A("0.0.0.0"))], [P("10.0.0.0/24"), P("10.0.1.0/24")]));
        Feed(monitor,
            Initiation("r1", "FRRouting"),
            PeerDown(PeerHeader("192.0.2.1"), 2, 0, 18),
            local,
            PeerUpFor("192.0.2.1"),
            Statistics(PeerHeader("192.0.2.1"), (0, U32(0)), (7, U64(2)), (65531, U32(12))));
        var down = Assert.Single(_sink.Of<BmpPeerDownEvent>());
        Assert.False(down.WasKnown);
        var localPeer = PeerOf(monitor, "local");
        Assert.False(localPeer.PeerUpSeen);
        Assert.False(localPeer.Analyzed);
        Assert.Equal(2, localPeer.Prefixes(RibView.AdjRibInPre));
        Assert.Empty(_sink.Of<BmpViolationEvent>()); // 10/8 is a bogon, but the router's own routes are not a peer's announcements
        var peer = PeerOf(monitor, "192.0.2.1");
        Assert.Equal(2ul, peer.Statistics["adj-rib-in-routes"]);
        Assert.Equal(12ul, peer.Statistics["type-65531"]);
        Assert.Equal(1, peer.VendorStatistics);
        Assert.Equal(0, monitor.MalformedMessages);
    }

    [Fact]
    public void MaxPrefixWarnsOnceThenReportsExceededOnceAndRearmsAfterWithdrawals()
    {
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64500], Numbered("11.0.{0}.0/24", 12)));
        var events = _sink.Of<BmpMaxPrefixEvent>().ToList();
        Assert.Equal(2, events.Count);
        Assert.False(events[0].Exceeded);
        Assert.Equal(9, events[0].Used);   // the 9th prefix crosses "above 8"
        Assert.Equal("11.0.8.0/24", events[0].Prefix);
        Assert.True(events[1].Exceeded);
        Assert.Equal(10, events[1].Used);  // the 11th is refused: 10 counted
        Assert.Equal("11.0.10.0/24", events[1].Prefix);
        Assert.Contains("max-prefix 10", events[1].Rule);
        var peer = PeerOf(monitor, "192.0.2.1");
        Assert.Equal(12, peer.Prefixes(RibView.AdjRibInPre)); // the router holds what it was sent
        Assert.Equal(10, peer.PolicyPrefixes);
        Assert.Equal(2, peer.RefusedByMaxPrefix);
        Assert.True(peer.Exceeded);
        Assert.True(peer.Warning);

        Feed(monitor, Withdraw("192.0.2.1", Numbered("11.0.{0}.0/24", 12)), Announce("192.0.2.1", [64500], Numbered("11.1.{0}.0/24", 11)));
        Assert.Equal(4, _sink.Of<BmpMaxPrefixEvent>().Count());
    }

    [Fact]
    public void WarningOnlyPeersGoOverTheLimitWithOneExceededEvent()
    {
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("198.51.100.1", 64502), Announce("198.51.100.1", [64502], Numbered("13.{0}.0.0/16", 7)));
        var events = _sink.Of<BmpMaxPrefixEvent>().ToList();
        Assert.Equal([false, true], events.Select(e => e.Exceeded));
        Assert.Equal(4, events[0].Used);
        Assert.Equal(6, events[1].Used);
        Assert.True(events[1].WarningOnly);
        var peer = PeerOf(monitor, "198.51.100.1");
        Assert.Equal(7, peer.PolicyPrefixes);
        Assert.True(peer.Exceeded);
        Assert.Equal(0, peer.RefusedByMaxPrefix);
    }

    [Fact]
    public void FilterAndBogonViolationsCarryPrefixAsPathAndRule()
    {
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"), PeerUpFor("198.51.100.1", 64502),
            Announce("192.0.2.1", [64500, 65010], "13.0.0.0/8", "11.0.0.0/8", "192.168.1.0/24"),
            Announce("198.51.100.1", [64502], "10.0.0.0/8", "8.8.8.0/24"));
        var violations = _sink.Of<BmpViolationEvent>().ToList();
        Assert.Equal(3, violations.Count);
        var filter = violations[0];
        Assert.Equal(ViolationKind.PrefixFilter, filter.Violation);
        Assert.Equal("13.0.0.0/8", filter.Prefix);
        Assert.Equal("64500 65010", filter.AsPath);
        Assert.Equal(65010u, filter.OriginAs);
        Assert.Contains("no rule matches", filter.Rule);
        Assert.Equal("bmp-prefix-filter-violation", filter.Kind);
        Assert.Equal(ViolationKind.Bogon, violations[1].Violation);
        Assert.Equal("192.168.1.0/24", violations[1].Prefix);
        Assert.Contains("bogon 192.168.0.0/16", violations[1].Rule);
        Assert.Contains("prefix filter", violations[1].Rule); // refused by the filter too
        Assert.Equal("10.0.0.0/8", violations[2].Prefix);
        Assert.Equal("bmp-bogon-announced", violations[2].Kind);
        var first = PeerOf(monitor, "192.0.2.1");
        Assert.Equal(2, first.FilterViolations);
        Assert.Equal(1, first.BogonAnnouncements);
        Assert.Equal(1, first.PolicyPrefixes);
        Assert.Contains("192.168.1.0/24", first.LastViolation);
        Assert.Equal(1, PeerOf(monitor, "198.51.100.1").BogonAnnouncements);
    }

    [Fact]
    public void NoBogonCheckWhenTheListIsEmpty()
    {
        var monitor = Monitor(options: new BmpStationOptions { Bogons = Analysis.BogonList.Empty });
        Feed(monitor, PeerUpFor("198.51.100.1", 64502), Announce("198.51.100.1", [64502], "10.0.0.0/8"));
        Assert.Empty(_sink.Of<BmpViolationEvent>());
    }

    [Fact]
    public void FlapDampingSuppressesReleasesAndForgets()
    {
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64500], "11.0.0.0/8", "12.0.0.0/8"));
        for (int i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            Feed(monitor, Withdraw("192.0.2.1", "11.0.0.0/8"), Announce("192.0.2.1", [64500], "11.0.0.0/8"));
        }
        // An attribute change costs 500: 12/8 gets one (a new AS path), below suppress.
        Feed(monitor, Announce("192.0.2.1", [64500, 64500], "12.0.0.0/8"));
        var suppressed = Assert.Single(_sink.Of<BmpDampingEvent>());
        Assert.True(suppressed.Suppressed);
        Assert.Equal("11.0.0.0/8", suppressed.Prefix);
        Assert.Equal(3, suppressed.Flaps);
        Assert.InRange(suppressed.Penalty, 2900, 3000);
        var peer = PeerOf(monitor, "192.0.2.1");
        Assert.Equal(1, peer.SuppressedRoutes);
        Assert.Equal(2, peer.FlappingRoutes);
        Assert.Equal(["11.0.0.0/8", "12.0.0.0/8"], peer.TopFlappers.Select(f => f.Prefix));
        Assert.Equal(500, peer.TopFlappers[1].Penalty);

        // Two half-lives later (30 min) the penalty is ~740: below reuse (750), released.
        _time.Advance(TimeSpan.FromMinutes(30));
        peer = PeerOf(monitor, "192.0.2.1");
        Assert.Equal(0, peer.SuppressedRoutes);
        var reused = _sink.Of<BmpDampingEvent>().Last();
        Assert.False(reused.Suppressed);
        Assert.Equal("bmp-route-reused", reused.Kind);
        // Much later, below half the reuse limit, the histories are forgotten.
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, PeerOf(monitor, "192.0.2.1").FlappingRoutes);
    }

    [Fact]
    public void ThePenaltyNeverExceedsTheCeiling()
    {
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"));
        for (int i = 0; i < 40; i++) Feed(monitor, Announce("192.0.2.1", [64500], "11.0.0.0/8"), Withdraw("192.0.2.1", "11.0.0.0/8"));
        var top = Assert.Single(PeerOf(monitor, "192.0.2.1").TopFlappers);
        Assert.Equal(40, top.Flaps);
        Assert.Equal(750 * 16, top.Penalty); // reuse × 2^(60 min / 15 min)
    }

    [Fact]
    public void AddPathCountsAPrefixOnceAndFreesItWithItsLastPath()
    {
        var monitor = Monitor();
        var attributes = new[] { Origin(0), AsPathAttribute(true, 64500), NextHop(A("192.0.2.1")) };
        Feed(monitor, PeerUpFor("192.0.2.1", 64500, 0, AddPathCapability(1, 1, 3)),
            RouteMonitoring(PeerHeader("192.0.2.1"), Update([], attributes, [P("11.0.0.0/8", 1), P("11.0.0.0/8", 2), P("12.0.0.0/8", 1)], addPath: true)));
        var peer = PeerOf(monitor, "192.0.2.1");
        var view = peer.Views.Single(v => v.View == RibView.AdjRibInPre);
        Assert.Equal(2, view.Prefixes);
        Assert.Equal(3, view.Routes);
        Assert.Equal(2, peer.PolicyPrefixes);
        Feed(monitor, RouteMonitoring(PeerHeader("192.0.2.1"), Update([P("11.0.0.0/8", 1)], [], [], addPath: true)));
        Assert.Equal(2, PeerOf(monitor, "192.0.2.1").PolicyPrefixes);
        Feed(monitor, RouteMonitoring(PeerHeader("192.0.2.1"), Update([P("11.0.0.0/8", 2)], [], [], addPath: true)));
        Assert.Equal(1, PeerOf(monitor, "192.0.2.1").PolicyPrefixes);
    }

    [Fact]
    public void TreatAsWithdrawRemovesTheRouteAndReportsIt()
    {
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64500], "11.0.0.0/8"));
        var malformed = RouteMonitoring(PeerHeader("192.0.2.1"),
            Update([], [Attribute(PathAttribute.FlagTransitive, PathAttribute.Origin, [7]), AsPathAttribute(true, 64500), NextHop(A("192.0.2.1"))], [P("11.0.0.0/8")]));
        Feed(monitor, malformed);
        var peer = PeerOf(monitor, "192.0.2.1");
        Assert.Equal(0, peer.Prefixes(RibView.AdjRibInPre));
        Assert.Equal(0, peer.PolicyPrefixes);
        Assert.Equal(1, peer.TreatedAsWithdraw);
        var e = Assert.Single(_sink.Of<BmpMalformedEvent>());
        Assert.Equal("malformed-origin", e.Error);
        Assert.Equal("treat-as-withdraw", e.Action);
        Assert.Equal("192.0.2.1", e.Peer!.Address);
    }

    [Fact]
    public void ASessionResetUpdateIsNotAppliedAndTheStreamGoesOn()
    {
        var monitor = Monitor();
        var bad = RouteMonitoring(PeerHeader("192.0.2.1"), UpdateRaw([], [.. Origin(0), .. AsPathAttribute(true, 1), .. NextHop(A("192.0.2.1"))], Hex("21 0B000000 00")));
        Feed(monitor, PeerUpFor("192.0.2.1"), bad, Announce("192.0.2.1", [64500], "11.0.0.0/8"));
        var peer = PeerOf(monitor, "192.0.2.1");
        Assert.Equal(1, peer.UpdatesNotApplied);
        Assert.Equal(1, peer.Prefixes(RibView.AdjRibInPre));
        Assert.Equal("session-reset", Assert.Single(_sink.Of<BmpMalformedEvent>()).Action);
    }

    [Fact]
    public void MalformedMessagesInsideIntactFramingAreSkipped()
    {
        var monitor = Monitor();
        Feed(monitor,
            Message(BmpMessageType.RouteMonitoring, new byte[10]),       // shorter than a per-peer header
            Message(BmpMessageType.PeerUp, new byte[50]),                // no OPENs
            Message((BmpMessageType)42, [1, 2, 3]),                       // unknown type
            Message(BmpMessageType.PeerDown, new byte[3]),
            Message(BmpMessageType.StatisticsReport, new byte[3]),
            Message(BmpMessageType.RouteMirroring, new byte[3]),
            PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64500], "11.0.0.0/8"));
        Assert.Equal(6, monitor.MalformedMessages);
        var snapshot = monitor.Snapshot();
        Assert.Equal(1, snapshot.UnknownMessageTypes);
        Assert.Equal(1, snapshot.Peers.Single().Prefixes(RibView.AdjRibInPre));
        Assert.Equal(8, snapshot.Messages);
    }

    [Fact]
    public void LostFramingStopsTheStreamAndSaysWhy()
    {
        var monitor = Monitor();
        var stream = Concat(Initiation("r1", null), Hex("02 00000006 04"), Initiation("r2", null));
        int used = monitor.Consume(stream, out var error);
        Assert.Equal(Initiation("r1", null).Length, used);
        Assert.Contains("version 2", error);
        Assert.Equal("r1@192.0.2.254", monitor.Router);
    }

    [Fact]
    public void APartialMessageWaitsForTheRest()
    {
        var monitor = Monitor();
        var message = PeerUpFor("192.0.2.1");
        Assert.Equal(0, monitor.Consume(message.AsSpan(0, 50), out var error));
        Assert.Null(error);
        Assert.Equal(message.Length, monitor.Consume(message, out _));
        Assert.True(PeerOf(monitor, "192.0.2.1").Up);
    }

    [Fact]
    public void ASecondPeerUpStartsTheRibAfresh()
    {
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64500], "11.0.0.0/8", "12.0.0.0/8"), PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64500], "11.0.0.0/8"));
        var peer = PeerOf(monitor, "192.0.2.1");
        Assert.Equal(1, peer.Prefixes(RibView.AdjRibInPre));
        Assert.Equal(1, peer.PolicyPrefixes);
    }

    [Fact]
    public void AutoAnalysesPostPolicyWhenTheRouterSendsItAndTheLocRibOnItsOwn()
    {
        var monitor = Monitor();
        var locRibHeader = PeerHeader("0.0.0.0", 64496, 0, BmpPeerType.LocRib);
        Feed(monitor, PeerUp(locRibHeader, A("0.0.0.0"), 0, 0, Open(64496, 90, 1), Open(64496, 90, 1), Tlv(3, "default")),
            RouteMonitoring(locRibHeader, Update([], [Origin(0), AsPathAttribute(true, 64500), NextHop(A("192.0.2.1"))], [P("10.0.0.0/8"), P("11.0.0.0/8")])),
            Announce("192.0.2.1", [64500], "11.0.0.0/8", "11.1.0.0/16", "11.2.0.0/16"),
            AnnounceView("192.0.2.1", BmpWire.FlagPostPolicy, [64500], "11.0.0.0/8", "13.0.0.0/8"));
        var locRib = PeerOf(monitor, "loc-rib");
        Assert.Equal(2, locRib.Prefixes(RibView.LocRib));
        Assert.True(locRib.Analyzed);
        Assert.Equal("loc-rib", locRib.AnalysisView);
        Assert.Equal(-1, locRib.MaxPrefix); // no neighbor of the policy: bogons only
        var peer = PeerOf(monitor, "192.0.2.1");
        Assert.Equal("post-policy", peer.AnalysisView);
        Assert.Equal(1, peer.PolicyPrefixes); // 11/8 of the post-policy view; 13/8 refused by the filter
        Assert.Equal(3, peer.Prefixes(RibView.AdjRibInPre));
        var violations = _sink.Of<BmpViolationEvent>().ToList();
        Assert.Contains(violations, v => v.Prefix == "10.0.0.0/8" && v.Violation == ViolationKind.Bogon && v.Peer.Name == "loc-rib" && v.View == "loc-rib");
        Assert.Contains(violations, v => v.Prefix == "13.0.0.0/8" && v.Violation == ViolationKind.PrefixFilter && v.View == "post-policy");
    }

    [Fact]
    public void AFixedPrePolicyViewLeavesPostPolicyAndLocRibUnanalysed()
    {
        var monitor = Monitor(options: new BmpStationOptions { View = BmpViewChoice.PrePolicy });
        var locRibHeader = PeerHeader("0.0.0.0", 64496, 0, BmpPeerType.LocRib);
        Feed(monitor, RouteMonitoring(locRibHeader, Update([], [Origin(0), AsPathAttribute(true, 64500), NextHop(A("192.0.2.1"))], [P("10.0.0.0/8")])),
            AnnounceView("192.0.2.1", BmpWire.FlagPostPolicy, [64500], "13.0.0.0/8"));
        Assert.False(PeerOf(monitor, "loc-rib").Analyzed);
        Assert.Equal("pre-policy", PeerOf(monitor, "192.0.2.1").AnalysisView);
        Assert.Empty(_sink.Of<BmpViolationEvent>());
        Assert.Equal(0, PeerOf(monitor, "192.0.2.1").PolicyPrefixes);
    }

    [Fact]
    public void PostPolicyAnalysisWhenConfigured()
    {
        var monitor = Monitor(options: new BmpStationOptions { View = BmpViewChoice.PostPolicy });
        Feed(monitor, Announce("192.0.2.1", [64500], "14.0.0.0/8"), AnnounceView("192.0.2.1", BmpWire.FlagPostPolicy, [64500], "13.0.0.0/8"));
        Assert.Equal("13.0.0.0/8", Assert.Single(_sink.Of<BmpViolationEvent>()).Prefix);
    }

    [Fact]
    public void AViewOverrideNamesTheRouterOrOnePeer()
    {
        var options = new BmpStationOptions
        {
            View = BmpViewChoice.PostPolicy,
            ViewOverrides = new Dictionary<string, BmpViewChoice> { ["edge-2"] = BmpViewChoice.PrePolicy, ["edge-2/198.51.100.1"] = BmpViewChoice.PostPolicy },
        };
        var monitor = Monitor(options: options);
        Feed(monitor, Initiation("edge-2", "test"),
            Announce("192.0.2.1", [64500], "11.0.0.0/8"), AnnounceView("192.0.2.1", BmpWire.FlagPostPolicy, [64500], "11.0.0.0/8", "11.1.0.0/16"),
            Announce("198.51.100.1", [64502], "20.0.0.0/8"), AnnounceView("198.51.100.1", BmpWire.FlagPostPolicy, [64502], "20.0.0.0/8", "21.0.0.0/8"));
        Assert.Equal("pre-policy", PeerOf(monitor, "192.0.2.1").AnalysisView);
        Assert.Equal(1, PeerOf(monitor, "192.0.2.1").PolicyPrefixes);
        Assert.Equal("post-policy", PeerOf(monitor, "198.51.100.1").AnalysisView);
        Assert.Equal(2, PeerOf(monitor, "198.51.100.1").PolicyPrefixes);
    }

    [Fact]
    public void RoutesBeforeAPeerUpAreTrackedAndAnalysed()
    {
        var monitor = Monitor();
        Feed(monitor, Announce("192.0.2.1", [64500], "11.0.0.0/8", "13.0.0.0/8"));
        var peer = PeerOf(monitor, "192.0.2.1");
        Assert.False(peer.PeerUpSeen);
        Assert.Equal(1, peer.PolicyPrefixes);
        Assert.Single(_sink.Of<BmpViolationEvent>());
    }

    [Fact]
    public void EachDistinguisherIsItsOwnBgpSessionAndKeepsItsOwnCount()
    {
        // The same neighbor address in two VRFs is two BGP sessions, each with its own max-prefix count.
        var table = TestTables.TwoPeers();
        var monitor = Monitor(table);
        byte[] Rd(ulong rd, params string[] prefixes) =>
            RouteMonitoring(PeerHeader("192.0.2.1", 64500, 0, BmpPeerType.RdInstance, rd), Update([], [Origin(0), AsPathAttribute(true, 64500), NextHop(A("192.0.2.1"))], prefixes.Select(p => P(p))));
        byte[] RdWithdraw(ulong rd, params string[] prefixes) =>
            RouteMonitoring(PeerHeader("192.0.2.1", 64500, 0, BmpPeerType.RdInstance, rd), Update(prefixes.Select(p => P(p)), [], []));
        Feed(monitor, Rd(1, "11.0.0.0/8", "12.0.0.0/8"), Rd(2, "11.0.0.0/8"));
        Assert.Equal([2, 1], monitor.Snapshot().Peers.Select(p => p.PolicyPrefixes));
        Feed(monitor, RdWithdraw(1, "11.0.0.0/8"));
        Assert.Equal([1, 1], monitor.Snapshot().Peers.Select(p => p.PolicyPrefixes));
        Feed(monitor, PeerDown(PeerHeader("192.0.2.1", 64500, 0, BmpPeerType.RdInstance, 1), 4));
        Assert.Equal([0, 1], monitor.Snapshot().Peers.Select(p => p.PolicyPrefixes));
    }

    [Fact]
    public void ASlowConsumerDropsEventsNeverTheStream()
    {
        var sink = new ListSink(capacity: 3);
        var monitor = new RouterMonitor(TestTables.TwoPeers(), new BmpStationOptions { Time = _time }, sink);
        Feed(monitor, PeerUpFor("198.51.100.1", 64502), Announce("198.51.100.1", [64502], Numbered("10.{0}.0.0/16", 50)));
        Assert.Equal(3, sink.Events.Count);
        Assert.True(sink.Dropped + monitor.EventsSuppressed >= 47, $"dropped {sink.Dropped}, suppressed {monitor.EventsSuppressed}");
        Assert.Equal(50, PeerOf(monitor, "198.51.100.1").BogonAnnouncements);
    }

    [Fact]
    public void ATableReloadAppliesTheNewLimits()
    {
        var monitor = Monitor();
        Feed(monitor, PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64500], Numbered("11.0.{0}.0/24", 5)));
        Assert.Equal(10, PeerOf(monitor, "192.0.2.1").MaxPrefix);
        monitor.LoadTable(TestTables.Bgp(null, new TestTables.Peer("192.0.2.1", 64500, 4, 2)));
        var peer = PeerOf(monitor, "192.0.2.1");
        Assert.Equal(4, peer.MaxPrefix);
        Assert.Equal(4, peer.PolicyPrefixes); // the held prefixes are judged again under the new limit: one too many
        Assert.Equal(1, peer.RefusedByMaxPrefix);
        Assert.True(peer.Exceeded);
        Assert.Contains(_sink.Of<BmpMaxPrefixEvent>(), e => e.Exceeded && e.Max == 4);
        Feed(monitor, Withdraw("192.0.2.1", "11.0.0.0/24", "11.0.1.0/24"));
        Assert.False(PeerOf(monitor, "192.0.2.1").Exceeded);
        Assert.Equal(3, PeerOf(monitor, "192.0.2.1").PolicyPrefixes);
    }

    [Fact]
    public void Ipv6RoutesAndMulticastSafiAreCountedPerFamily()
    {
        var monitor = Monitor(TestTables.Empty());
        var nextHop = Hex("20010DB8000000000000000000000001");
        Feed(monitor, PeerUpFor("2001:db8::1", 64501),
            RouteMonitoring(PeerHeader("2001:db8::1", 64501), Update([], [Origin(0), AsPathAttribute(true, 64501), MpReach(2, 1, nextHop, [P("2a00::/12"), P("2a01::/16")])], [])),
            RouteMonitoring(PeerHeader("2001:db8::1", 64501), Update([], [Origin(0), AsPathAttribute(true, 64501), MpReach(2, 2, nextHop, [P("2a02::/16")])], [])));
        var view = PeerOf(monitor, "2001:db8::1").Views.Single();
        Assert.Equal(2, view.Ipv6Unicast);
        Assert.Equal(1, view.Ipv6Multicast);
        Assert.Equal(2, PeerOf(monitor, "2001:db8::1").PolicyPrefixes); // unicast prefixes of the analysed view; no limit applies
        Assert.Equal(-1, PeerOf(monitor, "2001:db8::1").MaxPrefix);
    }

    [Fact]
    public void AReloadThatNamesAPeerCountsItsHeldPrefixesUnderTheNewPolicy()
    {
        var monitor = Monitor(TestTables.Empty(), new BmpStationOptions { View = BmpViewChoice.PrePolicy });
        Feed(monitor, PeerUpFor("192.0.2.1"), Announce("192.0.2.1", [64500], "11.0.0.0/8", "12.0.0.0/8", "13.0.0.0/8"),
            AnnounceView("192.0.2.1", BmpWire.FlagPostPolicy, [64500], "11.0.0.0/8"));
        Assert.Equal(3, PeerOf(monitor, "192.0.2.1").PolicyPrefixes);
        Assert.Equal(-1, PeerOf(monitor, "192.0.2.1").MaxPrefix);
        monitor.LoadTable(TestTables.Bgp(null, new TestTables.Peer("192.0.2.1", 64500, 2, 1)));
        Assert.Equal(2, PeerOf(monitor, "192.0.2.1").PolicyPrefixes);
        Assert.True(PeerOf(monitor, "192.0.2.1").Exceeded);
        monitor.LoadTable(TestTables.Bgp(null, new TestTables.Peer("192.0.2.1", 64500, 100, 50)));
        Assert.Equal(3, PeerOf(monitor, "192.0.2.1").PolicyPrefixes);
        Assert.False(PeerOf(monitor, "192.0.2.1").Exceeded);
        Feed(monitor, Withdraw("192.0.2.1", "13.0.0.0/8"));
        Assert.Equal(2, PeerOf(monitor, "192.0.2.1").PolicyPrefixes);
        monitor.LoadTable(TestTables.Empty());
        Assert.Equal(-1, PeerOf(monitor, "192.0.2.1").MaxPrefix);
        Assert.Equal(2, PeerOf(monitor, "192.0.2.1").PolicyPrefixes);
    }

    [Fact]
    public void TerminationIsReported()
    {
        var monitor = Monitor();
        Feed(monitor, Initiation("r1", null), Termination(0, "bye"));
        Assert.True(monitor.Terminated);
        Assert.Equal((ushort)0, Assert.Single(_sink.Of<BmpTerminationEvent>()).Reason);
    }

    [Fact]
    public void RouteMirroringIsCountedAndBadMirroredPdusAreReported()
    {
        var monitor = Monitor();
        var broken = Bgp(BgpMessageType.Keepalive, []);
        broken[3] = 0;
        Feed(monitor, RouteMirroring(PeerHeader("192.0.2.1"), Tlv(0, Bgp(BgpMessageType.Keepalive, [])), Tlv(0, broken), Tlv(1, [0, 1])));
        Assert.Equal(1, monitor.Snapshot().BgpErrors);
        Assert.Equal("marker-not-all-ones", Assert.Single(_sink.Of<BmpMalformedEvent>()).Error);
    }
}
