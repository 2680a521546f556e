using System.Text.Json;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>
/// An IRR-built prefix filter end to end on real parts: the policy's set is resolved from RPSL
/// data (nested as-sets in a cycle, max-length, aggregation), compiled to frr.conf and run in a
/// bgpd in one network namespace; a peer bgpd in another announces registered prefixes, a more
/// specific within max-length, one beyond it, a prefix registered by an AS outside the as-set and
/// an unregistered one. The router keeps exactly the first two — read back from
/// <c>show bgp ipv4 unicast json</c>.
/// </summary>
public sealed class FrrIrrLiveTests
{
    private const string Policy = """
        prefixes lab-cone from irr "AS-LAB" { rpsl "lab.db"; max-length ipv4 25; aggregate; limit 10; }
        filter lab-in { permit prefixes lab-cone; }
        device edge platform frr {
            bgp as 64496 {
                router-id 192.0.2.2;
                neighbor 192.0.2.1 as 64501 {
                    max-prefix 100;
                    prefix-filter in lab-in;
                }
            }
        }
        """;

    private const string Rpsl = """
        as-set: AS-LAB
        members: AS64501, AS-LAB-DOWNSTREAM

        as-set: AS-LAB-DOWNSTREAM
        members: AS64502,
         AS-LAB

        route: 203.0.113.0/24
        origin: AS64501

        route: 198.51.100.0/24
        origin: AS64502

        route: 100.64.10.0/24
        origin: AS64999

        """;

    private const string Registered = "203.0.113.0/24", MoreSpecific = "198.51.100.0/25";

    private const string PeerConfig = """
        router bgp 64501
         bgp router-id 192.0.2.1
         no bgp ebgp-requires-policy
         no bgp network import-check
         neighbor 192.0.2.2 remote-as 64496
         address-family ipv4 unicast
          network 203.0.113.0/24
          network 198.51.100.0/25
          network 198.51.100.0/26
          network 100.64.10.0/24
          network 100.64.20.0/24
         exit-address-family
        exit
        """;

    [Fact]
    public void The_router_keeps_only_what_the_as_set_registered_within_max_length()
    {
        var reader = new InMemoryPolicyFileReader(new Dictionary<string, string> { ["irr-live.mpol"] = Policy, ["lab.db"] = Rpsl });
        var result = PolicyEmitter.Compile("irr-live.mpol", ["frr"], new CompilationOptions { Today = FrrCompile.Today }, FrrCompile.Emit, reader);
        string config = FrrCompile.Configs(result, "the IRR policy")["edge"];
        // The set reached the emitter as a plain prefix set: the filter's prefix list holds its entries.
        var lines = FrrCompile.Lines(config).Select(FrrCompile.WithoutSequence).ToList();
        Assert.Contains("ip prefix-list PK-LAB-IN seq * permit 198.51.100.0/24 le 25", lines);
        Assert.Contains("ip prefix-list PK-LAB-IN seq * permit 203.0.113.0/24 le 25", lines);

        using var temp = new TempDirectory();
        using var lab = new BgpLab(temp.Path);
        string router = lab.StartBgpd(lab.Router, "router", FrrConfigSplitter.Split(config).Bgpd);
        string peer = lab.StartBgpd(lab.Peer, "peer", PeerConfig);

        BgpLab.Poll(router, TimeSpan.FromSeconds(90), r => r.ContainsKey(Registered) && r.ContainsKey(MoreSpecific), out var routes);
        // Every announced route has reached the router by now: the peer advertised all five.
        string advertised = BgpLab.Vtysh(peer, "show bgp ipv4 unicast neighbors 192.0.2.2 advertised-routes json");
        foreach (string prefix in new[] { "198.51.100.0/26", "100.64.10.0/24", "100.64.20.0/24" })
        {
            Assert.Contains(prefix, advertised, StringComparison.Ordinal);
        }
        Thread.Sleep(2000);
        routes = BgpLab.Routes(router);
        string state = $"the router has:\n{string.Join("\n", routes.Select(r => $"{r.Key}: {r.Value}"))}\n\nconfig:\n{config}\n{lab.Logs()}";
        Assert.True(routes.Keys.Order(StringComparer.Ordinal).SequenceEqual(new[] { MoreSpecific, Registered }.Order(StringComparer.Ordinal), StringComparer.Ordinal),
            $"expected {Registered} and {MoreSpecific} kept, the rest rejected; {state}");
    }
}
