using PolicyKit.Compiler.Tests.Diagnostics;
using static PolicyKit.Compiler.Diagnostics.DiagnosticSeverity;
using static PolicyKit.Compiler.Tests.Fidelity.FidelityCompile;

namespace PolicyKit.Compiler.Tests.Fidelity;

/// <summary>Issue 13, finding 8: gaps that passed without a word.</summary>
public sealed class GapFidelityTests
{
    [Fact]
    public void A_star_g_permit_without_a_group_term_is_reported_in_the_ssm_range()
    {
        // A (*,G) permit for every group includes the SSM range, where an ASM join is refused.
        PolicyAssert.Case("MP3003", Error, 1, 16,
            """
            filter joins { permit sources 0.0.0.0/32; }
            device r platform ios-xe { interface "Gi1" { igmp { access joins; } } }
            """,
            fix: [("permit sources 0.0.0.0/32;", "permit sources 0.0.0.0/32 groups 239.0.0.0/8;")]);
    }

    [Fact]
    public void A_star_g_permit_written_as_a_prefix_holding_the_wildcard_is_reported()
    {
        PolicyAssert.Case("MP3003", Error, 1, 16,
            """
            filter joins { permit sources 0.0.0.0/8 groups 232.1.0.0/16; permit any; }
            device r platform ios-xe { interface "Gi1" { igmp { access joins; } } }
            """,
            fix: [("0.0.0.0/8", "10.0.0.0/8")]);
    }

    [Fact]
    public void An_edge_infrastructure_acl_can_name_a_destination()
    {
        // The guide's infrastructure ACL at the ingress points: PIM to the RP from outside is dropped.
        var lines = ConfigLines(OutputOf("""
            filter edge-iacl { deny protocol pim to 10.255.0.1; permit sources 198.51.100.0/24 groups 232.1.0.0/16; }
            device r platform ios-xe { interface "Gi1" { source-filter edge-iacl; } }
            """, "ios-xe"), "!");
        Assert.Contains("deny pim any host 10.255.0.1", lines);
    }
}
