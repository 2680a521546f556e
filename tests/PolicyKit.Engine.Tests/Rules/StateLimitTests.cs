using static PolicyKit.Engine.Tests.EnginePolicy;

namespace PolicyKit.Engine.Tests.Rules;

/// <summary>ip multicast limit rpf|out|connected: which states each direction counts, several limits per interface, release.</summary>
public sealed class StateLimitTests
{
    private const string Policy = """
        groups a { 232.1.0.0/16; }
        groups b { 232.2.0.0/16; }
        sources lan { 10.1.0.0/16; }
        device r1 platform ios-xe {
            interface "up"  { state-limit rpf 2 groups a; state-limit rpf 1 groups b; }
            interface "lan" { state-limit connected 1 sources lan; }
            interface "dn"  { state-limit out 1; }
        }
        """;

    [Fact]
    public void Rpf_limits_count_states_arriving_on_the_interface_each_limit_on_its_own()
    {
        var engine = NewEngine(Policy);
        Assert.True(engine.State("10.9.0.1", "232.1.0.1", "up").IsAdmit);
        Assert.True(engine.State("10.9.0.1", "232.1.0.2", "up").IsAdmit);
        var d = engine.State("10.9.0.1", "232.1.0.3", "up");
        Assert.Equal(DenyReason.StateLimit, d.Reason);
        Assert.Equal(ColumnOf(Policy, "state-limit rpf 2"), d.LocationText);
        Assert.True(engine.State("10.9.0.1", "232.2.0.1", "up").IsAdmit);
        Assert.Equal(ColumnOf(Policy, "state-limit rpf 1"), engine.State("10.9.0.1", "232.2.0.2", "up").LocationText);
        // Another RPF interface is not limited.
        Assert.True(engine.State("10.9.0.1", "232.1.0.3", "dn").IsAdmit);
    }

    [Fact]
    public void Connected_limits_count_only_directly_connected_sources()
    {
        var engine = NewEngine(Policy);
        Assert.True(engine.State("10.1.0.1", "232.5.0.1", "lan", connected: true).IsAdmit);
        Assert.Equal(DenyReason.StateLimit, engine.State("10.1.0.2", "232.5.0.1", "lan", connected: true).Reason);
        Assert.True(engine.State("10.1.0.3", "232.5.0.1", "lan", connected: false).IsAdmit);
        Assert.True(engine.State("10.2.0.3", "232.5.0.1", "lan", connected: true).IsAdmit);
    }

    [Fact]
    public void Out_limits_apply_per_output_and_deleting_the_state_releases_them()
    {
        var engine = NewEngine(Policy);
        Assert.True(engine.State("10.9.0.1", "232.7.0.1", "x").IsAdmit);
        Assert.True(engine.State("10.9.0.1", "232.7.0.2", "x").IsAdmit);
        Assert.True(engine.Out("10.9.0.1", "232.7.0.1", "dn").IsAdmit);
        Assert.True(engine.Out("10.9.0.1", "232.7.0.1", "dn").Has(DecisionFlags.Refresh));
        Assert.Equal(DenyReason.StateLimit, engine.Out("10.9.0.1", "232.7.0.2", "dn").Reason);
        Assert.Equal(DenyReason.NoState, engine.Out("10.9.0.1", "232.7.0.9", "dn").Reason);
        Assert.True(engine.DeleteState(A("10.9.0.1"), A("232.7.0.1"), 0).Has(DecisionFlags.Removed));
        Assert.Equal(0, engine.StateLimitUse(engine.Interface("dn"), 0));
        Assert.True(engine.Out("10.9.0.1", "232.7.0.2", "dn").IsAdmit);
    }

    [Fact]
    public void Star_g_states_match_as_source_0_0_0_0_and_not_in_the_ssm_range()
    {
        var engine = NewEngine("""
            device r1 platform ios-xe { interface "up" { state-limit rpf 1 sources 0.0.0.0/32; } }
            """);
        Assert.True(engine.State(null, "239.1.1.1", "up").IsAdmit);
        Assert.Equal(DenyReason.StateLimit, engine.State(null, "239.1.1.2", "up").Reason);
        Assert.True(engine.State("10.0.0.1", "239.1.1.2", "up").IsAdmit);
        Assert.Equal(DenyReason.SsmRangeNeedsSource, engine.State(null, "232.1.1.2", "up").Reason);
    }

    [Fact]
    public void States_expire_after_the_state_timeout_and_release_their_charges()
    {
        var engine = NewEngine(Policy, options: new EngineOptions { StateTimeout = TimeSpan.FromSeconds(210) });
        Assert.True(engine.State("10.9.0.1", "232.1.0.1", "up", now: S(0)).IsAdmit);
        Assert.True(engine.Out("10.9.0.1", "232.1.0.1", "dn", now: S(100)).IsAdmit);   // refreshes the state
        Assert.Equal(1, engine.StateLimitUse(engine.Interface("dn"), 0));
        engine.Advance(S(309));
        Assert.Equal(1, engine.RouteCount);
        engine.Advance(S(310));
        Assert.Equal(0, engine.RouteCount);
        Assert.Equal(0, engine.OutputCount);
        Assert.Equal(0, engine.StateLimitUse(engine.Interface("dn"), 0));
        Assert.Equal(0, engine.StateLimitUse(engine.Interface("up"), 0));
    }
}
