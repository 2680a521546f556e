using PolicyKit.Nfqueue.Tests.Infrastructure;

namespace PolicyKit.Nfqueue.Tests.Live;

/// <summary>
/// Joins through the enforcer, end to end: the receiver's kernel sends real IGMP, the enforcer
/// decides each record, and a raw IGMP socket in the edge (the way a multicast router daemon reads
/// reports) shows what reached the edge's IGMP stack.
/// </summary>
public sealed class JoinEnforcementTests : IDisposable
{
    private readonly EdgeLab _lab = new();

    public void Dispose() => _lab.Dispose();

    private string Line(string change, string source, string group) => $"{change} {_lab.EdgeToReceiver} ({source},{group})";

    /// <summary>
    /// The broadband example on its FTTH port GigabitEthernet0/0/12: IGMPv3 only, the iptv-joins
    /// line-up (SSM channels from their own head-end, the channel guide), 2 entries except the guide,
    /// queries dropped.
    /// </summary>
    [Fact]
    public void Broadband_example_v3_joins_beyond_the_limit_or_outside_the_line_up_never_reach_the_edge_and_a_mixed_report_is_rewritten()
    {
        string table = Policies.Example("broadband-edge", "pe-agg-1", _lab.Lab.Directory);
        var enforcer = _lab.StartEnforcer(table, "--map", $"{_lab.EdgeToReceiver}=GigabitEthernet0/0/12", "--map", $"{_lab.EdgeToSender}=TenGigabitEthernet0/1/0");
        var listener = _lab.StartListener();

        const string cp1 = "198.51.100.10";
        _lab.Join(cp1, 1500, "232.1.0.1", "232.1.0.2", "232.1.0.3");
        enforcer.WaitFor(l => l.StartsWith(Line("join", cp1, "232.1.0.1") + " v3 admit", StringComparison.Ordinal), EdgeLab.Wait, "232.1.0.1 admitted");
        enforcer.WaitFor(l => l.StartsWith(Line("join", cp1, "232.1.0.2") + " v3 admit", StringComparison.Ordinal), EdgeLab.Wait, "232.1.0.2 admitted");
        enforcer.WaitFor(l => l == Line("join", cp1, "232.1.0.3") + " v3 deny interface-limit", EdgeLab.Wait, "232.1.0.3 over the limit of 2");
        _lab.Join("10.1.1.1", 0, "232.1.0.4");      // a cp1 channel from a source that is not cp1's head-end
        enforcer.WaitFor(l => l == Line("join", "10.1.1.1", "232.1.0.4") + " v3 deny access-filter", EdgeLab.Wait, "a spoofed source refused");
        _lab.SocatJoin("239.255.255.254");           // the channel guide: ASM, never counted
        enforcer.WaitFor(l => l.StartsWith(Line("join", "-", "239.255.255.254") + " v3 admit", StringComparison.Ordinal), EdgeLab.Wait, "the channel guide admitted");

        // One current-state report with all five records: two channels and the guide allowed, two denied.
        int mark = listener.LineCount;
        _lab.EdgeQuery();
        listener.WaitFor(l => l.StartsWith($"igmp {EdgeLab.ReceiverAddress} RecordReport", StringComparison.Ordinal) && l.Contains("239.255.255.254", StringComparison.Ordinal)
            && l.Contains("232.1.0.1", StringComparison.Ordinal), EdgeLab.Wait, "the answer to the query", mark);
        var answer = EdgeLab.ReportsFromReceiver(listener, mark).Last(r => r.Any(c => c.Group == "239.255.255.254") && r.Any(c => c.Group == "232.1.0.1"));
        Assert.Equal([("join", cp1, "232.1.0.1"), ("join", cp1, "232.1.0.2"), ("join", "*", "239.255.255.254")],
            answer.OrderBy(c => c.Group, StringComparer.Ordinal).ToList());

        // Nothing of the denied joins ever reached the edge's IGMP stack; the allowed ones did.
        var all = EdgeLab.ReportsFromReceiver(listener).SelectMany(r => r).ToList();
        Assert.DoesNotContain(all, c => c.Group is "232.1.0.3" or "232.1.0.4");
        Assert.Contains(all, c => c.Group == "232.1.0.1");

        enforcer.Signal(HostProcess.SIGTERM);
        string stopped = enforcer.WaitFor(l => l.StartsWith("stopped", StringComparison.Ordinal), EdgeLab.Wait, "stopped");
        Assert.Matches(@"rewritten=[1-9]", stopped);
        Assert.DoesNotContain("PK_", _lab.Lab.ExecOk(_lab.Edge, "iptables-nft", "-t", "mangle", "-S"));
        Assert.DoesNotContain("policykit_", _lab.Lab.ExecOk(_lab.Edge, "nft", "list", "tables"));
    }

    [Fact]
    public void Broadband_example_refuses_igmpv2_below_the_minimum_version_and_drops_host_queries()
    {
        string table = Policies.Example("broadband-edge", "pe-agg-1", _lab.Lab.Directory);
        _lab.Lab.ExecOk(_lab.Receiver, "sysctl", "-q", "-w", $"net.ipv4.conf.{_lab.ReceiverSide}.force_igmp_version=2");
        var enforcer = _lab.StartEnforcer(table, "--map", $"{_lab.EdgeToReceiver}=GigabitEthernet0/0/12");
        var listener = _lab.StartListener("239.255.255.254");

        _lab.SocatJoin("239.255.255.254");
        enforcer.WaitFor(l => l == Line("join", "-", "239.255.255.254") + " v2 deny minimum-version", EdgeLab.Wait, "the v2 report refused");

        _lab.Query(_lab.Receiver, _lab.ReceiverSide);   // a host sending queries: "queries drop"
        enforcer.WaitFor(l => l == $"query {_lab.EdgeToReceiver} {EdgeLab.ReceiverAddress} v3 dropped", EdgeLab.Wait, "the host's query dropped");

        Thread.Sleep(1000);
        Assert.True(EdgeLab.FromReceiver(listener).Length == 0, "nothing from the receiver may reach the edge:\n" + EdgeLab.FromReceiver(listener));
    }

    /// <summary>A test policy (the example's interface names are not Linux names; here the policy names the netns interfaces).</summary>
    private string V2Policy() => $$"""
        groups tv { 239.1.0.0/16; }
        filter joins { permit groups tv; }
        device edge1 platform ios-xe {
            interface "{{_lab.EdgeToReceiver}}" {
                igmp { version >= 2; access joins; limit 2; }
            }
        }
        """;

    [Fact]
    public void Igmpv2_joins_beyond_the_limit_are_dropped_and_a_leave_frees_the_slot()
    {
        string table = Policies.FromText(V2Policy(), "edge1", _lab.Lab.Directory);
        _lab.Lab.ExecOk(_lab.Receiver, "sysctl", "-q", "-w", $"net.ipv4.conf.{_lab.ReceiverSide}.force_igmp_version=2");
        var enforcer = _lab.StartEnforcer(table);
        var listener = _lab.StartListener("239.1.0.1", "239.1.0.2", "239.1.0.3", "224.0.0.2");

        var first = _lab.SocatJoin("239.1.0.1");
        enforcer.WaitFor(l => l.StartsWith(Line("join", "-", "239.1.0.1") + " v2 admit", StringComparison.Ordinal), EdgeLab.Wait, "first join");
        _lab.SocatJoin("239.1.0.2");
        enforcer.WaitFor(l => l.StartsWith(Line("join", "-", "239.1.0.2") + " v2 admit", StringComparison.Ordinal), EdgeLab.Wait, "second join");
        var third = _lab.SocatJoin("239.1.0.3");
        enforcer.WaitFor(l => l == Line("join", "-", "239.1.0.3") + " v2 deny interface-limit", EdgeLab.Wait, "third join refused");
        listener.WaitFor(l => l.StartsWith($"igmp {EdgeLab.ReceiverAddress} Report v2", StringComparison.Ordinal) && l.Contains("239.1.0.2", StringComparison.Ordinal), EdgeLab.Wait, "the second report at the edge");
        Thread.Sleep(500);
        Assert.DoesNotContain(EdgeLab.ReportsFromReceiver(listener).SelectMany(r => r), c => c.Group == "239.1.0.3");

        // The first receiver leaves: the IGMPv2 leave passes and frees its entry; the group then fits.
        first.Dispose();
        enforcer.WaitFor(l => l.StartsWith(Line("leave", "-", "239.1.0.1"), StringComparison.Ordinal), EdgeLab.Wait, "the leave");
        third.Dispose();
        int mark = enforcer.LineCount;
        _lab.SocatJoin("239.1.0.3");
        enforcer.WaitFor(l => l.StartsWith(Line("join", "-", "239.1.0.3") + " v2 admit", StringComparison.Ordinal), EdgeLab.Wait, "the third join admitted after the leave", mark);
        listener.WaitFor(l => l.StartsWith($"igmp {EdgeLab.ReceiverAddress} Report v2", StringComparison.Ordinal) && l.Contains("239.1.0.3", StringComparison.Ordinal), EdgeLab.Wait, "the third report at the edge");
    }

    [Fact]
    public void On_a_port_in_audit_joins_beyond_the_limit_or_off_the_list_reach_the_edge_and_are_reported()
    {
        // Issue 19: the same port in audit — the kernel's real reports pass the enforcer whole.
        string table = Policies.FromText(V2Policy().Replace("limit 2; }", "limit 2; }\n        audit;", StringComparison.Ordinal), "edge1", _lab.Lab.Directory);
        _lab.Lab.ExecOk(_lab.Receiver, "sysctl", "-q", "-w", $"net.ipv4.conf.{_lab.ReceiverSide}.force_igmp_version=2");
        var enforcer = _lab.StartEnforcer(table);
        var listener = _lab.StartListener("239.1.0.1", "239.1.0.2", "239.1.0.3", "238.1.0.1", "224.0.0.2");

        _lab.SocatJoin("239.1.0.1");
        _lab.SocatJoin("239.1.0.2");
        enforcer.WaitFor(l => l.StartsWith(Line("join", "-", "239.1.0.2") + " v2 admit", StringComparison.Ordinal), EdgeLab.Wait, "second join");
        _lab.SocatJoin("239.1.0.3");
        enforcer.WaitFor(l => l == Line("join", "-", "239.1.0.3") + " v2 admit audit-would-deny interface-limit", EdgeLab.Wait, "third join: would be over the limit, admitted");
        _lab.SocatJoin("238.1.0.1");
        enforcer.WaitFor(l => l == Line("join", "-", "238.1.0.1") + " v2 admit audit-would-deny access-filter", EdgeLab.Wait, "a group off the list: would be refused, admitted");
        foreach (string group in new[] { "239.1.0.3", "238.1.0.1" })
        {
            listener.WaitFor(l => l.StartsWith($"igmp {EdgeLab.ReceiverAddress} Report v2", StringComparison.Ordinal) && l.Contains(group, StringComparison.Ordinal), EdgeLab.Wait, $"the report for {group} at the edge");
        }
    }

    [Fact]
    public void A_membership_whose_leave_is_lost_times_out_and_frees_its_slot()
    {
        string table = Policies.FromText(V2Policy(), "edge1", _lab.Lab.Directory);
        _lab.Lab.ExecOk(_lab.Receiver, "sysctl", "-q", "-w", $"net.ipv4.conf.{_lab.ReceiverSide}.force_igmp_version=2");
        // The receiver's leaves never leave it: only the membership timeout can free the entries.
        string drop = _lab.Lab.File("dropleave.nft", "table inet dropleave {\n\tchain out {\n\t\ttype filter hook output priority 0; policy accept;\n\t\tigmp type leave-group drop\n\t}\n}\n");
        _lab.Lab.ExecOk(_lab.Receiver, "nft", "-f", drop);
        var enforcer = _lab.StartEnforcer(table, "--membership-timeout", "3");

        var first = _lab.SocatJoin("239.1.0.1");
        enforcer.WaitFor(l => l.StartsWith(Line("join", "-", "239.1.0.1") + " v2 admit", StringComparison.Ordinal), EdgeLab.Wait, "first join");
        var second = _lab.SocatJoin("239.1.0.2");
        enforcer.WaitFor(l => l.StartsWith(Line("join", "-", "239.1.0.2") + " v2 admit", StringComparison.Ordinal), EdgeLab.Wait, "second join");
        var third = _lab.SocatJoin("239.1.0.3");
        enforcer.WaitFor(l => l == Line("join", "-", "239.1.0.3") + " v2 deny interface-limit", EdgeLab.Wait, "third join refused");
        first.Dispose();
        second.Dispose();
        third.Dispose();

        Thread.Sleep(4500);   // 3 s membership timeout (no query refreshes anything) + the 1 s sweep
        int mark = enforcer.LineCount;
        _lab.SocatJoin("239.1.0.3");
        enforcer.WaitFor(l => l.StartsWith(Line("join", "-", "239.1.0.3") + " v2 admit", StringComparison.Ordinal), EdgeLab.Wait, "the join admitted once the entries expired", mark);
        Assert.DoesNotContain(enforcer.Lines, l => l.StartsWith("leave ", StringComparison.Ordinal));
    }
}
