using static PolicyKit.Compiler.Tests.Fidelity.FidelityCompile;

namespace PolicyKit.Compiler.Tests.Fidelity;

/// <summary>Issue 13: IOS-XE output that meant something else than the policy (findings 3, 4) — now exact or MP4001.</summary>
public sealed class IosXeFidelityTests
{
    [Fact]
    public void A_receiving_host_term_is_reported_not_dropped()
    {
        // Finding 3: `from` was dropped, so the standard ACL blocked the groups for every host.
        const string Policy = """
            filter no-host-5 { deny from 10.1.1.5 groups 226.1.0.0/16; permit any; }
            device r platform ios-xe { interface "Ethernet0/3" { igmp { access no-host-5; } } }
            """;
        var result = Compile(Policy, "ios-xe");
        Assert.Equal(1, Unsupported(result, "igmp access filter by host").Span.StartLineColumn.Line);
        Assert.Empty(result.Files);
        // The rules without `from` still compile as before.
        string output = OutputOf(Policy.Replace("deny from 10.1.1.5 groups", "deny groups", StringComparison.Ordinal), "ios-xe");
        Assert.Contains(" deny 226.1.0.0 0.0.255.255", output.Split('\n'));
    }

    [Fact]
    public void An_ipv6_rp_and_accept_register_are_written_as_ipv6_commands()
    {
        // Finding 4: IPv6 RP and accept-register came out as `ip pim …` with empty ACLs.
        var lines = ConfigLines(OutputOf("""
            sources s6 { 2001:db8:5::/48; }
            device r platform ios-xe {
                rp { address 2001:db8::1 groups ff0e::/16; accept-register sources s6 groups ff0e::/16; }
            }
            """, "ios-xe"), "!");
        Assert.Contains("ipv6 pim rp-address 2001:db8::1 PK-R-RP-GROUPS-V6", lines);
        Assert.Contains(lines, l => l.StartsWith("ipv6 pim accept-register list ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("ip pim rp-address", StringComparison.Ordinal) || l.StartsWith("ip pim accept-register", StringComparison.Ordinal));
        Assert.Contains("permit ipv6 any ff0e::/16", lines);
        Assert.Contains("permit ipv6 2001:db8:5::/48 ff0e::/16", lines);
    }

    [Fact]
    public void A_dual_stack_rp_gets_both_families()
    {
        var lines = ConfigLines(OutputOf("""
            filter registers { permit sources 198.51.100.0/24; permit sources 2001:db8:5::/48; }
            device r platform ios-xe {
                rp { address 10.255.0.1; accept-register filter registers; }
            }
            """, "ios-xe"), "!");
        Assert.Contains("ip pim rp-address 10.255.0.1", lines);
        Assert.Contains(lines, l => l.StartsWith("ip pim accept-register list PK-REGISTERS-REGISTER", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ipv6 pim accept-register list PK-REGISTERS-REGISTER-V6", StringComparison.Ordinal));
    }

    [Fact]
    public void No_acl_is_ever_written_empty()
    {
        // IOS reads a referenced ACL without entries as "permit any" in several features: a
        // list that denies everything says so.
        string output = OutputOf("""
            device r platform ios-xe {
                interface "Gi1" { pim { neighbors 2001:db8::9; } }
            }
            """, "ios-xe");
        var lines = output.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            bool header = lines[i].StartsWith("ip access-list ", StringComparison.Ordinal) || lines[i].StartsWith("ipv6 access-list ", StringComparison.Ordinal);
            if (header) Assert.True(i + 1 < lines.Length && lines[i + 1].StartsWith(' '), $"{lines[i]} has no entry:\n{output}");
        }
        var config = ConfigLines(output, "!");
        Assert.Contains(config, l => l.StartsWith("ipv6 pim neighbor-filter list ", StringComparison.Ordinal));
        Assert.Contains("permit ipv6 host 2001:db8::9 any", config);
    }
}
