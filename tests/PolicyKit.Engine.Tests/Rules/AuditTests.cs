using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Model;
using static PolicyKit.Engine.Tests.EnginePolicy;

namespace PolicyKit.Engine.Tests.Rules;

/// <summary>
/// Audit: a scope in audit reports what the policy would deny and admits it. The decision keeps
/// the reason, rule and limit state; the engine's state stays the one enforcing would have kept.
/// </summary>
public sealed class AuditTests
{
    private const string Policy = """
        groups tv { 239.1.0.0/16; }
        groups scoped { 239.192.0.0/10; }
        filter joins { permit groups tv; }
        device r1 platform ios-xe {
            group-range deny groups scoped;
            interface "eth1" { igmp { version >= 3; access joins; limit 1; } state-limit rpf 1; }
            interface "eth2" { igmp { version >= 3; access joins; limit 1; } state-limit rpf 1; }
        }
        """;

    /// <summary>The policy's table with eth1 (and, with <paramref name="device"/>, the whole device) in audit, as the table's audit section says.</summary>
    private static CompiledTable Audited(bool device = false)
    {
        var table = Compile(Policy).Table;
        int eth1 = table.Interfaces.IndexOf(table.Interfaces.Single(i => i.Name == "eth1"));
        var interfaces = table.Interfaces.SetItem(eth1, table.Interfaces[eth1] with { AuditLocation = table.Interfaces[eth1].Location });
        return CompiledTable.Build(table with { Interfaces = interfaces, Router = table.Router with { AuditLocation = device ? 0 : -1 } });
    }

    [Fact]
    public void An_interface_in_audit_admits_what_its_rules_would_deny_and_says_why()
    {
        var engine = new AdmissionEngine(Audited());
        var d = engine.JoinAsm("eth1", "233.1.1.1");
        Assert.True(d.IsAdmit);
        Assert.True(d.IsWouldDeny);
        Assert.True(d.IsDenyOrWouldDeny);
        Assert.Equal(DenyReason.AccessFilter, d.Reason);
        Assert.Equal(RuleKind.FilterDefault, d.Rule.Kind);
        Assert.StartsWith("admit (audit: would deny (access-filter)) test.mpol:3:1: filter joins", d.ToString(), StringComparison.Ordinal);

        var old = engine.JoinAsm("eth1", "239.1.1.9", version: 2);
        Assert.Equal((true, DenyReason.MinimumVersion), (old.IsWouldDeny, old.Reason));

        // The interface limit: the first join is admitted (and counted), the second would be denied, with the limit's state.
        Assert.False(engine.JoinAsm("eth1", "239.1.1.1").IsWouldDeny);
        var full = engine.JoinAsm("eth1", "239.1.1.2");
        Assert.Equal((true, true, DenyReason.InterfaceLimit, 1L, 1L), (full.IsAdmit, full.IsWouldDeny, full.Reason, full.Used, full.Max));
        Assert.Equal(ColumnOf(Policy, "limit 1"), full.LocationText);

        // State limit on the audited interface.
        Assert.True(engine.State("10.1.1.1", "239.1.0.1", "eth1").IsAdmit);
        var state = engine.State("10.1.1.1", "239.1.0.2", "eth1");
        Assert.Equal((true, true, DenyReason.StateLimit), (state.IsAdmit, state.IsWouldDeny, state.Reason));
    }

    [Fact]
    public void What_audit_admits_is_neither_counted_nor_stored()
    {
        var engine = new AdmissionEngine(Audited());
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1").IsAdmit);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.2").IsWouldDeny);
        Assert.True(engine.JoinAsm("eth1", "233.1.1.1").IsWouldDeny);
        Assert.Equal(1, engine.MembershipCount(engine.Interface("eth1"), AddressFamily.V4));
        Assert.Equal(1, engine.MembershipEntries);
        // Reported again on the next report: the engine keeps the state enforcing would have kept.
        Assert.True(engine.JoinAsm("eth1", "239.1.1.2").IsWouldDeny);
        // So a table that enforces (audit lifted) finds the counts it should.
        engine.Load(Table(Policy));
        var enforced = engine.JoinAsm("eth1", "239.1.1.2");
        Assert.Equal((false, false, DenyReason.InterfaceLimit), (enforced.IsAdmit, enforced.IsWouldDeny, enforced.Reason));
    }

    [Fact]
    public void Other_interfaces_and_router_wide_rules_are_enforced_when_only_an_interface_is_in_audit()
    {
        var engine = new AdmissionEngine(Audited());
        var other = engine.JoinAsm("eth2", "233.1.1.1");
        Assert.Equal((false, false, DenyReason.AccessFilter), (other.IsAdmit, other.IsWouldDeny, other.Reason));
        // group-range is the router's rule, not eth1's.
        var scoped = engine.JoinAsm("eth1", "239.192.0.1");
        Assert.Equal((false, DenyReason.GroupRange), (scoped.IsAdmit, scoped.Reason));
    }

    [Fact]
    public void A_device_in_audit_admits_every_deny_of_the_policy_but_a_malformed_event()
    {
        var engine = new AdmissionEngine(Audited(device: true));
        foreach (var d in new[] { engine.JoinAsm("eth2", "233.1.1.1"), engine.JoinAsm("eth1", "239.192.0.1"), engine.JoinAsm("eth2", "239.1.1.1", version: 2) })
        {
            Assert.True(d.IsAdmit && d.IsWouldDeny, d.ToString());
            Assert.NotEqual(DenyReason.None, d.Reason);
        }
        var malformed = engine.JoinSsm("eth1", "2001:db8::1", "239.1.1.1");
        Assert.Equal((false, DenyReason.InvalidEvent), (malformed.IsAdmit, malformed.Reason));
    }

    [Fact]
    public void Without_audit_nothing_changes()
    {
        var engine = NewEngine(Policy);
        var d = engine.JoinAsm("eth1", "233.1.1.1");
        Assert.Equal((false, false, DenyReason.AccessFilter), (d.IsAdmit, d.IsWouldDeny, d.Reason));
        Assert.StartsWith("deny (access-filter) ", d.ToString(), StringComparison.Ordinal);
        Assert.False(engine.Table.DeviceAudit);
        Assert.False(engine.Table.InterfaceAudit(0));
    }
}
