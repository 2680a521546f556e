using static PolicyKit.Compiler.Diagnostics.DiagnosticSeverity;

namespace PolicyKit.Compiler.Tests.Diagnostics;

/// <summary>
/// Routing security (RPKI origin validation): MP2050–MP2059 (binding), MP3080–MP3089 (checks),
/// MP4050–MP4059 (platforms). One test per code, named after it.
/// </summary>
public sealed class RoutingSecurityDiagnosticTests
{
    private const string Edge = """
        device r platform frr {
            rpki { cache 192.0.2.50 port 3323; }
            bgp as 64496 {
                neighbor 198.51.100.1 as 64510 {
                    max-prefix 100; auth md5 secret env("K1");
                    rpki invalid reject;
                    rpki not-found local-preference 50;
                }
            }
        }
        """;

    [Fact]
    public void MP2050_origin_validation_without_an_rtr_cache()
    {
        var d = PolicyAssert.Case("MP2050", Error, 6, 13, Edge.Replace("    rpki { cache 192.0.2.50 port 3323; }", "", StringComparison.Ordinal),
            fix: [("platform frr {", "platform frr { rpki { cache 192.0.2.50; }")]);
        Assert.Equal("neighbor 198.51.100.1 acts on RPKI origin validation, but device 'r' has no RTR cache", d.Message);
    }

    [Fact]
    public void MP2051_rtr_caches_on_a_device_without_bgp()
    {
        const string policy = "device r platform junos {\n    rpki { cache 192.0.2.50; }\n}\n";
        var d = PolicyAssert.Case("MP2051", Error, 2, 5, policy, fix: [("rpki { cache 192.0.2.50; }", "")]);
        Assert.Equal("device 'r' has RTR caches but runs no BGP", d.Message);
    }

    [Fact]
    public void MP2059_community_in_strip_would_remove_an_origin_validation_mark()
    {
        string policy = Edge.Replace("rpki not-found local-preference 50;", "rpki not-found community 64496:50;\n                    community in strip;", StringComparison.Ordinal);
        var d = PolicyAssert.Case("MP2059", Error, 7, 13, policy, fix: [("rpki not-found community 64496:50;", "rpki not-found local-preference 50;")]);
        Assert.Equal("neighbor 198.51.100.1 marks RPKI-not-found routes with community 64496:50, but 'community in strip' removes every community of its routes after the marks", d.Message);
        // Adding beside the mark is fine: the mark is kept.
        PolicyAssert.DoesNotReport(PolicyAssert.Check(policy.Replace("community in strip;", "community in add 64496:1;", StringComparison.Ordinal)), "MP2059");
    }

    [Fact]
    public void MP3080_ebgp_neighbor_without_an_action_for_invalid_routes()
    {
        var d = PolicyAssert.Case("MP3080", Warning, 4, 9, Edge.Replace("rpki invalid reject;", "", StringComparison.Ordinal),
            fix: [("rpki not-found", "rpki invalid reject; rpki not-found")]);
        Assert.Equal("eBGP neighbor 198.51.100.1 has no action for RPKI-invalid routes, though the device validates origins", d.Message);
        // Not asked of an iBGP neighbor, nor where the device validates nothing (MP2050 is then the finding).
        PolicyAssert.DoesNotReport(PolicyAssert.Check(Edge.Replace("rpki invalid reject;", "", StringComparison.Ordinal).Replace("as 64510", "as 64496", StringComparison.Ordinal)), "MP3080");
    }

    [Fact]
    public void MP3081_invalid_routes_not_the_least_preferred()
    {
        var d = PolicyAssert.Case("MP3081", Warning, 6, 13, Edge.Replace("rpki invalid reject;", "rpki invalid local-preference 60;", StringComparison.Ordinal),
            fix: [("local-preference 60;", "local-preference 40;")]);
        Assert.Equal("neighbor 198.51.100.1 gives RPKI-invalid routes local preference 60, not below 50 of not-found routes", d.Message);
        // Below every other state: nothing to say.
        PolicyAssert.DoesNotReport(PolicyAssert.Check(Edge.Replace("rpki invalid reject;", "rpki invalid local-preference 10;", StringComparison.Ordinal)), "MP3081");
    }

    [Fact]
    public void Ebgp_default_reject_silences_MP3033_only_where_nothing_is_accepted()
    {
        const string policy = """
            device r platform frr {
                bgp as 64496 {
                    ebgp-default reject;
                    neighbor 198.51.100.1 as 3333 { max-prefix 100; auth md5 secret env("K1"); }
                }
            }
            """;
        PolicyAssert.DoesNotReport(PolicyAssert.Check(policy), "MP3033");
        PolicyAssert.Reports(PolicyAssert.Check(policy.Replace("reject;", "accept;", StringComparison.Ordinal)), "MP3033", Warning, 4, 9);
        // An inbound check without a prefix filter lets the routes that pass it in: still a finding.
        PolicyAssert.Reports(PolicyAssert.Check(policy.Replace("env(\"K1\");", "env(\"K1\"); blackhole reject;", StringComparison.Ordinal)), "MP3033", Warning, 4, 9);
    }
}
