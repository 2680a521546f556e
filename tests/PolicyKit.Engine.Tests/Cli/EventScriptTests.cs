using PolicyKit.Engine.Scripting;

namespace PolicyKit.Engine.Tests.Cli;

public sealed class EventScriptTests
{
    [Fact]
    public void Parses_every_event_form()
    {
        Assert.True(EventScript.TryParse(
            "join eth1 232.10.1.1 source 198.51.100.7 from 10.0.0.9; join \"Gi 0/1\" 239.1.1.1 version 2; leave eth1 232.10.1.1 source 198.51.100.7;" +
            "state * 239.1.1.1 rpf up out eth1, eth2 connected; prune 10.0.0.1 232.1.1.1 eth1; prune 10.0.0.1 232.1.1.1;" +
            "sa 192.0.2.1 10.0.0.1 233.1.1.1 192.0.2.9; sa-out 192.0.2.1 10.0.0.1 233.1.1.1 192.0.2.9; register 10.0.0.1 239.1.1.1;" +
            "prefix 198.51.100.1 203.0.113.0/24; withdraw 198.51.100.1 2001:db8::/32; peer-down 198.51.100.1; wait 500ms",
            out var events, out string error), error);
        Assert.Equal(13, events.Count);
        Assert.Equal("Gi 0/1", events[1].Interface);
        Assert.Equal(2, events[1].Version);
        Assert.Equal(3, events[0].Version);
        Assert.Equal(["eth1", "eth2"], events[3].Outputs.ToArray());
        Assert.True(events[3].Connected);
        Assert.True(events[3].Source.IsNone);
        Assert.Null(events[5].Interface);
        Assert.Equal(32, events[10].Length);
        Assert.Equal(TimeSpan.FromMilliseconds(500), events[12].Wait);
    }

    [Theory]
    [InlineData("jion eth1 239.1.1.1", "unknown event 'jion'")]
    [InlineData("join eth1 10.1.1.1", "not a multicast group")]
    [InlineData("join eth1 239.1.1.1 source 10.0.0.1 version 2", "needs IGMPv3")]
    [InlineData("join eth1 239.1.1.1 version 4", "does not exist")]
    [InlineData("join eth1 239.1.1.1 source 2001:db8::1", "different address families")]
    [InlineData("state 10.0.0.1 239.1.1.1 eth1", "expected 'rpf'")]
    [InlineData("join eth1 239.1.1.1; wait 5 minutes", "event 2")]
    [InlineData("  ;  ", "no event")]
    [InlineData("join \"eth1 239.1.1.1", "not closed")]
    public void Reports_what_is_wrong_and_where(string text, string message)
    {
        Assert.False(EventScript.TryParse(text, out _, out string error));
        Assert.Contains(message, error);
    }

    [Fact]
    public void Runs_a_script_with_time()
    {
        var engine = EnginePolicy.NewEngine("""device r1 platform ios-xe { pim { register-rate-limit 1; } }""");
        Assert.True(EventScript.TryParse("register 10.0.0.1 239.1.1.1; register 10.0.0.1 239.1.1.1; wait 1s; register 10.0.0.1 239.1.1.1", out var events, out _));
        var results = EventScript.Run(engine, events, 0);
        Assert.Equal([true, false, true], results.Where(r => r.Decisions.Count > 0).Select(r => r.Decisions[0].Decision.IsAdmit).ToArray());
        Assert.Equal(TimeSpan.TicksPerSecond, results[^1].Time);
    }
}
