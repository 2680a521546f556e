using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Model;
using static PolicyKit.Engine.Tests.EnginePolicy;

namespace PolicyKit.Engine.Tests.Rules;

/// <summary>Table swaps: state is kept and re-bound by name; lowered limits keep existing entries; no decision sees a mixed table.</summary>
public sealed class SwapTests
{
    private static string Limit(int n) => $$"""device r1 platform ios-xe { interface "eth1" { igmp { limit {{n}}; } } }""";

    [Fact]
    public void A_limit_lowered_below_use_keeps_existing_entries_and_refuses_new_ones_until_use_falls_below()
    {
        var engine = NewEngine(Limit(4));
        for (int i = 0; i < 4; i++) Assert.True(engine.JoinAsm("eth1", EngineCalls.Nth("239.1.1.0", i)).IsAdmit);
        engine.Load(Table(Limit(2)));

        // Existing entries stay, and their refreshes are admitted.
        Assert.Equal(4, engine.MembershipEntries);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.0").Has(DecisionFlags.Refresh));
        var d = engine.JoinAsm("eth1", "239.1.1.9");
        Assert.Equal((DenyReason.InterfaceLimit, 4L, 2L), (d.Reason, d.Used, d.Max));

        engine.Leave("eth1", "239.1.1.0");
        engine.Leave("eth1", "239.1.1.1");
        Assert.Equal(DenyReason.InterfaceLimit, engine.JoinAsm("eth1", "239.1.1.9").Reason);   // 2 of 2: still full
        engine.Leave("eth1", "239.1.1.2");
        Assert.True(engine.JoinAsm("eth1", "239.1.1.9").IsAdmit);                              // 1 of 2: room
        Assert.Equal(DenyReason.InterfaceLimit, engine.JoinAsm("eth1", "239.1.1.10").Reason);
    }

    [Fact]
    public void Lowered_cost_limit_and_route_limit_behave_the_same()
    {
        string Policy(string bw, int routes) => $$"""
            class c { match groups 232.0.0.0/8; cost 4Mbps; }
            device r1 platform ios-xe {
                mroute-limit {{routes}};
                interface "up" { }
                interface "dn" { state-limit out {{bw}} classes c; }
            }
            """;
        var engine = NewEngine(Policy("20Mbps", 10));
        for (int i = 0; i < 5; i++) Assert.True(engine.StateOut("10.0.0.1", EngineCalls.Nth("232.1.1.0", i), "up", "dn").IsAdmit);
        engine.Load(Table(Policy("8Mbps", 3)));
        Assert.Equal(20_000_000, engine.StateLimitUse(engine.Interface("dn"), 0));
        Assert.Equal(DenyReason.RouteLimit, engine.State("10.0.0.1", "232.1.2.0", "up").Reason);
        for (int i = 0; i < 3; i++) engine.DeleteState(A("10.0.0.1"), A(EngineCalls.Nth("232.1.1.0", i)), 0);
        Assert.Equal(8_000_000, engine.StateLimitUse(engine.Interface("dn"), 0));
        Assert.True(engine.State("10.0.0.1", "232.1.2.0", "up").IsAdmit);
        Assert.Equal(DenyReason.StateLimit, engine.Out("10.0.0.1", "232.1.2.0", "dn").Reason);   // 8 + 4 > 8
        engine.DeleteState(A("10.0.0.1"), A("232.1.1.3"), 0);
        Assert.True(engine.Out("10.0.0.1", "232.1.2.0", "dn").IsAdmit);
    }

    [Fact]
    public void State_is_rebound_by_interface_name_when_the_new_table_orders_interfaces_differently()
    {
        var engine = NewEngine("""
            device r1 platform ios-xe {
                interface "a" { igmp { limit 1; } }
                interface "b" { igmp { limit 3; } }
            }
            """);
        Assert.True(engine.JoinAsm("b", "239.1.1.1").IsAdmit);
        Assert.True(engine.JoinAsm("b", "239.1.1.2").IsAdmit);
        engine.Load(Table("""
            device r1 platform ios-xe {
                interface "c" { }
                interface "b" { igmp { limit 2; } }
            }
            """));
        var b = engine.Interface("b");
        Assert.Equal(2, engine.MembershipCount(b, AddressFamily.V4));
        Assert.Equal(DenyReason.InterfaceLimit, engine.JoinAsm("b", "239.1.1.3").Reason);
        Assert.True(engine.JoinAsm("a", "239.1.1.3").IsAdmit);   // "a" is no longer named: no interface rules
    }

    [Fact]
    public void A_new_except_list_changes_what_existing_entries_count()
    {
        var engine = NewEngine(Limit(2));
        Assert.True(engine.JoinAsm("eth1", "239.255.255.254").IsAdmit);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1").IsAdmit);
        engine.Load(Table("""device r1 platform ios-xe { interface "eth1" { igmp { limit 2 except 239.255.255.254; } } }"""));
        Assert.Equal(1, engine.MembershipCount(engine.Interface("eth1"), AddressFamily.V4));
        Assert.True(engine.JoinAsm("eth1", "239.1.1.2").IsAdmit);
    }

    [Fact]
    public void Decisions_keep_the_table_they_were_made_with()
    {
        var engine = NewEngine(Limit(1));
        var before = engine.JoinAsm("eth1", "239.1.1.1");
        var table2 = Table(Limit(5).Replace("ios-xe {", "ios-xe {\n"));
        engine.Load(table2);
        var after = engine.JoinAsm("eth1", "239.1.1.2");
        Assert.NotSame(before.Table, after.Table);
        Assert.Same(table2, after.Table);
        Assert.Equal(ColumnOf(Limit(1), "limit 1"), before.LocationText);
        Assert.Equal(ColumnOf(Limit(5).Replace("ios-xe {", "ios-xe {\n"), "limit 5"), after.LocationText);
    }

    /// <summary>
    /// Tables are swapped from another thread while one thread decides. Table A admits only
    /// 239.1.0.0/16 with limit 1000, table B only 239.2.0.0/16; every decision must be exactly what
    /// its own table says — never a mix (the filter of one and the limit of the other).
    /// </summary>
    [Fact]
    public async Task Concurrent_swaps_never_give_a_decision_a_mixed_table()
    {
        string PolicyFor(string groups, int limit) => $$"""
            device r1 platform ios-xe { interface "eth1" { igmp { permit groups {{groups}}; limit {{limit}}; } } }
            """;
        var a = Table(PolicyFor("239.1.0.0/16", 100000));
        var b = Table(PolicyFor("239.2.0.0/16", 100000));
        var engine = new AdmissionEngine(a, new EngineOptions { MembershipCapacity = 1 << 16 });
        var id = engine.Interface("eth1");
        int swaps = 0;
        bool stop = false;
        var swapper = new Thread(() =>
        {
            bool flip = false;
            while (!Volatile.Read(ref stop))
            {
                engine.Load(flip ? a : b);
                flip = !flip;
                Interlocked.Increment(ref swaps);
            }
        }) { IsBackground = true };
        swapper.Start();
        while (Volatile.Read(ref swaps) == 0) Thread.Yield();
        var g1 = A("239.1.0.1");
        var g2 = A("239.2.0.1");
        int seenA = 0, seenB = 0;
        for (int i = 0; i < 2_000_000 && (i < 200_000 || seenA < 1000 || seenB < 1000); i++)
        {
            var group = (i & 1) == 0 ? g1 : g2;
            var d = engine.Join(new JoinEvent(id, group, Address.None, Address.None, 3), 0);
            bool tableA = ReferenceEquals(d.Table, a);
            if (tableA) seenA++; else seenB++;
            bool expectAdmit = tableA == (group == g1);
            if (expectAdmit != d.IsAdmit) Assert.Fail($"decision {i} with table {(tableA ? "A" : "B")} for {group}: {d}");
            if (!d.IsAdmit) Assert.Equal(DenyReason.AccessFilter, d.Reason);
            engine.Leave(new LeaveEvent(id, group, Address.None), 0);
        }
        Volatile.Write(ref stop, true);
        await Task.Run(swapper.Join);
        Assert.True(seenA > 0 && seenB > 0, $"both tables used ({seenA}, {seenB})");
    }

    [Fact]
    public void Prefix_filtered_after_a_swap_is_withdrawn_on_its_next_update()
    {
        string Policy(string filter) => $$"""
            filter f { {{filter}} }
            device r1 platform ios-xe { bgp as 64500 { neighbor 198.51.100.1 as 64501 { max-prefix 10; prefix-filter in f; auth md5 secret env("K"); } } }
            """;
        var engine = NewEngine(Policy("permit any;"));
        Assert.True(engine.Prefix("198.51.100.1", "203.0.113.0/24").IsAdmit);
        Assert.True(engine.Prefix("198.51.100.1", "203.0.114.0/24").IsAdmit);
        engine.Load(Table(Policy("deny prefixes 203.0.113.0/24; permit any;")));
        Assert.Equal(2, engine.PrefixCount(A("198.51.100.1")));   // kept
        Assert.Equal(DenyReason.PrefixFilter, engine.Prefix("198.51.100.1", "203.0.113.0/24").Reason);
        Assert.Equal(1, engine.PrefixCount(A("198.51.100.1")));
    }

    /// <summary>A refresh under the table that admitted the entry reuses that check; under a new table it is checked again.</summary>
    [Fact]
    public void Refreshes_are_checked_again_under_a_new_table()
    {
        string Policy(string groups) => $$"""device r1 platform ios-xe { interface "eth1" { igmp { permit groups {{groups}}; } } }""";
        var engine = NewEngine(Policy("239.1.0.0/16"));
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1").IsAdmit);
        var refresh = engine.JoinAsm("eth1", "239.1.1.1");
        Assert.True(refresh.Has(DecisionFlags.Refresh));
        Assert.Equal(ColumnOf(Policy("239.1.0.0/16"), "permit groups"), refresh.LocationText);
        Assert.Equal(DenyReason.MinimumVersion, NewEngine(Policy("239.1.0.0/16").Replace("igmp {", "igmp { version >= 3;")).JoinAsm("eth1", "239.1.1.1", version: 2).Reason);

        engine.Load(Table(Policy("239.2.0.0/16")));
        Assert.Equal(DenyReason.AccessFilter, engine.JoinAsm("eth1", "239.1.1.1").Reason);   // the entry stays, its refresh is refused
        Assert.Equal(1, engine.MembershipEntries);
        engine.Load(Table(Policy("239.0.0.0/8")));
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1").Has(DecisionFlags.Refresh));
    }

    /// <summary>The version of each report is checked even when the rest of the check is reused.</summary>
    [Fact]
    public void A_reused_check_still_checks_the_report_version()
    {
        var engine = NewEngine("""device r1 platform ios-xe { interface "eth1" { igmp { version >= 2; } } }""");
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1", version: 3).IsAdmit);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1", version: 3).Has(DecisionFlags.Refresh));
        Assert.Equal(DenyReason.MinimumVersion, engine.JoinAsm("eth1", "239.1.1.1", version: 1).Reason);
    }

    /// <summary>With host terms the result depends on who reports: every refresh is checked.</summary>
    [Fact]
    public void Refreshes_by_another_host_are_checked_when_the_filter_names_hosts()
    {
        var engine = NewEngine("""
            filter f { deny from 10.9.9.9; permit any; }
            device r1 platform ios-xe { interface "eth1" { igmp { access f; } } }
            """);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1", host: "10.0.0.1").IsAdmit);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1", host: "10.0.0.2").Has(DecisionFlags.Refresh));
        Assert.Equal(DenyReason.AccessFilter, engine.JoinAsm("eth1", "239.1.1.1", host: "10.9.9.9").Reason);
    }

    [Fact]
    public void Compiled_tables_reject_broken_references()
    {
        var table = Compile(Limit(1)).Table;
        var broken = table with { Router = table.Router with { GroupRangeFilter = 7 } };
        Assert.Throws<ArgumentException>(() => CompiledTable.Build(broken));
    }
}
