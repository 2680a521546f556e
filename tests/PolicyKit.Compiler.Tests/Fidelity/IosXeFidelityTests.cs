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
        Assert.Contains("deny 226.1.0.0 0.0.255.255", ConfigLines(output, "!"));
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

/// <summary>Issue 13, findings 5 and 7: control-plane policing and configuration hygiene on IOS-XE.</summary>
public sealed class IosXeHygieneTests
{
    [Fact]
    public void Copp_drops_only_what_the_filter_denies_and_never_the_default_class()
    {
        // Finding 5: class-default → drop also dropped ARP, IS-IS, CDP and every protocol the
        // filter never named; the guide says to start with a permit policy.
        var lines = ConfigLines(OutputOf("""
            filter infra { permit protocol pim from 10.20.0.0/29; deny protocol pim log; permit any; }
            device r platform ios-xe { control-plane { filter infra; rate-limit pim 1000 pps; } }
            """, "ios-xe"), "!");
        int policy = lines.ToList().IndexOf("policy-map PK-R-COPP");
        Assert.True(policy >= 0, string.Join("\n", lines));
        var body = lines.Skip(policy + 1).TakeWhile(l => l != "control-plane").ToList();
        Assert.DoesNotContain("class class-default", body);
        Assert.Contains("class PK-INFRA-COPP-DENY", body);
        Assert.Equal("drop", body[body.IndexOf("class PK-INFRA-COPP-DENY") + 1]);
        // The drop class matches what the filter denies, for IP only.
        int acl = lines.ToList().IndexOf("ip access-list extended PK-INFRA-COPP-DENY");
        Assert.Equal(["deny pim 10.20.0.0 0.0.0.7 any", "permit pim any any log", "deny ip any any"], lines.Skip(acl + 1).Take(3));
        Assert.NotEqual("permit ip any any", lines[acl + 4]);
        Assert.Contains("police rate 1000 pps conform-action transmit exceed-action drop", body);
    }

    [Fact]
    public void Copp_with_an_implicit_deny_drops_the_ip_traffic_the_filter_does_not_permit()
    {
        var lines = ConfigLines(OutputOf("""
            filter infra { permit protocol pim; permit protocol bgp; }
            device r platform ios-xe { control-plane { filter infra; } }
            """, "ios-xe"), "!").ToList();
        int acl = lines.IndexOf("ip access-list extended PK-INFRA-COPP-DENY");
        Assert.Equal(["deny pim any any", "deny tcp any any eq 179", "permit ip any any"], lines.Skip(acl + 1).Take(3));
        Assert.DoesNotContain("class class-default", lines);
    }

    [Fact]
    public void Multicast_routing_and_sparse_mode_are_enabled_where_the_device_does_multicast_only()
    {
        // Finding 7: ip multicast-routing and the PIM mode were never written; ip pim ssm default was.
        var mcast = ConfigLines(OutputOf("""
            device r platform ios-xe {
                mroute-limit 1000;
                interface "Gi1" { igmp { limit 5; } }
                interface "Gi2" { pim { disabled; } }
                interface "Gi3" { mld { limit 5; } }
            }
            """, "ios-xe"), "!").ToList();
        Assert.Contains("ip multicast-routing distributed", mcast);
        Assert.Contains("ipv6 multicast-routing", mcast);
        Assert.Contains("ip pim ssm default", mcast);
        Assert.Equal(2, mcast.Count(l => l == "ip pim sparse-mode"));
        Assert.Contains("no ip pim sparse-mode", mcast);

        var bgpOnly = ConfigLines(OutputOf("""
            device r platform ios-xe { bgp as 64500 { neighbor 192.0.2.1 as 64501 { max-prefix 10; auth md5 secret env("K"); prefix-filter in f; } } }
            prefixes p { 10.0.0.0/8 le 24; }
            filter f { permit prefixes p; }
            """, "ios-xe"), "!");
        Assert.DoesNotContain(bgpOnly, l => l.Contains("multicast", StringComparison.Ordinal) || l.Contains(" pim ", StringComparison.Ordinal) || l.StartsWith("ip pim", StringComparison.Ordinal));
    }

    [Fact]
    public void No_acl_entry_follows_a_catch_all()
    {
        // Finding 7: lines after a permit ip any any can never match.
        string output = OutputOf("""
            filter src { deny sources 10.0.0.0/8 groups 232.0.0.0/8; permit any; }
            device r platform ios-xe { interface "Gi1" { source-filter src; igmp { queries drop; } } }
            """, "ios-xe");
        var lines = output.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i] is " permit ip any any" or " deny ip any any" or " permit any" or " deny any" or " permit ipv6 any any")
                Assert.False(i + 1 < lines.Length && lines[i + 1].StartsWith(' '), $"an entry follows '{lines[i].Trim()}':\n{output}");
        }
    }

    [Fact]
    public void Get_vpn_defines_the_ipsec_profile_its_group_uses()
    {
        var lines = ConfigLines(OutputOf("""
            filter crypto { deny protocol pim; permit groups 239.192.0.0/16; }
            device r platform ios-xe { group-encryption { protect filter crypto; group-id 1001; } }
            """, "ios-xe"), "!").ToList();
        int group = lines.FindIndex(l => l.StartsWith("crypto gdoi group ", StringComparison.Ordinal));
        string profile = lines.Skip(group).First(l => l.StartsWith("profile ", StringComparison.Ordinal))["profile ".Length..];
        int defined = lines.IndexOf($"crypto ipsec profile {profile}");
        Assert.True(defined >= 0 && defined < group, $"the IPsec profile {profile} is not defined before the group:\n{string.Join("\n", lines)}");
        Assert.StartsWith("set transform-set ", lines[defined + 1], StringComparison.Ordinal);
        string transform = lines[defined + 1]["set transform-set ".Length..];
        Assert.Contains(lines, l => l.StartsWith($"crypto ipsec transform-set {transform} ", StringComparison.Ordinal));
    }
}

/// <summary>Issue 13, IPv6 parity on IOS-XE: the IPv6 half of a construct is written as IPv6 commands, not dropped.</summary>
public sealed class IosXeIpv6ParityTests
{
    [Fact]
    public void Ipv6_state_limits_costs_copp_and_get_vpn_scope_are_written()
    {
        var lines = ConfigLines(OutputOf("""
            groups tv6 { ff3e::10:0/112; }
            class sd6 { match groups tv6; cost 4Mbps; }
            filter infra6 { permit protocol pim from 2001:db8:20::/64; deny protocol pim; permit any; }
            filter crypto { deny protocol pim to 224.0.0.13; permit groups 239.192.0.0/16; permit groups ff3e::/16; }
            device r platform ios-xe {
                interface "Gi1" { state-limit out 250Mbps groups tv6 classes sd6; }
                control-plane { filter infra6; }
                group-encryption { protect filter crypto; }
            }
            """, "ios-xe"), "!").ToList();
        Assert.Contains("ipv6 multicast-routing", lines);
        Assert.Contains("ipv6 multicast limit cost PK-SD6-CLASS-V6 4000", lines);
        Assert.Contains("ipv6 multicast limit out PK-TV6-LIMIT-V6 250000", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("ip multicast limit", StringComparison.Ordinal));
        Assert.Contains("class PK-INFRA6-COPP-DENY-V6", lines);
        Assert.Contains("deny pim 2001:db8:20::/64 any", lines);
        Assert.Contains("match address ipv6 PK-CRYPTO-CRYPTO-V6", lines);
    }
}

/// <summary>IPv6 parity on IOS-XE, PIM per interface.</summary>
public sealed class IosXeIpv6PimTests
{
    [Fact]
    public void Bsr_border_and_pim_off_apply_to_ipv6_where_the_router_does_ipv6_multicast()
    {
        var lines = ConfigLines(OutputOf("""
            device r platform ios-xe {
                interface "Gi1" { mld { limit 10; } pim { bsr-border; } }
                interface "Gi2" { pim { disabled; } }
            }
            """, "ios-xe"), "!").ToList();
        Assert.Contains("ipv6 pim bsr border", lines);
        Assert.Contains("no ipv6 pim", lines);
        // A router without IPv6 multicast gets the IPv4 commands only.
        var v4 = ConfigLines(OutputOf("""device r platform ios-xe { interface "Gi1" { pim { bsr-border; } } }""", "ios-xe"), "!");
        Assert.DoesNotContain("ipv6 pim bsr border", v4);
    }
}
