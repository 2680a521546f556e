using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Tests.Live;

/// <summary>
/// FRR 8.4 bgpd as a real BMP client: two bgpd peer across a veth pair in namespaces the test
/// creates (IPv4 and IPv6 sessions), the monitored one streams BMP (pre- and post-policy IPv4,
/// pre-policy IPv6, statistics every second) to the station, in plain TCP or through socat's
/// OPENSSL-CONNECT with a client certificate. The station's prefix counts must equal FRR's own
/// <c>show bgp … summary</c>, through announcements, withdrawals and a neighbor shutdown.
/// (FRR sends pre-policy routes only for neighbors with <c>soft-reconfiguration inbound</c>: without
/// a stored Adj-RIB-In its pre-policy stream carries withdrawals only.)
/// </summary>
public sealed class FrrLiveTests
{
    internal const int Prefixes11 = 12;

    internal static string RouterConfig => """
        frr defaults traditional
        hostname rA
        log stdout
        router bgp 64496
         bgp router-id 192.0.2.2
         no bgp ebgp-requires-policy
         no bgp network import-check
         timers bgp 3 9
         neighbor 192.0.2.1 remote-as 64500
         neighbor 2001:db8:ff::1 remote-as 64500
         address-family ipv4 unicast
          network 10.200.0.0/24
          neighbor 192.0.2.1 soft-reconfiguration inbound
          no neighbor 2001:db8:ff::1 activate
         exit-address-family
         address-family ipv6 unicast
          neighbor 2001:db8:ff::1 activate
          neighbor 2001:db8:ff::1 soft-reconfiguration inbound
         exit-address-family
         bmp targets noc
          bmp connect 127.0.0.1 port 5999 min-retry 100 max-retry 1000
          bmp monitor ipv4 unicast pre-policy
          bmp monitor ipv4 unicast post-policy
          bmp monitor ipv6 unicast pre-policy
          bmp stats interval 1000
         exit
        exit
        """;

    internal static string PeerConfig => $"""
        frr defaults traditional
        hostname rB
        log stdout
        router bgp 64500
         bgp router-id 192.0.2.1
         no bgp ebgp-requires-policy
         no bgp network import-check
         timers bgp 3 9
         neighbor 192.0.2.2 remote-as 64496
         neighbor 2001:db8:ff::2 remote-as 64496
         address-family ipv4 unicast
        {string.Concat(Enumerable.Range(0, Prefixes11).Select(i => $"  network 11.0.{i}.0/24\n"))}  network 13.0.0.0/8
          network 10.50.0.0/16
          no neighbor 2001:db8:ff::2 activate
         exit-address-family
         address-family ipv6 unicast
          neighbor 2001:db8:ff::2 activate
          network 2a00:1::/32
          network 2a00:2::/32
          network 2a00:3::/32
         exit-address-family
        exit
        """;

    /// <summary>FRR's default: no <c>soft-reconfiguration inbound</c>, so no stored Adj-RIB-In and a pre-policy stream of withdrawals only.</summary>
    private static string RouterConfigWithoutSoftReconfiguration => RouterConfig
        .Replace("  neighbor 192.0.2.1 soft-reconfiguration inbound\n", "", StringComparison.Ordinal)
        .Replace("  neighbor 2001:db8:ff::1 soft-reconfiguration inbound\n", "", StringComparison.Ordinal);

    [Fact]
    public Task FrrStreamsBmpOverTcp() => Run(tls: false);

    /// <summary>
    /// Issue 15, finding 2: without soft-reconfiguration FRR's pre-policy view is empty, so a
    /// pre-policy-only station saw no prefixes and no bogons. With the view chosen automatically
    /// the analysis runs on post-policy (what FRR accepted): the counts equal FRR's pfxRcd, the
    /// bogon and the filter violation are reported from that view.
    /// </summary>
    [Fact]
    public async Task WithoutSoftReconfigurationTheAnalysisRunsOnPostPolicy()
    {
        using var temp = new TempDirectory();
        string recordings = Path.Combine(temp.Path, "recorded");
        await using var h = await StationHarness.StartAsync(new BmpStationOptions { Listeners = [StationHarness.Plain()], RecordDirectory = recordings });
        using var net = new NetnsPair();
        using var bridge = new BmpBridge(net, temp.Path, h.Port(), null);
        using var peer = new FrrBgpd(net, net.Peer, temp.Path, "peer", PeerConfig);
        using var router = new FrrBgpd(net, net.Router, temp.Path, "router", RouterConfigWithoutSoftReconfiguration);
        BmpPeerSnapshot? Peer() => h.Station.Snapshot().Peers.FirstOrDefault(p => p.Peer.Name == "192.0.2.1" && p.Up);
        string Counts() => $"frr accepted {router.PrefixesReceived("ipv4", "192.0.2.1")}; station " +
            string.Join("; ", h.Station.Snapshot().Peers.Select(p => $"{p.Peer.Name} up={p.Up} view={p.AnalysisView} policy={p.PolicyPrefixes} " + string.Join(",", p.Views.Select(v => $"{v.ViewName}={v.Prefixes}"))));
        int expected = Prefixes11 + 2;
        Assert.True(h.WaitFor(_ => router.PrefixesReceived("ipv4", "192.0.2.1") == expected && Peer()?.Prefixes(RibView.AdjRibInPost) == expected, 60),
            "no convergence: " + Counts() + "\n" + h.Describe() + "\n" + router.Logs);

        var v4 = Peer()!;
        Assert.Equal(0, v4.Prefixes(RibView.AdjRibInPre)); // FRR sends no pre-policy routes without soft-reconfiguration
        Assert.Equal("post-policy", v4.AnalysisView);
        Assert.Equal(10, v4.PolicyPrefixes);
        Assert.True(v4.Exceeded);
        Assert.Equal(1, v4.BogonAnnouncements);
        Assert.Contains(h.Of<BmpViolationEvent>(), e => e.Prefix == "10.50.0.0/16" && e.Violation == ViolationKind.Bogon && e.View == "post-policy");
        Assert.Contains(h.Of<BmpViolationEvent>(), e => e.Prefix == "13.0.0.0/8" && e.Violation == ViolationKind.PrefixFilter && e.View == "post-policy" && e.AsPath == "64500");
        Assert.Contains(h.Of<BmpMaxPrefixEvent>(), e => e.Exceeded && e.View == "post-policy");
        Assert.Equal(0, h.Station.Counters.MalformedMessages);
        Recordings.Keep(recordings, "frr-8.4-no-soft-reconfig");
    }

    [Fact]
    public Task FrrStreamsBmpThroughTheTlsClientWrapper() => Run(tls: true);

    private static async Task Run(bool tls)
    {
        using var temp = new TempDirectory();
        var pki = tls ? Pki.Create(Path.Combine(temp.Path, "pki"), "rA") : null;
        string recordings = Path.Combine(temp.Path, "recorded");
        var listener = pki is null ? StationHarness.Plain() : StationHarness.Tls(pki);
        await using var h = await StationHarness.StartAsync(new BmpStationOptions { Listeners = [listener], RecordDirectory = recordings });
        using var net = new NetnsPair();
        using var bridge = new BmpBridge(net, temp.Path, h.Port(), pki);
        using var peer = new FrrBgpd(net, net.Peer, temp.Path, "peer", PeerConfig);
        using var router = new FrrBgpd(net, net.Router, temp.Path, "router", RouterConfig);
        string Diagnose() => $"{h.Describe()}\n── router\n{router.Logs}\n── bridge\n{bridge.Logs}";

        BmpPeerSnapshot? Peer(string name) => h.Station.Snapshot().Peers.FirstOrDefault(p => p.Peer.Name == name && p.Up);
        // Post-policy is what FRR accepted (pfxRcd); pre-policy is its Adj-RIB-In (received-routes), which also
        // holds routes FRR refused — here its own 10.200.0.0/24 that the peer sends back (an AS-path loop).
        string Counts() =>
            $"frr v4 accepted {router.PrefixesReceived("ipv4", "192.0.2.1")} received {router.ReceivedRoutes("ipv4", "192.0.2.1")}, " +
            $"v6 accepted {router.PrefixesReceived("ipv6", "2001:db8:ff::1")} received {router.ReceivedRoutes("ipv6", "2001:db8:ff::1")}; station " +
            string.Join("; ", h.Station.Snapshot().Peers.Select(p => $"{p.Peer.Name} up={p.Up} " + string.Join(",", p.Views.Select(v => $"{v.ViewName}={v.Prefixes}"))));
        bool Converged(int v4, int v6)
        {
            int accepted4 = router.PrefixesReceived("ipv4", "192.0.2.1"), accepted6 = router.PrefixesReceived("ipv6", "2001:db8:ff::1");
            var p4 = Peer("192.0.2.1");
            var p6 = Peer("2001:db8:ff::1");
            return accepted4 == v4 && accepted6 == v6 && p4 is not null && p6 is not null &&
                p4.Prefixes(RibView.AdjRibInPost) == accepted4 && p4.Prefixes(RibView.AdjRibInPre) == router.ReceivedRoutes("ipv4", "192.0.2.1") &&
                p6.Prefixes(RibView.AdjRibInPre) == router.ReceivedRoutes("ipv6", "2001:db8:ff::1");
        }

        int expected = Prefixes11 + 2;
        Assert.True(h.WaitFor(_ => Converged(expected, 3), 60), "no convergence: " + Counts() + "\n" + Diagnose());

        var session = h.Station.Snapshot().Sessions.Single();
        Assert.Equal("rA", session.SysName);
        Assert.Equal(tls, session.Tls);
        if (tls) Assert.Equal("CN=rA", session.ClientSubject);
        Assert.Contains(h.Of<BmpPeerUpEvent>(), e => e.Peer.Address == "192.0.2.1" && e.Peer.As == 64500 && e.FourOctetAs);
        Assert.Contains(h.Of<BmpPeerUpEvent>(), e => e.Peer.Address == "2001:db8:ff::1");

        // The policy: 192.0.2.1 may send 11/8 and 12/8 up to /24, at most 10 (warning above 8).
        var v4 = Peer("192.0.2.1")!;
        Assert.Equal(10, v4.PolicyPrefixes);
        Assert.True(v4.Exceeded);
        Assert.Equal(Prefixes11 - 10, v4.RefusedByMaxPrefix);
        Assert.Contains(h.Of<BmpMaxPrefixEvent>(), e => e.Exceeded && e.Max == 10 && e.Peer.Address == "192.0.2.1");
        Assert.Contains(h.Of<BmpMaxPrefixEvent>(), e => !e.Exceeded && e.Used == 9);
        var filter = h.Of<BmpViolationEvent>().Single(e => e.Prefix == "13.0.0.0/8");
        Assert.Equal(ViolationKind.PrefixFilter, filter.Violation);
        Assert.Equal("64500", filter.AsPath);
        Assert.Equal(ViolationKind.Bogon, h.Of<BmpViolationEvent>().Single(e => e.Prefix == "10.50.0.0/16").Violation);

        // FRR quirks: the router's own 10.200.0.0/24 comes with an all-zero peer header and no Peer Up; statistics arrive.
        Assert.True(h.WaitFor(x => x.Station.Snapshot().Peers.Any(p => p.Peer.Name == "local" && p.Prefixes(RibView.AdjRibInPre) + p.Prefixes(RibView.AdjRibInPost) >= 1), 10), Diagnose());
        // FRR's statistics: types 0, 2, 3, 4, 5, 11 and its private 65531 (kept, counted as a vendor type).
        Assert.True(h.WaitFor(_ => Peer("192.0.2.1")?.Statistics.ContainsKey("rejected-prefixes") == true && Peer("192.0.2.1")!.Statistics.ContainsKey("type-65531"), 15), Diagnose());
        Assert.True(Peer("192.0.2.1")!.VendorStatistics > 0);
        Assert.Equal(0, h.Station.Counters.MalformedMessages);

        // Withdrawals on the peer: both sides follow.
        peer.Vtysh("configure terminal", "router bgp 64500", "address-family ipv4 unicast", "no network 11.0.11.0/24", "no network 13.0.0.0/8");
        Assert.True(h.WaitFor(_ => Converged(expected - 2, 3), 60), "after withdrawals: " + Counts() + "\n" + Diagnose());
        Assert.Equal(10, Peer("192.0.2.1")!.PolicyPrefixes);

        // The monitored router shuts the IPv4 neighbor down: Peer Down, every route of it gone.
        router.Vtysh("configure terminal", "router bgp 64496", "neighbor 192.0.2.1 shutdown");
        Assert.True(h.WaitFor(x => x.Of<BmpPeerDownEvent>().Any(e => e.Peer.Address == "192.0.2.1" && e.WasKnown), 30), Diagnose());
        var down = h.Station.Snapshot().Peers.Single(p => p.Peer.Name == "192.0.2.1");
        Assert.False(down.Up);
        Assert.Equal(0, down.Prefixes(RibView.AdjRibInPre));
        Assert.Equal(0, down.PolicyPrefixes);
        Assert.StartsWith("local-", down.LastDownReason); // FRR 8.4 reports a shutdown as reason 2 (no NOTIFICATION), FSM event 0

        Recordings.Keep(recordings, tls ? "frr-8.4-tls" : "frr-8.4");
    }
}
