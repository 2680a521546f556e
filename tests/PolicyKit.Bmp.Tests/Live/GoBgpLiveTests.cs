using System.Text.Json;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Tests.Live;

/// <summary>
/// GoBGP 3.10 as the second real BMP client: gobgpd is the monitored router (peering with an FRR
/// bgpd across the namespaces' veth pair, IPv4 and IPv6) and streams pre-policy, post-policy and
/// Loc-RIB (peer type 3, RFC 9069) to the station. Counts must equal gobgp's own.
/// </summary>
public sealed class GoBgpLiveTests
{
    private static string Config => $"""
        [global.config]
          as = 64496
          router-id = "192.0.2.2"
          port = 179
        [[neighbors]]
          [neighbors.config]
            neighbor-address = "192.0.2.1"
            peer-as = 64500
          [[neighbors.afi-safis]]
            [neighbors.afi-safis.config]
              afi-safi-name = "ipv4-unicast"
        [[neighbors]]
          [neighbors.config]
            neighbor-address = "2001:db8:ff::1"
            peer-as = 64500
          [[neighbors.afi-safis]]
            [neighbors.afi-safis.config]
              afi-safi-name = "ipv6-unicast"
        [[bmp-servers]]
          [bmp-servers.config]
            address = "127.0.0.1"
            port = {BmpBridge.RouterPort}
            route-monitoring-policy = "all"
            statistics-timeout = 15
        """;

    [Fact]
    public async Task GoBgpStreamsPrePostAndLocRib()
    {
        using var temp = new TempDirectory();
        string recordings = Path.Combine(temp.Path, "recorded");
        await using var h = await StationHarness.StartAsync(new BmpStationOptions { Listeners = [StationHarness.Plain()], RecordDirectory = recordings });
        using var net = new NetnsPair();
        using var bridge = new BmpBridge(net, temp.Path, h.Port());
        using var peer = new FrrBgpd(net, net.Peer, temp.Path, "peer", FrrLiveTests.PeerConfig);
        using var router = new GoBgpd(net, net.Router, temp.Path, Config);

        int LocRib(string family)
        {
            string text = router.Cli("global", "rib", "-a", family, "-j");
            if (text.Length == 0) return -1;
            using var json = JsonDocument.Parse(text);
            return json.RootElement.EnumerateObject().Count();
        }
        BmpPeerSnapshot? Peer(string name) => h.Station.Snapshot().Peers.FirstOrDefault(p => p.Peer.Name == name);
        string Counts() => $"gobgp v4 {router.PrefixesReceived("192.0.2.1")} v6 {router.PrefixesReceived("2001:db8:ff::1", "ipv6")} loc-rib {LocRib("ipv4")}+{LocRib("ipv6")}; station " +
            string.Join("; ", h.Station.Snapshot().Peers.Select(p => $"{p.Peer.Name} up={p.Up} " + string.Join(",", p.Views.Select(v => $"{v.ViewName}={v.Prefixes}"))));
        bool Converged()
        {
            int v4 = router.PrefixesReceived("192.0.2.1"), v6 = router.PrefixesReceived("2001:db8:ff::1", "ipv6");
            var loc = Peer("loc-rib");
            return v4 == FrrLiveTests.Prefixes11 + 2 && v6 == 3 &&
                Peer("192.0.2.1")?.Prefixes(RibView.AdjRibInPre) == v4 && Peer("192.0.2.1")?.Prefixes(RibView.AdjRibInPost) == v4 &&
                Peer("2001:db8:ff::1")?.Prefixes(RibView.AdjRibInPre) == v6 &&
                loc is not null && loc.Views.Single().Ipv4Unicast == LocRib("ipv4") && loc.Views.Single().Ipv6Unicast == LocRib("ipv6");
        }
        Assert.True(h.WaitFor(_ => Converged(), 60), $"no convergence: {Counts()}\n{h.Describe()}\n{router.Logs}");

        Assert.Contains(h.Of<BmpPeerUpEvent>(), e => e.Peer.Address == "192.0.2.1" && e.Peer.As == 64500);
        // GoBGP 3.10 sends Loc-RIB routes (peer type 3) without a Peer Up for the Loc-RIB instance.
        Assert.False(Peer("loc-rib")!.PeerUpSeen);
        Assert.Equal("GoBGP", h.Of<BmpInitiationEvent>().Single().SysName);
        Assert.Single(h.Of<BmpInitiationEvent>());
        var v4 = Peer("192.0.2.1")!;
        Assert.Equal(10, v4.PolicyPrefixes);
        Assert.True(v4.Exceeded);
        Assert.Contains(h.Of<BmpViolationEvent>(), e => e.Prefix == "13.0.0.0/8" && e.Violation == ViolationKind.PrefixFilter && e.AsPath == "64500");
        Assert.Contains(h.Of<BmpViolationEvent>(), e => e.Prefix == "10.50.0.0/16" && e.Violation == ViolationKind.Bogon);
        Assert.Equal(0, h.Station.Counters.MalformedMessages);

        // A withdrawal at the peer reaches GoBGP and the station alike.
        peer.Vtysh("configure terminal", "router bgp 64500", "address-family ipv4 unicast", "no network 11.0.3.0/24");
        Assert.True(h.WaitFor(_ => router.PrefixesReceived("192.0.2.1") == FrrLiveTests.Prefixes11 + 1 &&
            Peer("192.0.2.1")?.Prefixes(RibView.AdjRibInPre) == FrrLiveTests.Prefixes11 + 1 && Peer("loc-rib")?.Views.Single().Ipv4Unicast == LocRib("ipv4"), 30),
            $"after the withdrawal: {Counts()}");

        // A locally originated route (RFC 9069 Loc-RIB): GoBGP sends it without AS_PATH. It is a route, not a withdrawal.
        router.Cli("global", "rib", "add", "-a", "ipv4", "45.0.0.0/24");
        Assert.True(h.WaitFor(_ => LocRib("ipv4") == FrrLiveTests.Prefixes11 + 2 && Peer("loc-rib")?.Views.Single().Ipv4Unicast == LocRib("ipv4"), 30),
            $"after the local route: {Counts()}\n{h.Describe()}");
        Assert.Equal(0, h.Station.Counters.MalformedMessages);
        Assert.Contains(h.Station.Snapshot().Peers.Single(p => p.Peer.Name == "loc-rib").Views, v => v.Ipv4Unicast == FrrLiveTests.Prefixes11 + 2);


        Recordings.Keep(recordings, "gobgp-3.10");
    }
}
