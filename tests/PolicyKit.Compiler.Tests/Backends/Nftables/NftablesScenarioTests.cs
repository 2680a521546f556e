using System.Text.RegularExpressions;
using PolicyKit.Compiler.Emit.Nftables;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Tests.Backends.Nftables;

/// <summary>
/// The nftables backend's output for single constructs, pinned line by line (the acceptance
/// tests prove nft loads it; these say what it must say).
/// </summary>
public sealed class NftablesScenarioTests
{
    private const string Plan = """
        include "std/igmp-control.mpol";
        include "std/multicast-ranges.mpol";
        groups  tv-channels   { 232.1.0.0/16; 232.2.0.0/16; }
        groups  channel-guide { 239.255.255.254; }
        groups  corp-asm      { 239.192.0.0/16; }
        sources core-routers  { 10.20.0.0/29; }
        sources noc-hosts     { 10.250.1.0/24; }
        groups not-iptv {
            std.multicast-v4;
            except std.link-local-v4;
            except channel-guide;
            except tv-channels;
        }
        filter corp-group-range {
            permit groups std.link-local-v4;
            permit groups std.auto-rp;
            permit groups corp-asm;
            permit groups std.ssm-v4;
        }
        filter mrinfo-noc-only { permit from noc-hosts; }
        filter interdomain-boundary {
            deny sources 0.0.0.0/32;
            deny groups std.scoped-v4;
            deny groups std.auto-rp;
            permit any;
        }
        filter region-boundary { deny groups corp-asm; permit any; }
        filter infra-acl {
            permit protocol pim from core-routers;
            permit protocol igmp;
            deny protocol pim, igmp log;
            permit any;
        }

        """;

    private static string Nft(string device) => NftablesPolicies.FileOf(NftablesPolicies.CompileText(Plan + device), DeviceName(device));

    private static string DeviceName(string device) => Regex.Match(device, @"device (\S+)").Groups[1].Value;

    /// <summary>The lines of a set or chain block ("set NAME {" … "}"), trimmed, without the braces.</summary>
    private static List<string> Block(string text, string header)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        int start = lines.IndexOf(header + " {");
        Assert.True(start >= 0, $"no block '{header}' in:\n{text}");
        var body = new List<string>();
        int depth = 1;
        for (int i = start + 1; i < lines.Count; i++)
        {
            if (lines[i].EndsWith('{')) depth++;
            if (lines[i] == "}" && --depth == 0) break;
            body.Add(lines[i]);
        }
        return body;
    }

    /// <summary>The rules of a chain: its lines without comments and without a base chain's hook line.</summary>
    private static List<string> Rules(string text, string chain) =>
        Block(text, "chain " + chain).Where(l => !l.StartsWith('#') && !l.StartsWith("type filter hook", StringComparison.Ordinal)).ToList();

    [Fact]
    public void Group_range_deny_is_one_set_of_the_denied_groups()
    {
        string nft = Nft("device nft-1 platform nftables { group-range deny groups not-iptv; }");
        Assert.Equal(
        [
            "type ipv4_addr",
            "flags interval",
            "elements = {",
            "224.0.1.0-232.0.255.255,",
            "232.3.0.0-239.255.255.253,",
            "239.255.255.255",
            "}",
        ], Block(nft, "set pk_group_range_v4"));
        Assert.DoesNotContain("set pk_group_range_v6", nft);
        Assert.Contains("ip daddr @pk_group_range_v4 drop", Rules(nft, "pk_prerouting"));
        Assert.Contains("ip daddr @pk_group_range_v4 drop", Rules(nft, "pk_postrouting"));
    }

    [Fact]
    public void Group_range_permit_list_denies_the_rest_of_both_families()
    {
        string nft = Nft("device nft-1 platform nftables { group-range filter corp-group-range; }");
        Assert.Equal(
        [
            "type ipv4_addr",
            "flags interval",
            "elements = {",
            "224.0.1.0-224.0.1.38,",
            "224.0.1.41-231.255.255.255,",
            "233.0.0.0-239.191.255.255,",
            "239.193.0.0-239.255.255.255",
            "}",
        ], Block(nft, "set pk_group_range_v4"));
        // No IPv6 group is permitted, so every IPv6 group is denied.
        Assert.Contains("elements = { ff00::/8 }", Block(nft, "set pk_group_range_v6"));
        Assert.Contains("ip6 daddr @pk_group_range_v6 drop", Rules(nft, "pk_prerouting"));
    }

    [Fact]
    public void Igmp_control_list_and_queries_drop_are_rules_of_the_interface()
    {
        string nft = Nft("""device nft-1 platform nftables { interface "sub0" { igmp { version >= 3; queries drop; control std.igmp-control; } } }""");
        Assert.Equal(
        [
            "igmp type 20 drop  # pim-v1",
            "igmp type 19 drop  # dvmrp",
            "igmp type membership-query drop",
            "igmp type membership-report-v3 ip daddr 224.0.0.22 return",
            "igmp type { 31, 30 } return  # mtrace, mtrace-response",
            "igmp type { membership-report-v1, membership-report-v2, leave-group } ip daddr @pk_std_multicast_v4 return",
            "drop",
        ], Rules(nft, "pk_igmp_control_std_igmp_control"));
        Assert.Equal(
        [
            "igmp type { membership-report-v1, membership-report-v2 } drop",
            "igmp type membership-query drop",
            "meta l4proto igmp jump pk_igmp_control_std_igmp_control",
        ], Rules(nft, "pk_in_sub0"));
        Assert.Contains("\"sub0\" : jump pk_in_sub0", string.Join("\n", Block(nft, "map pk_interfaces_in")));
        Assert.Contains("iifname vmap @pk_interfaces_in", Rules(nft, "pk_prerouting"));
    }

    [Fact]
    public void Pim_neighbor_filter_drops_pim_to_all_pim_routers_from_anyone_else()
    {
        string nft = Nft("""
            device nft-1 platform nftables {
                interface "core0" { pim { neighbors core-routers; bsr-border; } }
                interface "sub0" { pim { neighbors none; } }
            }
            """);
        Assert.Equal(
        [
            "meta l4proto pim ip daddr 224.0.0.13 ip saddr != @pk_core_routers_v4 drop",
            "meta l4proto pim ip6 daddr ff02::d drop",
            "meta l4proto pim @th,0,8 0x24 drop",
        ], Rules(nft, "pk_in_core0"));
        Assert.Equal(["meta l4proto pim @th,0,8 0x24 drop"], Rules(nft, "pk_out_core0"));
        Assert.Equal(
        [
            "meta l4proto pim ip daddr 224.0.0.13 drop",
            "meta l4proto pim ip6 daddr ff02::d drop",
        ], Rules(nft, "pk_in_sub0"));
        Assert.Contains("elements = { 10.20.0.0/29 }", Block(nft, "set pk_core_routers_v4"));
    }

    [Fact]
    public void Boundary_drops_its_denied_groups_both_ways_and_ignores_star_g_rules()
    {
        string nft = Nft("""device nft-1 platform nftables { interface "isp0" { boundary filter interdomain-boundary; } }""");
        Assert.Equal(
        [
            "type ipv4_addr",
            "flags interval",
            "elements = {",
            "224.0.1.39-224.0.1.40,",
            "239.0.0.0/8",
            "}",
        ], Block(nft, "set pk_boundary_interdomain_boundary_v4"));
        Assert.Equal(["ip daddr @pk_boundary_interdomain_boundary_v4 drop"], Rules(nft, "pk_in_isp0"));
        Assert.Equal(["ip daddr @pk_boundary_interdomain_boundary_v4 drop"], Rules(nft, "pk_out_isp0"));
        Assert.Contains("oifname vmap @pk_interfaces_out", Rules(nft, "pk_postrouting"));
    }

    [Fact]
    public void Filter_auto_rp_is_unsupported_but_the_boundary_drops_stay()
    {
        const string device = """device nft-1 platform nftables { interface "wan0" { boundary filter region-boundary filter-auto-rp; } }""";
        var strict = NftablesPolicies.CompileText(Plan + device);
        Assert.Contains(strict.Diagnostics, d => d.Code == "MP4001" && d.Message.StartsWith("boundary filter-auto-rp", StringComparison.Ordinal));

        string nft = NftablesPolicies.FileOf(NftablesPolicies.CompileText(Plan + device, allowUnsupported: true), "nft-1");
        Assert.Contains("# UNSUPPORTED on nftables: boundary filter-auto-rp", nft);
        Assert.Equal(["ip daddr @pk_boundary_region_boundary_v4 drop"], Rules(nft, "pk_in_wan0"));
    }

    [Fact]
    public void Source_filter_is_a_chain_whose_implicit_deny_covers_routable_multicast_only()
    {
        string nft = Nft("""
            filter headend { permit sources noc-hosts groups tv-channels; }
            device nft-1 platform nftables { interface "src0" { source-filter headend; } }
            """);
        Assert.Equal(
        [
            "ip saddr @pk_noc_hosts_v4 ip daddr @pk_tv_channels_v4 return",
            "ip daddr @pk_routable_multicast_v4 drop",
            "ip6 daddr @pk_routable_multicast_v6 drop",
        ], Rules(nft, "pk_source_filter_headend"));
        Assert.Equal(["jump pk_source_filter_headend"], Rules(nft, "pk_in_src0"));
        Assert.Contains("elements = { 224.0.1.0-239.255.255.255 }", Block(nft, "set pk_routable_multicast_v4"));
    }

    [Fact]
    public void Control_plane_polices_then_filters_igmp_in_prerouting_and_the_rest_in_input()
    {
        string nft = Nft("""
            device nft-1 platform nftables {
                control-plane { filter infra-acl; rate-limit pim 1000 pps; rate-limit igmp 500 pps; rate-limit msdp 100 pps; }
            }
            """);
        Assert.Equal(
        [
            "meta l4proto pim ip saddr @pk_core_routers_v4 return",
            "meta l4proto igmp return",
            "meta l4proto pim log prefix \"pk infra-acl #3: \" drop",
            "meta l4proto igmp log prefix \"pk infra-acl #3: \" drop",
            "return",
        ], Rules(nft, "pk_control_plane_infra_acl"));
        Assert.Equal(
        [
            "iif != \"lo\" meta l4proto pim limit rate over 1000/second drop",
            "iif != \"lo\" tcp dport 639 limit rate over 100/second drop",
            "iif != \"lo\" meta l4proto != igmp jump pk_control_plane_infra_acl",
        ], Rules(nft, "pk_input"));
        Assert.Equal(
        [
            "meta l4proto igmp limit rate over 500/second drop",
            "meta l4proto igmp jump pk_control_plane_infra_acl",
        ], Rules(nft, "pk_prerouting"));
    }

    [Fact]
    public void Sap_listen_off_and_mrinfo_filters_guard_the_box_itself()
    {
        string allowList = Nft("device nft-1 platform nftables { sap-listen off; mrinfo filter mrinfo-noc-only; }");
        Assert.Equal(
        [
            "udp dport 9875 drop",
            "igmp type 19 igmp mrt { 3, 5 } ip saddr != 10.250.1.0/24 drop",
        ], Rules(allowList, "pk_input"));
        string none = Nft("device nft-1 platform nftables { mrinfo deny any; }");
        Assert.Equal(["igmp type 19 igmp mrt { 3, 5 } drop"], Rules(none, "pk_input"));
    }

    [Fact]
    public void Mld_control_maps_igmp_types_to_their_mld_counterparts()
    {
        string nft = Nft("""
            filter mld-ctl {
                deny igmp-type query;
                permit igmp-type report-v3, leave to std.link-local-v6;
                deny igmp-type dvmrp;
                deny any;
            }
            device nft-1 platform nftables { interface "sub0" { mld { version >= 2; queries drop; control mld-ctl; } } }
            """);
        Assert.Equal(
        [
            "icmpv6 type mld-listener-query drop",
            "icmpv6 type { mld2-listener-report, mld-listener-done } ip6 daddr @pk_std_link_local_v6 return",
            "drop",
        ], Rules(nft, "pk_mld_control_mld_ctl"));
        Assert.Equal(
        [
            "icmpv6 type mld-listener-report drop",
            "icmpv6 type mld-listener-query drop",
            "icmpv6 type { mld-listener-query, mld-listener-report, mld-listener-done, mld2-listener-report } jump pk_mld_control_mld_ctl",
        ], Rules(nft, "pk_in_sub0"));
    }

    [Fact]
    public void The_file_replaces_the_table_atomically_and_avoids_nft_keywords()
    {
        string nft = NftablesPolicies.FileOf(NftablesPolicies.Compile(NftablesPolicies.PathOf("nft-edge.mpol")), "nft-1");
        var lines = nft.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal(["table inet policykit", "delete table inet policykit", "table inet policykit {"], lines.Take(3));
        Assert.DoesNotContain(lines, l => Regex.IsMatch(l.Split('#')[0], @"\bqueue\b"));
        Assert.DoesNotContain(NftRulesetText.ChainsInFile(nft).Concat(NftRulesetText.SetsInFile(nft).Keys), n => !n.StartsWith("pk_", StringComparison.Ordinal));
        Assert.Contains("type filter hook prerouting priority -250; policy accept;", Block(nft, "chain pk_prerouting"));
        Assert.Contains("type filter hook input priority filter; policy accept;", Block(nft, "chain pk_input"));
        Assert.Contains("type filter hook postrouting priority filter; policy accept;", Block(nft, "chain pk_postrouting"));
    }

    [Fact]
    public void On_a_linux_device_the_file_carries_only_the_data_plane()
    {
        var result = NftablesPolicies.Compile(NftablesPolicies.PathOf("linux-edge.mpol"));
        string nft = NftablesPolicies.FileOf(result, "edge-1");
        // Limits, IGMP access lists and BGP are the agent's and FRR's: not written, not marked here.
        Assert.DoesNotContain("UNSUPPORTED", nft);
        Assert.DoesNotContain("64496", nft);
        Assert.DoesNotContain("mroute", nft);
        Assert.Contains("meta l4proto pim ip daddr 224.0.0.13 ip saddr != @pk_core_routers_v4 drop", Rules(nft, "pk_in_eth0"));
        Assert.Contains("igmp type 19 igmp mrt { 3, 5 } drop", Rules(nft, "pk_input"));
        Assert.Contains("jump pk_source_filter_headend_only", Rules(nft, "pk_in_eth2"));
    }

    [Fact]
    public void A_linux_device_marks_group_encryption_in_this_file()
    {
        string nft = NftablesPolicies.FileOf(NftablesPolicies.CompileText(Plan + """
            filter crypto { permit groups corp-asm; }
            device edge-9 platform linux { group-encryption { protect filter crypto; group-id 7; } }
            """, allowUnsupported: true), "edge-9");
        Assert.Contains("# UNSUPPORTED on nftables: group-encryption", nft);
    }

    [Fact]
    public void Igmp_access_lists_are_unsupported_on_a_pure_nftables_device()
    {
        var result = NftablesPolicies.CompileText(Plan + """
            filter joins { permit groups channel-guide; }
            device nft-1 platform nftables { interface "sub0" { igmp { access joins; limit 2; } } }
            """);
        Assert.Contains(result.Diagnostics, d => d.Code == "MP4001" && d.Message.StartsWith("igmp access filter", StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.Code == "MP4001" && d.Message.StartsWith("igmp interface limit", StringComparison.Ordinal));
    }

    [Fact]
    public void Output_is_deterministic()
    {
        string first = NftablesPolicies.FileOf(NftablesPolicies.Compile(NftablesPolicies.PathOf("nft-edge.mpol")), "nft-1");
        string second = NftablesPolicies.FileOf(NftablesPolicies.Compile(NftablesPolicies.PathOf("nft-edge.mpol")), "nft-1");
        Assert.Equal(first, second);
        Assert.DoesNotContain("\r", first);
    }

    // ── the interval algebra behind the sets ──

    [Fact]
    public void Intervals_merge_adjacent_prefixes_and_print_prefixes_ranges_and_hosts()
    {
        var set = AddressIntervals.FromPrefixes(IpFamily.V4, [IpPrefix.Parse("10.0.0.0/25"), IpPrefix.Parse("10.0.0.128/25"), IpPrefix.Parse("10.0.2.0/24"), IpPrefix.Parse("10.0.3.0/24"), IpPrefix.Parse("192.0.2.9")]);
        Assert.Equal(["10.0.0.0/24", "10.0.2.0/23", "192.0.2.9"], set.Elements());
        var ranged = AddressIntervals.FromPrefixes(IpFamily.V4, [IpPrefix.Parse("10.0.1.0/24"), IpPrefix.Parse("10.0.2.0/24")]);
        Assert.Equal(["10.0.1.0-10.0.2.255"], ranged.Elements());
    }

    [Fact]
    public void Intervals_subtract_and_intersect_exactly()
    {
        var all = AddressIntervals.FromPrefixes(IpFamily.V4, [IpPrefix.MulticastV4]);
        var hole = AddressIntervals.FromPrefixes(IpFamily.V4, [IpPrefix.Parse("224.0.0.0/24"), IpPrefix.Parse("239.255.255.254")]);
        Assert.Equal(["224.0.1.0-239.255.255.253", "239.255.255.255"], all.Subtract(hole).Elements());
        Assert.Equal(["224.0.0.0/24", "239.255.255.254"], all.Intersect(hole).Elements());
        Assert.True(all.Subtract(all).IsEmpty);
        Assert.Equal(["::/0"], AddressIntervals.Universe(IpFamily.V6).Elements());
        Assert.True(AddressIntervals.Universe(IpFamily.V6).IsUniverse);
    }

    [Fact]
    public void Routable_multicast_leaves_out_every_link_local_scope()
    {
        var v6 = NftablesEmitter.RoutableMulticast(IpFamily.V6);
        Assert.Equal(16, v6.Ranges.Count);
        Assert.Equal("ff03::-ff0f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", v6.Elements()[0]);
        Assert.Equal(["224.0.1.0-239.255.255.255"], NftablesEmitter.RoutableMulticast(IpFamily.V4).Elements());
    }
}
