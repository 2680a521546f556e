using System.Text.Json;
using PolicyKit.Mpolc;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>
/// <c>mpolc diff --semantic OLD NEW</c> through the real CLI: what changed in meaning per device
/// and interface — ranges newly admitted or denied, limits and budgets raised or lowered,
/// protections of peers gained or lost, prefixes gained or lost, keys changed (never shown) —
/// and nothing for a rewrite that means the same. Exit 0 no change, 4 changes, 1 errors, 2 usage.
/// </summary>
public sealed class SemanticDiffTests : IDisposable
{
    private const string Today = "2026-11-23";

    // An edge router with joins, limits and a budget, and a border router with BGP and MSDP
    // peers; each test changes one thing.
    private const string Policy = """
        groups tv { 232.10.0.0/16; }
        groups guide { 239.255.255.254; }
        groups hd { 232.10.128.0/17; }
        sources headends { 198.18.0.0/24; }
        prefixes customer { 198.51.100.0/24; 203.0.113.0/24; }
        filter joins { permit groups guide; permit sources headends groups tv; }
        filter customer-in { permit prefixes customer; }
        filter sa-in { deny groups 239.0.0.0/8; permit groups 232.0.0.0/8; }
        class hd-stream { match groups hd; cost 8Mbps; }

        device edge-1 platform ios-xe {
            mroute-limit 4000 warn 3200;
            interface "GigabitEthernet0/0/1" {
                igmp { access joins; limit 125 except guide; }
                state-limit out 100Mbps groups tv classes hd-stream;
            }
        }

        device border-1 platform ios-xe {
            rpki { cache 192.0.2.50 port 3323; }
            msdp {
                peer 192.0.2.9 as 64509 {
                    sa-filter in sa-in;
                    sa-limit 500;
                    auth md5 secret "MsdpOldSecret1";
                }
            }
            bgp as 64500 {
                neighbor 192.0.2.1 as 64501 {
                    prefix-filter in customer-in;
                    max-prefix 100;
                    auth tcp-ao keychain peer-1;
                    ttl-security hops 1;
                    rpki invalid reject;
                    as-path reject private-asns;
                }
            }
            keychain peer-1 {
                key 1 secret "KeyOneOldValue1" valid 2026-09-01..2026-12-28;
                key 2 secret env("PEER1_KEY2") valid 2026-11-20..2027-02-15;
            }
        }

        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private MpolcRun Diff(string oldText, string newText, params string[] options)
    {
        string oldPath = _dir.Write("old.mpol", oldText);
        string newPath = _dir.Write("new.mpol", newText);
        return MpolcRunner.Run(["diff", "--semantic", oldPath, newPath, "--today", Today, .. options]);
    }

    private static string Edit(string text, string from, string to)
    {
        Assert.Contains(from, text, StringComparison.Ordinal);
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    private static string[] Lines(MpolcRun run) => run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void The_same_policy_has_no_change_exit_0()
    {
        var run = Diff(Policy, Policy);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains("no change in meaning", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Group_ranges_newly_admitted_and_denied_are_ranges_under_their_interface()
    {
        // tv grows by 232.11.0.0/16; the guide group is no longer permitted.
        string changed = Edit(Edit(Policy, "groups tv { 232.10.0.0/16; }", "groups tv { 232.10.0.0/16; 232.11.0.0/16; }"),
            "filter joins { permit groups guide; ", "filter joins { ");
        var run = Diff(Policy, changed);
        Assert.True(run.ExitCode == 4, run.ToString());
        var lines = Lines(run);
        Assert.Equal("device edge-1", lines[0]);
        Assert.Contains("  interface GigabitEthernet0/0/1: IGMP joins newly admitted: sources 198.18.0.0/24; groups 232.11.0.0/16", lines);
        Assert.Contains("  interface GigabitEthernet0/0/1: IGMP joins newly denied: sources any; groups 239.255.255.254", lines);
        Assert.DoesNotContain("border-1", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_and_budgets_raised_or_lowered()
    {
        string changed = Edit(Edit(Edit(Edit(Policy, "limit 125 except guide", "limit 100 except guide"),
            "state-limit out 100Mbps", "state-limit out 250Mbps"), "mroute-limit 4000", "mroute-limit 3500"), "sa-limit 500;", "sa-limit 800;");
        var run = Diff(Policy, changed);
        Assert.True(run.ExitCode == 4, run.ToString());
        var lines = Lines(run);
        Assert.Contains("  router: mroute-limit lowered: 4000 -> 3500", lines);
        Assert.Contains("  interface GigabitEthernet0/0/1: IGMP limit lowered: 125 -> 100", lines);
        Assert.Contains("  interface GigabitEthernet0/0/1: out bandwidth budget (groups 232.10.0.0/16) raised: 100Mbps -> 250Mbps", lines);
        Assert.Contains("  msdp peer 192.0.2.9: sa-limit raised: 500 -> 800", lines);
        Assert.Equal(4 + 2, lines.Length);
    }

    [Fact]
    public void Peers_gaining_and_losing_protection()
    {
        string changed = Edit(Edit(Edit(Edit(Policy, "            max-prefix 100;\n", ""),
            "ttl-security hops 1;", "ttl-security hops 1;\n            as-path max-length 50;\n            blackhole reject;"),
            "rpki invalid reject;", "rpki invalid accept;"), "            auth md5 secret \"MsdpOldSecret1\";\n", "");
        var run = Diff(Policy, changed);
        Assert.True(run.ExitCode == 4, run.ToString());
        var lines = Lines(run);
        Assert.Contains("  bgp neighbor 192.0.2.1: max-prefix lost (was 100)", lines);
        Assert.Contains("  bgp neighbor 192.0.2.1: AS-path max-length gained: 50", lines);
        Assert.Contains("  bgp neighbor 192.0.2.1: BLACKHOLE reject gained", lines);
        Assert.Contains("  bgp neighbor 192.0.2.1: origin validation, invalid routes changed: reject -> accept", lines);
        Assert.Contains("  msdp peer 192.0.2.9: authentication lost (was md5)", lines);
        Assert.Equal(1 + 5, lines.Length);
    }

    [Fact]
    public void A_filter_removed_from_a_neighbor_is_protection_lost_and_every_prefix_admitted()
    {
        string changed = Edit(Policy, "            prefix-filter in customer-in;\n", "");
        var run = Diff(Policy, changed);
        Assert.True(run.ExitCode == 4, run.ToString());
        var lines = Lines(run);
        Assert.Contains("  bgp neighbor 192.0.2.1: inbound prefix filter lost", lines);
        Assert.Contains(lines, l => l.StartsWith("  bgp neighbor 192.0.2.1: prefixes accepted newly admitted: prefixes ", StringComparison.Ordinal));
    }

    [Fact]
    public void Ebgp_default_reject_denies_what_an_unfiltered_direction_sent()
    {
        string changed = Edit(Policy, "bgp as 64500 {", "bgp as 64500 {\n        ebgp-default reject;");
        var run = Diff(Policy, changed);
        Assert.True(run.ExitCode == 4, run.ToString());
        var lines = Lines(run);
        Assert.Contains("  router: ebgp-default reject (RFC 8212) gained", lines);
        // The neighbor has no outbound filter: under reject it is sent nothing.
        Assert.Contains("  bgp neighbor 192.0.2.1: prefixes sent newly denied: prefixes 0.0.0.0/0 le 32", lines);
    }

    [Fact]
    public void Prefixes_gained_and_lost_from_a_named_set_and_from_inline_prefixes()
    {
        string named = Edit(Policy, "prefixes customer { 198.51.100.0/24; 203.0.113.0/24; }", "prefixes customer { 198.51.100.0/24; 192.0.2.128/25 le 26; }");
        var run = Diff(Policy, named);
        Assert.True(run.ExitCode == 4, run.ToString());
        var lines = Lines(run);
        Assert.Contains("  bgp neighbor 192.0.2.1: prefixes accepted newly admitted: prefixes 192.0.2.128/25 le 26", lines);
        Assert.Contains("  bgp neighbor 192.0.2.1: prefixes accepted newly denied: prefixes 203.0.113.0/24", lines);

        // The same prefixes written inline in the filter mean the same; one more inline prefix is a gain.
        string inline = Edit(Policy, "filter customer-in { permit prefixes customer; }", "filter customer-in { permit prefixes 198.51.100.0/24, 203.0.113.0/24; }");
        var same = Diff(Policy, inline);
        Assert.True(same.ExitCode == 0, same.ToString());
        var more = Diff(inline, Edit(inline, ", 203.0.113.0/24;", ", 203.0.113.0/24, 100.64.0.0/24;"));
        Assert.True(more.ExitCode == 4, more.ToString());
        Assert.Equal(["device border-1", "  bgp neighbor 192.0.2.1: prefixes accepted newly admitted: prefixes 100.64.0.0/24"], Lines(more));
    }

    [Fact]
    public void Sas_newly_accepted_from_an_msdp_peer()
    {
        string changed = Edit(Policy, "permit groups 232.0.0.0/8; }", "permit groups 232.0.0.0/8, 233.252.0.0/14; }");
        var run = Diff(Policy, changed);
        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("  msdp peer 192.0.2.9: SAs accepted newly admitted: sources any; groups 233.252.0.0/14", Lines(run));
    }

    [Fact]
    public void Keys_rolled_say_key_changed_and_never_show_a_secret_or_its_reference()
    {
        string changed = Edit(Edit(Edit(Policy, "\"KeyOneOldValue1\"", "\"KeyOneNewValue2\""),
            "auth md5 secret \"MsdpOldSecret1\"", "auth md5 secret env(\"MSDP_NEW_SECRET\")"),
            "key 2 secret env(\"PEER1_KEY2\") valid 2026-11-20..2027-02-15;",
            "key 2 secret env(\"PEER1_KEY2_ROLLED\") valid 2026-11-20..2027-02-15;\n        key 3 secret env(\"PEER1_KEY3\") valid 2027-02-01..2027-05-15;");
        foreach (string format in new[] { "text", "json" })
        {
            var run = Diff(Policy, changed, "--format", format);
            Assert.True(run.ExitCode == 4, run.ToString());
            foreach (string secret in new[] { "KeyOne", "MsdpOldSecret1", "MSDP_NEW_SECRET", "PEER1_KEY" })
            {
                Assert.DoesNotContain(secret, run.Stdout, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, run.Stderr, StringComparison.Ordinal);
            }
            if (format == "text")
            {
                var lines = Lines(run);
                Assert.Contains("  bgp neighbor 192.0.2.1: key 1 changed", lines);
                Assert.Contains("  bgp neighbor 192.0.2.1: key 2 changed", lines);
                Assert.Contains("  bgp neighbor 192.0.2.1: key 3 added: valid 2027-02-01 to 2027-05-15", lines);
                Assert.Contains("  msdp peer 192.0.2.9: key changed", lines);
            }
        }
    }

    [Fact]
    public void Equal_meaning_rewrites_show_no_change()
    {
        // Disjoint rules reordered, sets and filters renamed, the text reformatted.
        string rewritten = Edit(Edit(Edit(Edit(Edit(Policy,
            "filter joins { permit groups guide; permit sources headends groups tv; }",
            "filter joins {\n    permit sources head-ends groups tv;\n\n    permit groups guide;\n}"),
            "sources headends { 198.18.0.0/24; }", "sources head-ends {\n    198.18.0.0/24;\n}"),
            "prefixes customer {", "prefixes customers {"), "permit prefixes customer;", "permit prefixes customers;"),
            "customer-in", "from-customer");
        var run = Diff(Policy, rewritten);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Devices_interfaces_and_peers_added_and_removed()
    {
        string changed = Edit(Edit(Policy, "device edge-1 platform ios-xe {", "device edge-2 platform ios-xe {"),
            "neighbor 192.0.2.1 as 64501", "neighbor 192.0.2.2 as 64501");
        var run = Diff(Policy, changed);
        Assert.True(run.ExitCode == 4, run.ToString());
        var lines = Lines(run);
        Assert.Contains("  device: device added", lines);
        Assert.Contains("  device: device removed", lines);
        Assert.Contains("  bgp neighbor 192.0.2.1: neighbor removed", lines);
        Assert.Contains("  bgp neighbor 192.0.2.2: neighbor added", lines);
    }

    [Fact]
    public void Json_lists_each_change_with_its_ranges_as_prefixes()
    {
        string changed = Edit(Edit(Policy, "groups tv { 232.10.0.0/16; }", "groups tv { 232.10.0.0/16; 232.11.0.0/16; }"), "max-prefix 100;", "max-prefix 50;");
        var run = Diff(Policy, changed, "--format", "json");
        Assert.True(run.ExitCode == 4, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        // The joins, max-prefix, and the budget counting tv's groups.
        Assert.Equal(3, root.GetProperty("count").GetInt32());
        var changes = root.GetProperty("changes").EnumerateArray().ToList();
        var joins = changes.Single(c => c.GetProperty("subject").GetString() == "IGMP joins");
        Assert.Equal("edge-1", joins.GetProperty("device").GetString());
        Assert.Equal("interface GigabitEthernet0/0/1", joins.GetProperty("scope").GetString());
        Assert.Equal("admitted", joins.GetProperty("change").GetString());
        Assert.Equal(["232.11.0.0/16"], joins.GetProperty("ranges").GetProperty("groups").EnumerateArray().Select(v => v.GetString()!));
        Assert.Equal(["198.18.0.0/24"], joins.GetProperty("ranges").GetProperty("sources").EnumerateArray().Select(v => v.GetString()!));
        var budget = changes.Single(c => c.GetProperty("subject").GetString()!.EndsWith(": what it counts", StringComparison.Ordinal));
        Assert.Equal(("groups 232.10.0.0/16", "groups 232.10.0.0/15"), (budget.GetProperty("old").GetString(), budget.GetProperty("new").GetString()));
        var max = changes.Single(c => c.GetProperty("subject").GetString() == "max-prefix");
        Assert.Equal(("lowered", "100", "50"), (max.GetProperty("change").GetString(), max.GetProperty("old").GetString(), max.GetProperty("new").GetString()));
    }

    /// <summary>docs/questions.md's example is what mpolc prints for the edit it describes.</summary>
    [Fact]
    public void The_documented_example_is_the_output()
    {
        string example = File.ReadAllText(Path.Combine(RepoPaths.Examples, "broadband-edge.mpol"));
        string changed = Edit(Edit(example, "groups cp3-mpeg4-hd { 232.3.192.0/18; }", "groups cp3-mpeg4-hd { 232.3.192.0/18; 232.4.0.0/18; }"),
            "igmp { limit 125 except channel-guide; }", "igmp { limit 150 except channel-guide; }");
        string oldPath = Path.Combine(RepoPaths.Examples, "broadband-edge.mpol");
        string newPath = _dir.Write("broadband-edge.mpol", changed);
        var run = MpolcRunner.Run("diff", "--semantic", oldPath, newPath);
        Assert.True(run.ExitCode == 4, run.ToString());

        string docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "questions.md"));
        const string Command = "$ mpolc diff --semantic broadband-edge.mpol new/broadband-edge.mpol\n";
        int start = docs.IndexOf(Command, StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/questions.md has no semantic diff example");
        start += Command.Length;
        int end = docs.IndexOf("mpolc: ", start, StringComparison.Ordinal);
        Assert.Equal(docs[start..end], run.Stdout);
        Assert.Equal(docs[end..docs.IndexOf('\n', end)], run.Stderr.TrimEnd('\n'));
    }

    [Fact]
    public void A_policy_with_errors_is_exit_1_and_usage_errors_exit_2()
    {
        var broken = Diff(Policy, Policy + "filter broken { permit groups nowhere; }\n");
        Assert.True(broken.ExitCode == ExitCodes.PolicyErrors, broken.ToString());
        Assert.Contains("new.mpol' has errors", broken.Stderr, StringComparison.Ordinal);
        Assert.Equal("", broken.Stdout);

        var withTarget = Diff(Policy, Policy, "--target", "frr");
        Assert.True(withTarget.ExitCode == ExitCodes.UsageOrIoError, withTarget.ToString());
        Assert.Contains("leave out --target", withTarget.Stderr, StringComparison.Ordinal);

        var formatWithoutSemantic = MpolcRunner.Run("diff", _dir.Write("a.mpol", Policy), _dir.Write("b.mpol", Policy), "-t", "frr", "--format", "json");
        Assert.True(formatWithoutSemantic.ExitCode == ExitCodes.UsageOrIoError, formatWithoutSemantic.ToString());

        var neither = MpolcRunner.Run("diff", _dir.Write("c.mpol", Policy), _dir.Write("d.mpol", Policy));
        Assert.True(neither.ExitCode == ExitCodes.UsageOrIoError, neither.ToString());
        Assert.Contains("diff needs --target (or --semantic)", neither.Stderr, StringComparison.Ordinal);
    }
}
