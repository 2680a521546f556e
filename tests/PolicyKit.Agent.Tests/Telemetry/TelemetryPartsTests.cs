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

    [Fact]
    public void The_status_text_has_a_line_for_the_bmp_station_and_one_per_router_and_none_without_the_station()
    {
        const string status = """
            {"state":"online","device":"r1","site":"s","decisions":{"admit":0,"deny_by_reason":{}},"limits":[],
             "bmp":{"station":{"sessions":2,"pending":1,"messages":900,"malformed":3,"events_dropped":0,"tls_failures":4,"pending_lost":1},
                    "routers":[{"router":"a@127.0.0.1","messages":600,"malformed":3,"peers":[{"up":true,"policy_prefixes":10},{"up":false,"policy_prefixes":0},{"up":true,"policy_prefixes":5}]},
                               {"router":"b@127.0.0.2","messages":300,"malformed":0,"peers":[]}]}}
            """;
        string text = PolicyKit.Agent.Status.StatusView.Parse(System.Text.Encoding.UTF8.GetBytes(status)).Render();
        var lines = text.Split('\n');
        Assert.Contains("bmp: 2 sessions, 1 pending, 900 messages, 3 malformed, 0 events dropped, refused: pending_lost 1, tls_failures 4", lines);
        Assert.Contains("bmp a@127.0.0.1: 2/3 peers up, 15 prefixes, 600 messages, 3 malformed", lines);
        Assert.Contains("bmp b@127.0.0.2: 0/0 peers up, 0 prefixes, 300 messages, 0 malformed", lines);

        string without = PolicyKit.Agent.Status.StatusView.Parse("""{"state":"online","limits":[]}"""u8).Render();
        Assert.DoesNotContain("bmp", without);
    }
}
