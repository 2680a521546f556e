using PolicyKit.Tables.Model;
using static PolicyKit.Engine.Tests.EngineCalls;
using static PolicyKit.Engine.Tests.EnginePolicy;

namespace PolicyKit.Engine.Tests.Rules;

/// <summary>The worked numbers of the multicast security guide, "Admission control".</summary>
public sealed class GuideNumbersTests
{
    /// <summary>Guide: 1 Gbps to the DSLAM, 500 Mbps kept for TV, 4 Mbps per SD channel → 500/4 = 125 IGMP states.</summary>
    [Fact]
    public void Igmp_limit_of_125_states_admits_the_125th_and_refuses_the_126th()
    {
        var engine = NewEngine("""
            device r1 platform ios-xe {
                interface "Gi0/0/1" { igmp { limit 125; } }
            }
            """);
        for (int i = 0; i < 125; i++)
        {
            var d = engine.JoinSsm("Gi0/0/1", "198.51.100.1", Nth("232.10.0.0", i));
            Assert.True(d.IsAdmit, $"channel {i + 1}: {d}");
            Assert.Equal(i + 1, d.Used);
        }
        var refused = engine.JoinSsm("Gi0/0/1", "198.51.100.1", Nth("232.10.0.0", 125));
        Assert.Equal((Verdict.Deny, DenyReason.InterfaceLimit, 125L, 125L), (refused.Verdict, refused.Reason, refused.Used, refused.Max));
    }

    /// <summary>The same 125 as bandwidth: ip multicast limit out at 500 Mbps with a 4 Mbps cost per SD state.</summary>
    [Fact]
    public void Out_limit_of_500Mbps_at_4Mbps_per_state_admits_125_states()
    {
        var engine = NewEngine("""
            groups tv-sd { 232.10.0.0/16; }
            class mpeg2-sd { match groups tv-sd; cost 4Mbps; }
            device r1 platform ios-xe {
                interface "uplink" { }
                interface "Gi0/0/1" { state-limit out 500Mbps groups tv-sd classes mpeg2-sd; }
            }
            """);
        for (int i = 0; i < 125; i++)
        {
            var d = engine.StateOut("198.51.100.1", Nth("232.10.0.0", i), "uplink", "Gi0/0/1");
            Assert.True(d.IsAdmit, $"state {i + 1}: {d}");
        }
        var refused = engine.StateOut("198.51.100.1", Nth("232.10.0.0", 125), "uplink", "Gi0/0/1");
        Assert.Equal((DenyReason.StateLimit, 500_000_000L, 500_000_000L), (refused.Reason, refused.Used, refused.Max));
        // The state itself exists (it may go elsewhere); only this output is refused.
        Assert.Equal(126, engine.RouteCount);
        Assert.Equal(125, engine.OutputCount);
    }

    /// <summary>The same as an rpf count limit on the downstream router (guide: "Ingress admission control").</summary>
    [Fact]
    public void Rpf_count_limit_of_125()
    {
        var engine = NewEngine("""
            groups tv-sd { 232.10.0.0/16; }
            device r1 platform ios-xe { interface "uplink" { state-limit rpf 125 groups tv-sd; } }
            """);
        for (int i = 0; i < 125; i++) Assert.True(engine.State("198.51.100.1", Nth("232.10.0.0", i), "uplink").IsAdmit);
        var refused = engine.State("198.51.100.1", Nth("232.10.0.0", 125), "uplink");
        Assert.Equal(DenyReason.StateLimit, refused.Reason);
        Assert.Equal(125, engine.RouteCount);
        // Groups the limit does not select are not counted.
        Assert.True(engine.State("198.51.100.1", "232.11.0.1", "uplink").IsAdmit);
    }

    private const string ChannelGuidePolicy = """
        groups channel-guide { 239.255.255.254; }
        device r1 platform ios-xe {
            igmp default-limit 1 except channel-guide;   // global: the guide plus one channel
            interface "ethernet0" { igmp { limit 2 except channel-guide; } }   // this interface: two
            interface "ethernet1" { }
        }
        """;

    /// <summary>Guide, example 1: "ip igmp limit 1 except channel-guides" globally, "limit 2" on one interface.</summary>
    [Fact]
    public void Channel_guide_plus_one_channel_globally()
    {
        var engine = NewEngine(ChannelGuidePolicy);
        var guide = engine.JoinAsm("ethernet1", "239.255.255.254");
        Assert.True(guide.IsAdmit);
        Assert.True(guide.Has(DecisionFlags.NotCounted));
        Assert.True(engine.JoinAsm("ethernet1", "239.1.1.1").IsAdmit);
        var second = engine.JoinAsm("ethernet1", "239.1.1.2");
        Assert.Equal(DenyReason.InterfaceLimit, second.Reason);
        Assert.Equal(LocationOf(ChannelGuidePolicy, "igmp default-limit"), second.LocationText);
        // The guide stays receivable however full the interface is.
        Assert.True(engine.JoinAsm("ethernet1", "239.255.255.254", host: "10.0.0.3").IsAdmit);
    }

    [Fact]
    public void Channel_guide_plus_two_channels_on_the_overriding_interface()
    {
        var engine = NewEngine(ChannelGuidePolicy);
        Assert.True(engine.JoinAsm("ethernet0", "239.255.255.254").IsAdmit);
        Assert.True(engine.JoinAsm("ethernet0", "239.1.1.1").IsAdmit);
        Assert.True(engine.JoinAsm("ethernet0", "239.1.1.2").IsAdmit);
        var third = engine.JoinAsm("ethernet0", "239.1.1.3");
        Assert.Equal((DenyReason.InterfaceLimit, 2L, 2L), (third.Reason, third.Used, third.Max));
        Assert.Equal(ColumnOf(ChannelGuidePolicy, "limit 2 except"), third.LocationText);
        Assert.Equal(2, engine.MembershipCount(engine.Interface("ethernet0"), AddressFamily.V4));
    }

    /// <summary>Both limits apply: an interface with room is still refused by a full router-wide cap.</summary>
    [Fact]
    public void Router_wide_cap_and_interface_limit_both_apply()
    {
        var engine = NewEngine("""
            groups channel-guide { 239.255.255.254; }
            device r1 platform ios-xe {
                igmp default-limit 2 except channel-guide;
                igmp limit 3 except channel-guide;
                interface "e0" { }
                interface "e1" { }
            }
            """);
        Assert.True(engine.JoinAsm("e0", "239.1.1.1").IsAdmit);
        Assert.True(engine.JoinAsm("e0", "239.1.1.2").IsAdmit);
        Assert.Equal(DenyReason.InterfaceLimit, engine.JoinAsm("e0", "239.1.1.3").Reason);
        Assert.True(engine.JoinAsm("e1", "239.1.1.1").IsAdmit);
        var capped = engine.JoinAsm("e1", "239.1.1.2");
        Assert.Equal((DenyReason.RouterLimit, 3L, 3L), (capped.Reason, capped.Used, capped.Max));
        Assert.True(engine.JoinAsm("e1", "239.255.255.254").IsAdmit);
        Assert.True(engine.Leave("e0", "239.1.1.1").IsAdmit);
        Assert.True(engine.JoinAsm("e1", "239.1.1.2").IsAdmit);
    }

    private const string ThreeProviders = """
        groups cp1-mpeg2-sd { 232.1.0.0/18; }   groups cp1-mpeg2-hd { 232.1.64.0/18; }
        groups cp1-mpeg4-sd { 232.1.128.0/18; } groups cp1-mpeg4-hd { 232.1.192.0/18; }
        groups cp2-mpeg2-sd { 232.2.0.0/18; }   groups cp2-mpeg2-hd { 232.2.64.0/18; }
        groups cp2-mpeg4-sd { 232.2.128.0/18; } groups cp2-mpeg4-hd { 232.2.192.0/18; }
        groups cp3-mpeg2-sd { 232.3.0.0/18; }   groups cp3-mpeg2-hd { 232.3.64.0/18; }
        groups cp3-mpeg4-sd { 232.3.128.0/18; } groups cp3-mpeg4-hd { 232.3.192.0/18; }
        groups cp1-channels { 232.1.0.0/16; }
        groups cp2-channels { 232.2.0.0/16; }
        groups cp3-channels { 232.3.0.0/16; }
        groups mp2sd { cp1-mpeg2-sd; cp2-mpeg2-sd; cp3-mpeg2-sd; }
        groups mp2hd { cp1-mpeg2-hd; cp2-mpeg2-hd; cp3-mpeg2-hd; }
        groups mp4sd { cp1-mpeg4-sd; cp2-mpeg4-sd; cp3-mpeg4-sd; }
        groups mp4hd { cp1-mpeg4-hd; cp2-mpeg4-hd; cp3-mpeg4-hd; }
        class mpeg2-sd { match groups mp2sd; cost 4Mbps; }
        class mpeg2-hd { match groups mp2hd; cost 18Mbps; }
        class mpeg4-sd { match groups mp4sd; cost 1.6Mbps; }
        class mpeg4-hd { match groups mp4hd; cost 6Mbps; }
        device pe-agg platform ios-xe {
            interface "uplink" { }
            interface "Gi0/0" {
                state-limit out 250Mbps groups cp1-channels classes mpeg2-sd, mpeg2-hd, mpeg4-sd, mpeg4-hd;
                state-limit out 250Mbps groups cp2-channels classes mpeg2-sd, mpeg2-hd, mpeg4-sd, mpeg4-hd;
                state-limit out 250Mbps groups cp3-channels classes mpeg2-sd, mpeg2-hd, mpeg4-sd, mpeg4-hd;
            }
        }
        """;

    /// <summary>Guide, example 3: three providers share 750 Mbps, 250 Mbps each, priced per MPEG format.</summary>
    [Fact]
    public void Three_providers_at_250Mbps_each_with_mpeg_costs()
    {
        var engine = NewEngine(ThreeProviders, "pe-agg");
        // CP1: 13 MPEG2 HD streams = 234 Mbps; a 14th (252 Mbps) does not fit.
        for (int i = 0; i < 13; i++) Assert.True(engine.StateOut("198.51.100.1", Nth("232.1.64.0", i), "uplink", "Gi0/0").IsAdmit);
        var hd = engine.StateOut("198.51.100.1", Nth("232.1.64.0", 13), "uplink", "Gi0/0");
        Assert.Equal((DenyReason.StateLimit, 234_000_000L, 250_000_000L), (hd.Reason, hd.Used, hd.Max));
        Assert.Equal(ColumnOf(ThreeProviders, "state-limit out 250Mbps groups cp1"), hd.LocationText);
        // … but ten MPEG4 SD streams (16 Mbps) fill it to exactly 250 Mbps: limits are inclusive.
        for (int i = 0; i < 10; i++)
        {
            var d = engine.StateOut("198.51.100.1", Nth("232.1.128.0", i), "uplink", "Gi0/0");
            Assert.True(d.IsAdmit, d.ToString());
        }
        Assert.Equal(250_000_000L, engine.StateLimitUse(engine.Interface("Gi0/0"), 0));
        Assert.Equal(DenyReason.StateLimit, engine.StateOut("198.51.100.1", Nth("232.1.128.0", 10), "uplink", "Gi0/0").Reason);

        // Providers are independent: CP1 being full changes nothing for CP2 and CP3.
        for (int i = 0; i < 62; i++) Assert.True(engine.StateOut("203.0.113.1", Nth("232.2.0.0", i), "uplink", "Gi0/0").IsAdmit); // 62 × 4 = 248
        Assert.Equal(DenyReason.StateLimit, engine.StateOut("203.0.113.1", Nth("232.2.0.0", 62), "uplink", "Gi0/0").Reason);
        for (int i = 0; i < 41; i++) Assert.True(engine.StateOut("203.0.113.9", Nth("232.3.192.0", i), "uplink", "Gi0/0").IsAdmit); // 41 × 6 = 246
        var cp3 = engine.StateOut("203.0.113.9", Nth("232.3.192.0", 41), "uplink", "Gi0/0");
        Assert.Equal((DenyReason.StateLimit, 246_000_000L), (cp3.Reason, cp3.Used));
        Assert.Equal(ColumnOf(ThreeProviders, "state-limit out 250Mbps groups cp3"), cp3.LocationText);

        // A released stream makes room again.
        Assert.True(engine.RemoveOutput(new OutputEvent(A("198.51.100.1"), A("232.1.64.0"), engine.Interface("Gi0/0")), 0).Has(DecisionFlags.Removed));
        Assert.Equal(232_000_000L, engine.StateLimitUse(engine.Interface("Gi0/0"), 0));
        Assert.True(engine.StateOut("198.51.100.1", Nth("232.1.192.0", 0), "uplink", "Gi0/0").IsAdmit);
    }

    /// <summary>A state that no class matches costs the limit's default cost (1 kbps unless written).</summary>
    [Fact]
    public void Unclassified_state_costs_the_default_cost()
    {
        var engine = NewEngine("""
            groups tv { 232.10.0.0/16; }
            class sd { match groups 232.10.0.0/24; cost 4Mbps; }
            device r1 platform ios-xe {
                interface "up" { }
                interface "e0" { state-limit out 10Mbps groups tv classes sd default-cost 3Mbps; }
                interface "e1" { state-limit out 3kbps groups tv classes sd; }
            }
            """);
        Assert.True(engine.StateOut("10.0.0.1", "232.10.0.1", "up", "e0").IsAdmit);       // 4
        Assert.True(engine.StateOut("10.0.0.1", "232.10.5.1", "up", "e0").IsAdmit);       // 4 + 3
        Assert.True(engine.StateOut("10.0.0.1", "232.10.5.2", "up", "e0").IsAdmit);       // 10
        Assert.Equal(DenyReason.StateLimit, engine.StateOut("10.0.0.1", "232.10.5.3", "up", "e0").Reason);
        for (int i = 0; i < 3; i++) Assert.True(engine.StateOut("10.0.0.1", Nth("232.10.9.0", i), "up", "e1").IsAdmit);
        Assert.Equal(DenyReason.StateLimit, engine.StateOut("10.0.0.1", "232.10.9.3", "up", "e1").Reason);
    }

    /// <summary>ip multicast route-limit 5 3: no warning up to 3 routes, the 4th crosses it, the 6th is refused.</summary>
    [Fact]
    public void Route_limit_warns_above_the_threshold_and_refuses_above_the_limit()
    {
        string policy = """device r1 platform ios-xe { mroute-limit 5 warn 3; }""";
        var engine = NewEngine(policy);
        for (int i = 0; i < 3; i++)
        {
            var d = engine.State("10.0.0.1", Nth("232.1.1.0", i), "up");
            Assert.True(d.IsAdmit);
            Assert.False(d.Has(DecisionFlags.Warning), d.ToString());
        }
        var fourth = engine.State("10.0.0.1", "232.1.1.3", "up");
        Assert.True(fourth.IsAdmit);
        Assert.True(fourth.Has(DecisionFlags.Warning | DecisionFlags.WarningCrossed));
        Assert.Equal((RuleKind.RouteLimit, 4L, 5L), (fourth.Rule.Kind, fourth.Used, fourth.Max));
        Assert.Equal(ColumnOf(policy, "mroute-limit"), fourth.LocationText);
        var fifth = engine.State("10.0.0.1", "232.1.1.4", "up");
        Assert.True(fifth.IsAdmit);
        Assert.True(fifth.Has(DecisionFlags.Warning));
        Assert.False(fifth.Has(DecisionFlags.WarningCrossed));
        var sixth = engine.State("10.0.0.1", "232.1.1.5", "up");
        Assert.Equal((DenyReason.RouteLimit, 5L, 5L), (sixth.Reason, sixth.Used, sixth.Max));
        // A refresh of an existing route is never refused.
        Assert.True(engine.State("10.0.0.1", "232.1.1.0", "up").Has(DecisionFlags.Refresh));
    }
}
