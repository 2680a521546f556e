using PolicyKit.Engine.Scripting;
using static PolicyKit.Engine.Tests.EnginePolicy;

namespace PolicyKit.Engine.Tests.Rules;

/// <summary>
/// Decisions the multicast security guide's own examples must get (issue 13): the device's
/// per-interface default limit on every interface, named or not; the MSDP redistribute filter
/// on the SAs this RP originates.
/// </summary>
public sealed class GuideFidelityTests
{
    // The guide's "SDR announcements plus one channel": a default of 1 except the channel
    // guide, and Ethernet0 overriding it with 2.
    private const string ChannelGuidePolicy = """
        groups channel-guides { 239.255.255.254; }
        device r1 platform linux {
            igmp default-limit 1 except channel-guides;
            mld default-limit 1;
            interface "eth0" { igmp { limit 2 except channel-guides; } }
        }
        """;

    [Fact]
    public void The_default_limit_reaches_interfaces_the_policy_does_not_name()
    {
        var engine = NewEngine(ChannelGuidePolicy);
        // eth1 is not named: the device default (1, channel guide not counted) is its limit.
        Assert.True(engine.JoinAsm("eth1", "239.255.255.254").IsAdmit);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1").IsAdmit);
        var second = engine.JoinAsm("eth1", "239.1.1.2");
        Assert.Equal((DenyReason.InterfaceLimit, 1L, 1L), (second.Reason, second.Used, second.Max));
        Assert.Equal(ColumnOf(ChannelGuidePolicy, "igmp default-limit"), second.LocationText);
        Assert.Contains("igmp default-limit 1 except 239.255.255.254", engine.Table.Describe(second.Rule), StringComparison.Ordinal);
        // Each unnamed interface has a limit of its own, not a shared one.
        Assert.True(engine.JoinAsm("eth2", "239.1.1.2").IsAdmit);
        Assert.Equal(DenyReason.InterfaceLimit, engine.JoinAsm("eth2", "239.1.1.3").Reason);
        // A leave frees the slot.
        Assert.True(engine.Leave("eth1", "239.1.1.1").IsAdmit);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.2").IsAdmit);
        // eth0 overrides the default with 2.
        Assert.True(engine.JoinAsm("eth0", "239.1.1.1").IsAdmit);
        Assert.True(engine.JoinAsm("eth0", "239.1.1.2").IsAdmit);
        Assert.Equal(DenyReason.InterfaceLimit, engine.JoinAsm("eth0", "239.1.1.3").Reason);
        // MLD's default applies to IPv6 joins on unnamed interfaces too.
        Assert.True(engine.JoinSsm("eth1", "2001:db8::1", "ff3e::1").IsAdmit);
        Assert.Equal(DenyReason.InterfaceLimit, engine.JoinSsm("eth1", "2001:db8::1", "ff3e::2").Reason);
    }

    [Fact]
    public void The_default_limit_is_counted_again_after_a_table_swap()
    {
        var engine = NewEngine(ChannelGuidePolicy);
        Assert.True(engine.JoinAsm("eth1", "239.1.1.1").IsAdmit);
        engine.Load(Table(ChannelGuidePolicy));
        Assert.Equal(DenyReason.InterfaceLimit, engine.JoinAsm("eth1", "239.1.1.2").Reason);
    }

    private const string RedistributePolicy = """
        filter originate { deny sources 10.1.1.5; permit sources 10.1.0.0/16; }
        device r1 platform linux {
            msdp {
                redistribute filter originate;
                peer 192.0.2.1 as 64501 { connect-source "192.0.2.2"; }
            }
        }
        """;

    [Fact]
    public void Msdp_redistribute_decides_which_local_sources_this_rp_announces()
    {
        var engine = NewEngine(RedistributePolicy);
        var denied = engine.SaOriginate(new SaEvent(A("192.0.2.1"), A("10.1.1.5"), A("233.1.1.1"), Address.None), 0);
        Assert.Equal(DenyReason.SaRedistribute, denied.Reason);
        Assert.Equal(ColumnOf(RedistributePolicy, "deny sources 10.1.1.5"), denied.LocationText);
        Assert.True(engine.SaOriginate(new SaEvent(A("192.0.2.1"), A("10.1.1.6"), A("233.1.1.1"), Address.None), 0).IsAdmit);
        // Its implicit deny: a source outside the filter is not announced.
        Assert.Equal(DenyReason.SaRedistribute, engine.SaOriginate(new SaEvent(A("192.0.2.1"), A("198.51.100.1"), A("233.1.1.1"), Address.None), 0).Reason);
        // SAs forwarded from other RPs are not this RP's to redistribute: only sa-filter out applies.
        Assert.True(engine.SaForward(new SaEvent(A("192.0.2.1"), A("10.1.1.5"), A("233.1.1.1"), A("192.0.2.77")), 0).IsAdmit);
    }

    [Fact]
    public void The_event_script_has_sa_originate()
    {
        Assert.True(EventScript.TryParse("sa-originate 192.0.2.1 10.1.1.5 233.1.1.1", out var events, out string error), error);
        var engine = NewEngine(RedistributePolicy);
        var result = Assert.Single(EventScript.Run(engine, events, 0));
        var (kind, decision) = Assert.Single(result.Decisions);
        Assert.Equal("sa-originate", kind);
        Assert.Equal(DenyReason.SaRedistribute, decision.Reason);
    }
}
