using System.Text.Json;
using PolicyKit.Agent.Replay;
using PolicyKit.Agent.Runtime;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Tables.Format;

namespace PolicyKit.Agent.Tests.Runtime;

/// <summary>The runtime in-process on the broadband example: replay, telemetry state, reloads.</summary>
public sealed class AgentRuntimeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (AgentRuntime Runtime, RecordingSink Sink, StringWriter Output, string TablePath) Start(bool print = false, TableVerifier? verifier = null, string? table = null)
    {
        string path = table ?? TestTables.BroadbandEdge(_dir.File("out"));
        var sink = new RecordingSink();
        var output = new StringWriter();
        var runtime = new AgentRuntime(new RuntimeOptions { TablePath = path, PrintDecisions = print, Verifier = verifier }, sink, output);
        Assert.True(runtime.TryStart(out string error), error);
        return (runtime, sink, output, path);
    }

    private static async Task ReplayDemoTrace(AgentRuntime runtime, TextWriter output, bool print = false)
    {
        var records = JsonlTrace.Load(Path.Combine(RepoPaths.Traces, "broadband-edge.jsonl"));
        await TraceReplayer.RunAsync(runtime, records, ReplaySpeed.Fast, output, print, CancellationToken.None);
        runtime.PublishState();
    }

    private static JsonElement Limit(RecordingSink sink, AgentRuntime runtime, string scope)
    {
        string topic = runtime.Topics.Limit(scope);
        Assert.True(sink.Retained.TryGetValue(topic, out string? payload), $"no retained {topic}; have: {string.Join(", ", sink.Retained.Keys)}");
        return JsonDocument.Parse(payload!).RootElement;
    }

    [Fact]
    public async Task After_the_demo_trace_the_retained_limits_hold_what_the_story_says()
    {
        var (runtime, sink, output, _) = Start();
        await ReplayDemoTrace(runtime, output);

        // The topic root comes from the table: device pe-agg-1, telemetry site "north-pop-1".
        Assert.Equal("policykit/v1/north-pop-1/pe-agg-1/status", runtime.Topics.Status);

        // DSLAM north-1: 130 SD joins against "limit 125" → 125 admitted, 5 refused; 60 leaves → 65.
        var north1 = Limit(sink, runtime, "interface/GigabitEthernet0%2F0%2F1/igmp");
        Assert.Equal(65, north1.GetProperty("used").GetInt64());
        Assert.Equal(125, north1.GetProperty("max").GetInt64());
        Assert.Equal(5, north1.GetProperty("denies").GetProperty("interface-limit").GetInt64());
        Assert.False(north1.GetProperty("warning").GetBoolean());

        // Subscriber 1001: one channel (the guide is excepted), one refusal by its limit of 1.
        var s1001 = Limit(sink, runtime, "interface/GigabitEthernet0%2F0%2F10/igmp");
        Assert.Equal(1, s1001.GetProperty("used").GetInt64());
        Assert.Equal(1, s1001.GetProperty("max").GetInt64());
        Assert.Equal(1, s1001.GetProperty("denies").GetProperty("interface-limit").GetInt64());

        // Subscriber 1003: two set-top boxes, the third join refused.
        var s1003 = Limit(sink, runtime, "interface/GigabitEthernet0%2F0%2F12/igmp");
        Assert.Equal(2, s1003.GetProperty("used").GetInt64());
        Assert.Equal(1, s1003.GetProperty("denies").GetProperty("interface-limit").GetInt64());

        // Subscriber 1002: every join refused (spoofed source, IGMPv2, off the line-up, 30 worm joins).
        var s1002 = Limit(sink, runtime, "interface/GigabitEthernet0%2F0%2F11/igmp");
        Assert.Equal(0, s1002.GetProperty("used").GetInt64());
        long refused1002 = s1002.GetProperty("denies").EnumerateObject().Sum(p => p.Value.GetInt64());
        Assert.Equal(33, refused1002);

        // Router-wide: 65 + 1 + 2.
        Assert.Equal(68, Limit(sink, runtime, "router/igmp").GetProperty("used").GetInt64());

        // North-2, CP1 budget 250 Mbps: 13 HD streams × 18 Mbps = 234 Mbps, the 14th and 15th refused.
        var cp1 = Limit(sink, runtime, "interface/GigabitEthernet0%2F0%2F2/state/1");
        Assert.Equal("bps", cp1.GetProperty("unit").GetString());
        Assert.Equal(234_000_000, cp1.GetProperty("used").GetInt64());
        Assert.Equal(250_000_000, cp1.GetProperty("max").GetInt64());
        Assert.Equal(2, cp1.GetProperty("denies").GetProperty("state-limit").GetInt64());
        Assert.True(cp1.GetProperty("warning").GetBoolean());
        Assert.Equal(18_000_000, Limit(sink, runtime, "interface/GigabitEthernet0%2F0%2F2/state/2").GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task Threshold_crossings_and_deny_bursts_are_events()
    {
        var (runtime, sink, output, _) = Start();
        await ReplayDemoTrace(runtime, output);
        var crossings = sink.Events(runtime.Topics.Events, "threshold-crossed");
        // North-1 goes above 80 % of 125 (100) on the way up and back below on the way down.
        var north1 = crossings.Where(c => c.GetProperty("scope").GetString() == "interface/GigabitEthernet0%2F0%2F1/igmp").ToList();
        Assert.Equal(["up", "down"], north1.Select(c => c.GetProperty("direction").GetString()));
        Assert.Equal(101, north1[0].GetProperty("used").GetInt64());
        // The 30 worm joins within 3 s are one deny burst (threshold 20 within 10 s).
        var bursts = sink.Events(runtime.Topics.Events, "deny-burst");
        Assert.Single(bursts);
        Assert.Equal(20, bursts[0].GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Decisions_are_printed_with_rule_location_and_use()
    {
        var (runtime, _, output, _) = Start(print: true);
        await ReplayDemoTrace(runtime, output, print: true);
        string text = output.ToString();
        Assert.Contains("# FTTH subscriber 1001", text);
        Assert.Matches(@"join GigabitEthernet0/0/10 232\.1\.0\.11 .*→ deny \(interface-limit\) broadband-edge\.mpol:\d+:\d+: .*\[1/1\]", text);
        Assert.Contains("! threshold up: interface/GigabitEthernet0%2F0%2F1/igmp 101/125", text);
    }

    [Fact]
    public async Task A_corrupt_table_is_refused_with_an_event_and_the_old_one_stays_in_force()
    {
        var (runtime, sink, output, path) = Start();
        await ReplayDemoTrace(runtime, output);
        string before = runtime.Table!.Checksum;
        var good = File.ReadAllBytes(path);
        var bad = (byte[])good.Clone();
        bad[bad.Length / 2] ^= 0x5a;
        File.WriteAllBytes(path, bad);

        Assert.False(runtime.Reload("sighup", out string message));
        Assert.Contains("checksum", message);
        Assert.Equal(before, runtime.Table!.Checksum);
        var refused = Assert.Single(sink.Events(runtime.Topics.Events, "table-refused"));
        Assert.Equal("sighup", refused.GetProperty("trigger").GetString());
        Assert.Equal(before, refused.GetProperty("kept_checksum").GetString());

        // Still deciding with the old table and the old state: subscriber 1001's port is full.
        var events = JsonlTrace.Parse("{\"t\": 0, \"event\": \"join GigabitEthernet0/0/10 232.1.0.12 source 198.51.100.10 version 3\"}", "x");
        var d = runtime.Apply(events[0].Event!, runtime.Clock.Now);
        Assert.False(d[0].Decision.IsAdmit);

        File.WriteAllBytes(path, Array.Empty<byte>());
        Assert.False(runtime.Reload("file-change", out message));
        Assert.Contains("empty", message);
        File.Delete(path);
        Assert.False(runtime.Reload("file-change", out message));
        Assert.Contains("no such table file", message);
        Assert.Equal(before, runtime.Table!.Checksum);
    }

    [Fact]
    public async Task A_new_table_is_taken_with_the_state_kept_and_limits_recounted()
    {
        var (runtime, sink, output, path) = Start();
        await ReplayDemoTrace(runtime, output);
        // Same policy with subscriber 1003's limit lowered from 2 to 1: its two entries stay, use 2/1.
        string policy = File.ReadAllText(Path.Combine(RepoPaths.Examples, "broadband-edge.mpol"))
            .Replace("igmp { limit 2 except channel-guide; }", "igmp { limit 1 except channel-guide; }");
        Assert.Contains("limit 1 except channel-guide; }", policy);
        string policyPath = _dir.File("broadband-edge.mpol");
        File.WriteAllText(policyPath, policy);
        string newTable = TestTables.Compile(policyPath, "pe-agg-1", _dir.File("out2"));
        File.Copy(newTable, path, overwrite: true);

        Assert.True(runtime.Reload("file-change", out string message), message);
        Assert.Single(sink.Events(runtime.Topics.Events, "table-reloaded"));
        var s1003 = Limit(sink, runtime, "interface/GigabitEthernet0%2F0%2F12/igmp");
        Assert.Equal(2, s1003.GetProperty("used").GetInt64());
        Assert.Equal(1, s1003.GetProperty("max").GetInt64());
        // Denials counted before the reload are kept for a limit that keeps its name.
        Assert.Equal(1, s1003.GetProperty("denies").GetProperty("interface-limit").GetInt64());
    }

    [Fact]
    public void With_a_trusted_key_an_unsigned_table_is_refused_at_start()
    {
        string path = TestTables.BroadbandEdge(_dir.File("out"));
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var verifier = TableVerifier.FromPem([key.ExportSubjectPublicKeyInfoPem()]);
        var runtime = new AgentRuntime(new RuntimeOptions { TablePath = path, Verifier = verifier }, new RecordingSink(), TextWriter.Null);
        Assert.False(runtime.TryStart(out string error));
        Assert.Contains("sign", error);
    }
}
