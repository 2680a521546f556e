using PolicyKit.Agent.Telemetry;

namespace PolicyKit.Agent.Tests.Telemetry;

public sealed class TelemetryPartsTests
{
    [Theory]
    [InlineData("GigabitEthernet0/0/1", "GigabitEthernet0%2F0%2F1")]
    [InlineData("eth+#", "eth%2B%23")]
    [InlineData("100%", "100%25")]
    [InlineData("a b", "a%20b")]
    [InlineData("", "-")]
    [InlineData("eth1.100", "eth1.100")]
    public void A_name_is_always_one_topic_level_without_wildcards(string name, string level)
    {
        Assert.Equal(level, TopicScheme.Level(name));
        Assert.Equal(name.Length == 0 ? "-" : name, name.Length == 0 ? "-" : Uri.UnescapeDataString(level));
    }

    [Fact]
    public void Topics_follow_the_documented_scheme()
    {
        var t = new TopicScheme("policykit/v1", "north pop", "pe-agg-1");
        Assert.Equal("policykit/v1/north%20pop/pe-agg-1/status", t.Status);
        Assert.Equal("policykit/v1/north%20pop/pe-agg-1/events", t.Events);
        Assert.Equal("policykit/v1/north%20pop/pe-agg-1/limits/router/igmp", t.Limit("router/igmp"));
        Assert.Equal("policykit/v1/north%20pop/pe-agg-1/bmp/rtr%201/2001:db8::1", t.Bmp("rtr 1", "2001:db8::1"));
    }

    [Fact]
    public void A_deny_burst_is_raised_once_per_window_at_the_threshold()
    {
        var d = new DenyBurstDetector(3, TimeSpan.FromSeconds(10));
        long s = TimeSpan.TicksPerSecond;
        Assert.Null(d.Deny(0, "a"));
        Assert.Null(d.Deny(1 * s, "b"));
        var burst = d.Deny(2 * s, "a");
        Assert.NotNull(burst);
        Assert.Equal(3, burst!.Count);
        Assert.Equal(new KeyValuePair<string, int>("a", 2), burst.Reasons[0]);
        Assert.Null(d.Deny(3 * s, "a"));                // same window: already raised
        Assert.Null(d.Deny(10 * s, "a"));               // new window starts
        Assert.Null(d.Deny(11 * s, "a"));
        Assert.NotNull(d.Deny(12 * s, "a"));
    }

    [Fact]
    public void The_bar_is_full_at_100_percent_and_clamped()
    {
        Assert.Equal("[##########]", PolicyKit.Agent.Status.StatusView.Bar(100, 10));
        Assert.Equal("[#####.....]", PolicyKit.Agent.Status.StatusView.Bar(50, 10));
        Assert.Equal("[..........]", PolicyKit.Agent.Status.StatusView.Bar(-3, 10));
        Assert.Equal("[##########]", PolicyKit.Agent.Status.StatusView.Bar(250, 10));
    }
}
