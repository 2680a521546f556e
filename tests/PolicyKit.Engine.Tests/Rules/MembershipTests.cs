using PolicyKit.Tables.Model;
using static PolicyKit.Engine.Tests.EnginePolicy;

namespace PolicyKit.Engine.Tests.Rules;

/// <summary>IGMP/MLD joins: access filters (ASM, SSM, from), group range, minimum version, limits, leaves and timeouts.</summary>
public sealed class MembershipTests
{
    private const string AccessPolicy = """
        groups guide   { 239.255.255.254; }
        groups tv      { 232.10.0.0/16; }
        groups blocked { 226.1.0.0/16; }
        sources headend { 198.51.100.0/26; }
        filter joins {
            deny groups blocked;
            permit groups guide;
            permit sources headend groups tv;
            deny from 10.4.4.4 groups 239.1.0.0/16;
            permit groups 239.1.0.0/16;
        }
        device r1 platform ios-xe {
            interface "eth1" { igmp { access joins; } }
        }
        """;

    [Fact]
    public void Asm_join_is_decided_on_the_group()
    {
        var engine = NewEngine(AccessPolicy);
        var d = engine.JoinAsm("eth1", "239.255.255.254");
        Assert.Equal(Verdict.Admit, d.Verdict);
        Assert.Equal(LocationOf(AccessPolicy, "permit groups guide"), d.LocationText);

        d = engine.JoinAsm("eth1", "226.1.2.3");
        Assert.Equal((Verdict.Deny, DenyReason.AccessFilter), (d.Verdict, d.Reason));
        Assert.Equal(LocationOf(AccessPolicy, "deny groups blocked"), d.LocationText);
        Assert.Contains("deny groups 226.1.0.0/16", d.RuleText);
    }

    [Fact]
    public void Asm_join_is_matched_with_source_0_0_0_0_so_a_source_rule_does_not_admit_it()
    {
        // 232.10/16 is in the SSM range, so use a policy whose SSM range is elsewhere.
        string policy = AccessPolicy.Replace("platform ios-xe {", "platform ios-xe {\n    ssm-range 232.255.0.0/16;");
        var engine = NewEngine(policy);
        var d = engine.JoinAsm("eth1", "232.10.1.1");
        Assert.Equal((Verdict.Deny, DenyReason.AccessFilter, RuleKind.FilterDefault), (d.Verdict, d.Reason, d.Rule.Kind));
        Assert.Contains("implicit deny", d.RuleText);
    }

    [Fact]
    public void Ssm_join_is_decided_on_source_and_group()
    {
        var engine = NewEngine(AccessPolicy);
        Assert.True(engine.JoinSsm("eth1", "198.51.100.7", "232.10.1.1").IsAdmit);
        var d = engine.JoinSsm("eth1", "198.51.100.200", "232.10.1.1");
        Assert.Equal(DenyReason.AccessFilter, d.Reason);
        Assert.Equal(RuleKind.FilterDefault, d.Rule.Kind);
    }

    [Fact]
    public void From_matches_the_reporting_host_not_the_channel_source()
    {
        var engine = NewEngine(AccessPolicy);
        var d = engine.JoinAsm("eth1", "239.1.2.3", host: "10.4.4.4");
        Assert.Equal(DenyReason.AccessFilter, d.Reason);
        Assert.Equal(LocationOf(AccessPolicy, "deny from 10.4.4.4"), d.LocationText);
        Assert.True(engine.JoinAsm("eth1", "239.1.2.3", host: "10.4.4.5").IsAdmit);
        // Without a known host a from-rule does not match: the next rule decides.
        d = engine.JoinAsm("eth1", "239.1.2.4");
        Assert.True(d.IsAdmit);
        Assert.Equal(LocationOf(AccessPolicy, "permit groups 239.1.0.0/16"), d.LocationText);
        // An SSM join from that host for a channel it may join is not affected by the host rule's source axis.
        Assert.True(engine.JoinSsm("eth1", "198.51.100.1", "232.10.0.9", host: "10.4.4.4").IsAdmit);
    }

    [Fact]
    public void Group_range_denies_on_every_interface_before_the_access_filter()
    {
        string policy = """
            groups scoped { 239.0.0.0/8; }
            device r1 platform ios-xe {
                group-range deny groups scoped;
                interface "eth1" { igmp { permit any; } }
            }
            """;
        var engine = NewEngine(policy);
        var d = engine.JoinAsm("eth1", "239.1.1.1");
        Assert.Equal(DenyReason.GroupRange, d.Reason);
        Assert.Equal(LocationOf(policy, "group-range deny"), d.LocationText);
        Assert.Equal(DenyReason.GroupRange, engine.JoinAsm("eth9", "239.1.1.1").Reason);
        Assert.True(engine.JoinAsm("eth1", "238.1.1.1").IsAdmit);
    }

    [Fact]
    public void Asm_join_in_the_ssm_range_is_refused()
    {
        var engine = NewEngine("""device r1 platform ios-xe { interface "eth1" { igmp { permit any; } } }""");
        var d = engine.JoinAsm("eth1", "232.1.1.1", version: 2);
        Assert.Equal((Verdict.Deny, DenyReason.SsmRangeNeedsSource, RuleKind.SsmRange), (d.Verdict, d.Reason, d.Rule.Kind));
        Assert.True(engine.JoinSsm("eth1", "10.0.0.1", "232.1.1.1").IsAdmit);
    }

    [Fact]
    public void Minimum_version_refuses_older_reports()
    {
        string policy = """device r1 platform ios-xe { interface "eth1" { igmp { version >= 3; permit any; } } }""";
        var engine = NewEngine(policy);
        var d = engine.JoinAsm("eth1", "239.1.1.1", version: 2);
        Assert.Equal((Verdict.Deny, DenyReason.MinimumVersion), (d.Verdict, d.Reason));
        Assert.Equal(ColumnOf(policy, "igmp {"), d.LocationText);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1", version: 3).IsAdmit);
    }

    [Fact]
    public void Mld_rules_apply_to_ipv6_groups_and_igmp_rules_to_ipv4()
    {
        string policy = """
            device r1 platform ios-xe {
                interface "eth1" {
                    igmp { limit 1; permit any; }
                    mld  { version >= 2; limit 2; permit groups ff3e::/16; }
                }
            }
            """;
        var engine = NewEngine(policy);
        var id = engine.Interface("eth1");
        Assert.True(engine.Join(new JoinEvent(id, A("ff3e::1"), A("2001:db8::1"), Address.None, 2), 0).IsAdmit);
        Assert.True(engine.Join(new JoinEvent(id, A("ff3e::2"), A("2001:db8::1"), Address.None, 2), 0).IsAdmit);
        Assert.Equal(DenyReason.InterfaceLimit, engine.Join(new JoinEvent(id, A("ff3e::3"), A("2001:db8::1"), Address.None, 2), 0).Reason);
        Assert.Equal(DenyReason.MinimumVersion, engine.Join(new JoinEvent(id, A("ff3e::4"), A("2001:db8::1"), Address.None, 1), 0).Reason);
        Assert.Equal(DenyReason.AccessFilter, engine.Join(new JoinEvent(id, A("ff05::4"), Address.None, Address.None, 2), 0).Reason);
        // IPv4 has its own count.
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1").IsAdmit);
        Assert.Equal(DenyReason.InterfaceLimit, engine.JoinAsm("eth1", "239.1.1.2").Reason);
        Assert.Equal(2, engine.MembershipCount(id, AddressFamily.V6));
        Assert.Equal(1, engine.MembershipCount(id, AddressFamily.V4));
    }

    [Fact]
    public void Limits_count_entries_refreshes_are_never_denied_and_leaves_free_the_slot()
    {
        string policy = """device r1 platform ios-xe { interface "eth1" { igmp { limit 2; } } }""";
        var engine = NewEngine(policy);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1").IsAdmit);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.2").IsAdmit);
        var d = engine.JoinAsm("eth1", "239.1.1.3");
        Assert.Equal((DenyReason.InterfaceLimit, 2L, 2L), (d.Reason, d.Used, d.Max));
        Assert.Equal(ColumnOf(policy, "limit 2"), d.LocationText);

        // A second report for an entry that exists (another host, the next query) is a refresh.
        d = engine.JoinAsm("eth1", "239.1.1.1", host: "10.0.0.2");
        Assert.True(d.IsAdmit);
        Assert.True(d.Has(DecisionFlags.Refresh));

        // An SSM channel of a group is its own entry.
        Assert.Equal(DenyReason.InterfaceLimit, engine.JoinSsm("eth1", "10.0.0.1", "239.1.1.1").Reason);

        Assert.True(engine.Leave("eth1", "239.1.1.2").Has(DecisionFlags.Removed));
        Assert.True(engine.Leave("eth1", "239.1.1.2").Has(DecisionFlags.NotFound));
        Assert.True(engine.JoinAsm("eth1", "239.1.1.3").IsAdmit);
    }

    [Fact]
    public void Membership_timeout_frees_the_slot_and_a_refresh_extends_it()
    {
        var engine = NewEngine("""device r1 platform ios-xe { interface "eth1" { igmp { limit 1; } } }""",
            options: new EngineOptions { MembershipTimeout = TimeSpan.FromSeconds(260) });
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1", now: S(0)).IsAdmit);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1", now: S(200)).Has(DecisionFlags.Refresh));
        Assert.Equal(DenyReason.InterfaceLimit, engine.JoinAsm("eth1", "239.1.1.2", now: S(459)).Reason);
        // Expired at 200 + 260 = 460 s.
        Assert.True(engine.JoinAsm("eth1", "239.1.1.2", now: S(460)).IsAdmit);
        Assert.Equal(1, engine.MembershipEntries);
    }

    [Fact]
    public void Unnamed_interfaces_get_the_default_limit_and_the_router_cap_but_no_other_interface_rule()
    {
        var engine = NewEngine("""
            device r1 platform ios-xe {
                igmp limit 2;
                igmp default-limit 1;
                interface "eth1" { igmp { permit groups 239.1.0.0/16; } }
            }
            """);
        var d = engine.JoinAsm("eth7", "239.9.9.9");
        Assert.True(d.IsAdmit);
        Assert.Equal(RuleKind.DefaultLimit, d.Limit.Kind);
        // eth7 is full by the default (1), eth8 has its own default count; then the cap (2) is full.
        Assert.Equal(DenyReason.InterfaceLimit, engine.JoinAsm("eth7", "239.9.9.8").Reason);
        Assert.True(engine.JoinAsm("eth8", "239.9.9.8").IsAdmit);
        Assert.Equal(DenyReason.RouterLimit, engine.JoinAsm("eth1", "239.1.9.8").Reason);
    }

    [Fact]
    public void Invalid_events_are_refused()
    {
        var engine = NewEngine("""device r1 platform ios-xe { }""");
        var d = engine.Join(new JoinEvent(engine.Interface("eth1"), A("239.1.1.1"), A("2001:db8::1"), Address.None, 3), 0);
        Assert.Equal(DenyReason.InvalidEvent, d.Reason);
    }
}
