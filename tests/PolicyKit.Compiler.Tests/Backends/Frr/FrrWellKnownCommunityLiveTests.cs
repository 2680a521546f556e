using System.Text.Json;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>
/// BLACKHOLE (RFC 7999) and GRACEFUL_SHUTDOWN (RFC 8326) end to end on real parts: the generated
/// frr.conf runs in a bgpd in one network namespace; a peer bgpd in another tags one route
/// BLACKHOLE and one GRACEFUL_SHUTDOWN. The router rejects the first and keeps the second at
/// local preference 0, the untagged one unchanged — read back from <c>show bgp ipv4 unicast json</c>.
/// </summary>
public sealed class FrrWellKnownCommunityLiveTests
{
    private const string Policy = """
        device edge platform frr {
            bgp as 64496 {
                router-id 192.0.2.2;
                neighbor 192.0.2.1 as 3333 {
                    max-prefix 100;
                    blackhole reject;
                    graceful-shutdown honor;
                }
            }
        }
        """;

    private const string Clean = "203.0.113.0/24", Blackhole = "100.64.60.0/24", Draining = "100.64.70.0/24";

    private const string PeerConfig = """
        ip prefix-list BLACKHOLE seq 5 permit 100.64.60.0/24
        ip prefix-list DRAINING seq 5 permit 100.64.70.0/24
        route-map OUT permit 10
         match ip address prefix-list BLACKHOLE
         set community 65535:666
        exit
        route-map OUT permit 20
         match ip address prefix-list DRAINING
         set community 65535:0
        exit
        route-map OUT permit 100
        exit
        router bgp 3333
         bgp router-id 192.0.2.1
         no bgp ebgp-requires-policy
         no bgp network import-check
         neighbor 192.0.2.2 remote-as 64496
         address-family ipv4 unicast
          network 203.0.113.0/24
          network 100.64.60.0/24
          network 100.64.70.0/24
          neighbor 192.0.2.2 send-community
          neighbor 192.0.2.2 route-map OUT out
         exit-address-family
        exit
        """;

    [Fact]
    public void Blackhole_routes_are_rejected_and_graceful_shutdown_routes_kept_at_local_preference_0()
    {
        string config = FrrCompile.Config(Policy, "edge");
        using var temp = new TempDirectory();
        using var lab = new BgpLab(temp.Path);
        string router = lab.StartBgpd(lab.Router, "router", FrrConfigSplitter.Split(config).Bgpd);
        string peer = lab.StartBgpd(lab.Peer, "peer", PeerConfig);

        BgpLab.Poll(router, TimeSpan.FromSeconds(90), r => r.ContainsKey(Clean) && r.ContainsKey(Draining), out var routes);
        Thread.Sleep(2000); // the update that carried the BLACKHOLE route has been processed by now
        routes = BgpLab.Routes(router);
        string advertised = BgpLab.Vtysh(peer, "show bgp ipv4 unicast neighbors 192.0.2.2 advertised-routes json");
        Assert.Contains(Blackhole, advertised, StringComparison.Ordinal);
        string state = $"the router has:\n{string.Join("\n", routes.Select(r => $"{r.Key}: {r.Value}"))}\n\n{lab.Logs()}";
        Assert.True(routes.Keys.Order(StringComparer.Ordinal).SequenceEqual(new[] { Clean, Draining }.Order(StringComparer.Ordinal), StringComparer.Ordinal),
            $"expected {Clean} and {Draining} kept, {Blackhole} rejected; {state}");
        Assert.True(routes[Draining].TryGetProperty("locPrf", out var draining) && draining.GetInt32() == 0, $"{Draining} should have local preference 0; {state}");
        Assert.False(routes[Clean].TryGetProperty("locPrf", out var clean) && clean.GetInt32() != 100, $"{Clean} should keep the default local preference; {state}");
    }
}
