using static PolicyKit.Compiler.Tests.Fidelity.FidelityCompile;

namespace PolicyKit.Compiler.Tests.Fidelity;

/// <summary>Issue 13, finding 10: BGP seed practice the policy does not follow, and IOS XR's eBGP default.</summary>
public sealed class BgpFidelityTests
{
    [Fact]
    public void An_ebgp_neighbor_without_a_prefix_filter_exchanges_every_route_on_ios_xr_too()
    {
        // XR drops every route of an eBGP session without a route-policy (RFC 8212); the policy
        // says no filter, as IOS-XE and Junos write it: XR gets an explicit pass.
        var lines = ConfigLines(OutputOf("""
            device r platform ios-xr {
                bgp as 64496 { neighbor 198.51.100.1 as 64510 { max-prefix 100; auth md5 secret env("K1"); } }
            }
            """, "ios-xr", allowUnsupported: true), "!").ToList();
        Assert.Contains("route-policy PK_PASS in", lines);
        Assert.Contains("route-policy PK_PASS out", lines);
        int policy = lines.IndexOf("route-policy PK_PASS");
        Assert.Equal(["pass", "end-policy"], lines.Skip(policy + 1).Take(2));
    }

    [Fact]
    public void Frr_lets_an_unfiltered_ebgp_session_exchange_routes_as_the_policy_says()
    {
        var lines = ConfigLines(OutputOf("""
            device r platform frr {
                bgp as 64496 { neighbor 198.51.100.1 as 64510 { max-prefix 100; auth md5 secret env("K1"); } }
            }
            """, "frr"), "!").ToList();
        Assert.Contains("no bgp ebgp-requires-policy", lines);
    }
}
