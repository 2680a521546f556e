using System.Text.Json;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>
/// AS-path policy end to end on real parts: the generated frr.conf runs in a bgpd in one network
/// namespace; a peer bgpd in another announces routes whose AS paths carry a private ASN, a
/// documentation (bogon) ASN, one AS too many, and exactly the maximum. What the router keeps is
/// read back from <c>show bgp ipv4 unicast json</c>.
/// </summary>
public sealed class FrrAsPathLiveTests
{
    private const string Policy = """
        device edge platform frr {
            bgp as 64496 {
                router-id 192.0.2.2;
                neighbor 192.0.2.1 as 3333 {
                    max-prefix 100;
                    as-path reject bogon-asns, private-asns;
                    as-path max-length 5;
                    as-path first-as peer;
                }
            }
        }
        """;

    private const string Clean = "203.0.113.0/24", Private = "100.64.20.0/24", Documentation = "100.64.30.0/24",
        TooLong = "100.64.40.0/24", Longest = "100.64.50.0/24";

    // The peer (AS 3333: a public ASN, as 64510 is a documentation one, itself a bogon) prepends on
    // export: 65001 (private), 64499 (documentation), its own AS 5 times
    // (a path of 6 ASNs) and 4 times (5 ASNs, the maximum).
    private const string PeerConfig = """
        ip prefix-list PRIVATE seq 5 permit 100.64.20.0/24
        ip prefix-list DOCUMENTATION seq 5 permit 100.64.30.0/24
        ip prefix-list TOO-LONG seq 5 permit 100.64.40.0/24
        ip prefix-list LONGEST seq 5 permit 100.64.50.0/24
        route-map OUT permit 10
         match ip address prefix-list PRIVATE
         set as-path prepend 65001
        exit
        route-map OUT permit 20
         match ip address prefix-list DOCUMENTATION
         set as-path prepend 64499
        exit
        route-map OUT permit 30
         match ip address prefix-list TOO-LONG
         set as-path prepend 3333 3333 3333 3333 3333
        exit
        route-map OUT permit 40
         match ip address prefix-list LONGEST
         set as-path prepend 3333 3333 3333 3333
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
          network 100.64.20.0/24
          network 100.64.30.0/24
          network 100.64.40.0/24
          network 100.64.50.0/24
          neighbor 192.0.2.2 route-map OUT out
         exit-address-family
        exit
        """;

    [Fact]
    public void Paths_with_bogon_or_private_asns_or_too_long_are_rejected_and_the_rest_kept()
    {
        string config = FrrCompile.Config(Policy, "edge");
        FrrCompile.HasLine(config, " neighbor 192.0.2.1 enforce-first-as");
        using var temp = new TempDirectory();
        using var lab = new BgpLab(temp.Path);
        string router = lab.StartBgpd(lab.Router, "router", FrrConfigSplitter.Split(config).Bgpd);
        string peer = lab.StartBgpd(lab.Peer, "peer", PeerConfig);

        // The peer's own view first: all five routes are announced, with the paths this test means.
        BgpLab.Poll(router, TimeSpan.FromSeconds(90), r => r.ContainsKey(Clean) && r.ContainsKey(Longest), out var routes);
        // Rejected routes never arrive at all; give the update that carries them time to have been processed.
        Thread.Sleep(2000);
        routes = BgpLab.Routes(router);
        string received = BgpLab.Vtysh(router, "show bgp ipv4 unicast neighbors 192.0.2.1 received-routes");
        string advertised = BgpLab.Vtysh(peer, "show bgp ipv4 unicast neighbors 192.0.2.2 advertised-routes json");
        foreach (var prefix in new[] { Private, Documentation, TooLong }) Assert.Contains(prefix, advertised, StringComparison.Ordinal);
        Assert.True(routes.Keys.Order(StringComparer.Ordinal).SequenceEqual(new[] { Clean, Longest }.Order(StringComparer.Ordinal), StringComparer.Ordinal),
            $"expected only {Clean} and {Longest} kept; the router has:\n{string.Join("\n", routes.Select(r => $"{r.Key}: {r.Value}"))}\n\npeer advertised:\n{advertised}\n{received}\n{lab.Logs()}");
        Assert.Equal("3333 3333 3333 3333 3333", routes[Longest].GetProperty("path").GetString());
    }
}
