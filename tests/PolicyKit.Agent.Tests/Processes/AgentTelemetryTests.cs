using System.Text.Json;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Telemetry.Tests;
using PolicyKit.Testing;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>The built agent against a real mosquitto: what a dashboard sees, the Last Will, signals.</summary>
public sealed class AgentTelemetryTests : IDisposable
{
    private const string Root = "policykit/v1/north-pop-1/pe-agg-1";
    private readonly TempDir _dir = new();
    private readonly MosquittoBroker _broker = new();
    private readonly string _table;
    private readonly string _trace = Path.Combine(RepoPaths.Traces, "broadband-edge.jsonl");

    public AgentTelemetryTests()
    {
        _broker.Start();
        _table = TestTables.BroadbandEdge(_dir.File("out"));
    }

    public void Dispose()
    {
        _broker.Dispose();
        _dir.Dispose();
    }

    private string[] Args(params string[] extra) =>
    [
        "run", "--table", _table, "--set", $"mqtt.port={_broker.Port}", "--set", "agent.status_listen=",
        "--set", "mqtt.reconnect_min=100ms", "--set", "mqtt.reconnect_max=500ms", .. extra,
    ];

    private static JsonElement Json(Received m) => JsonDocument.Parse(m.Payload).RootElement;

    [Fact]
    public async Task After_a_replay_the_broker_holds_each_limit_and_the_offline_status()
    {
        var (code, _, err) = AgentProcess.Run(Args("--replay", _trace, "--speed", "fast", "--exit-when-done"));
        Assert.True(code == 0, $"exit {code}\n{err}");

        // A dashboard that connects afterwards sees the retained state.
        await using var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/#");
        var got = await sub.WaitForAsync(m => m.Any(x => x.Topic == Root + "/limits/router/igmp") && m.Any(x => x.Topic == Root + "/status"), TimeSpan.FromSeconds(30), "retained limits and status");
        var north1 = Json(got.Last(m => m.Topic == Root + "/limits/interface/GigabitEthernet0%2F0%2F1/igmp"));
        Assert.Equal(65, north1.GetProperty("used").GetInt64());
        Assert.Equal(125, north1.GetProperty("max").GetInt64());
        Assert.Equal(5, north1.GetProperty("denies").GetProperty("interface-limit").GetInt64());
        Assert.Equal(68, Json(got.Last(m => m.Topic == Root + "/limits/router/igmp")).GetProperty("used").GetInt64());
        var cp1 = Json(got.Last(m => m.Topic == Root + "/limits/interface/GigabitEthernet0%2F0%2F2/state/1"));
        Assert.Equal(234_000_000, cp1.GetProperty("used").GetInt64());
        Assert.True(cp1.GetProperty("warning").GetBoolean());
        var status = Json(got.Last(m => m.Topic == Root + "/status"));
        Assert.Equal("offline", status.GetProperty("state").GetString());
        Assert.Equal("stopped", status.GetProperty("reason").GetString());
        Assert.Equal(0, status.GetProperty("telemetry").GetProperty("dropped").GetInt64());
        Assert.All(got, m => Assert.True(m.Retain, $"{m.Topic} should be retained"));
    }

    [Fact]
    public async Task Events_arrive_in_order_while_the_replay_runs()
    {
        await using var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/events");
        var (code, _, err) = AgentProcess.Run(Args("--replay", _trace, "--speed", "fast", "--exit-when-done"));
        Assert.True(code == 0, $"exit {code}\n{err}");
        var events = await sub.WaitForAsync(m => m.Count(x => Json(x).GetProperty("type").GetString() == "deny-burst") == 1
            && m.Count(x => Json(x).GetProperty("type").GetString() == "threshold-crossed" && x.Payload.Contains("\"scope\":\"interface/GigabitEthernet0%2F0%2F1/igmp\"")) == 2, TimeSpan.FromSeconds(30), "the burst and north-1's two crossings");
        var north1 = events.Select(Json).Where(e => e.TryGetProperty("scope", out var s) && s.GetString() == "interface/GigabitEthernet0%2F0%2F1/igmp").ToList();
        Assert.Equal(["up", "down"], north1.Select(e => e.GetProperty("direction").GetString()));
        Assert.All(events, e => Assert.False(e.Retain));
    }

    [Fact]
    public async Task When_the_agent_is_killed_the_last_will_says_offline_and_status_reports_it()
    {
        using var agent = AgentProcess.Start(Args("--replay", _trace, "--speed", "fast"));
        agent.WaitForLog("replay done", TimeSpan.FromSeconds(30));
        // Killed only once the broker holds its status and the limit the status command must show:
        // the agent publishes one message at a time, so "replay done" may come before the last of them.
        await using var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/#");
        const string limit = Root + "/limits/interface/GigabitEthernet0%2F0%2F1/igmp";
        bool Online(IEnumerable<Received> m) => m.Any(x => x.Topic == Root + "/status" && Json(x).GetProperty("state").GetString() == "online");
        await sub.WaitForAsync(m => Online(m) && m.Any(x => x.Topic == limit), TimeSpan.FromSeconds(30), "online status and the port's limit");

        agent.Signal(AgentProcess.SIGKILL);
        var got = await sub.WaitForAsync(m => m.Any(x => x.Topic == Root + "/status" && Json(x).GetProperty("state").GetString() == "offline"), TimeSpan.FromSeconds(30), "the Last Will");
        var will = Json(got.Last(x => x.Topic == Root + "/status"));
        Assert.Equal("connection-lost", will.GetProperty("reason").GetString());

        var (code, output, _) = AgentProcess.Run(["status", "--mqtt", $"127.0.0.1:{_broker.Port}", "--site", "north-pop-1", "--device", "pe-agg-1"]);
        Assert.Equal(1, code);
        Assert.Contains("pe-agg-1 @ north-pop-1: offline (connection-lost)", output);
        Assert.Contains("interface/GigabitEthernet0/0/1/igmp", output);
    }

    [Fact]
    public void Sigterm_publishes_offline_flushes_and_exits_0()
    {
        using var agent = AgentProcess.Start(Args());
        agent.WaitForLog("connected", TimeSpan.FromSeconds(60));
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("stopping: publishing offline status", agent.Errors);
        Assert.DoesNotContain("not delivered", agent.Errors);
    }

    [Fact]
    public async Task Sighup_and_file_changes_reload_and_a_bad_table_is_refused_while_the_agent_keeps_running()
    {
        int port = MosquittoBroker.FreePort();
        using var agent = AgentProcess.Start(Args("--set", $"agent.status_listen=127.0.0.1:{port}"));
        agent.WaitForLog("connected", TimeSpan.FromSeconds(60));
        await using var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/events");
        byte[] good = File.ReadAllBytes(_table);

        File.WriteAllBytes(_table, good[..(good.Length / 2)]);               // truncated by a bad copy
        var refused = await sub.WaitForAsync(m => m.Any(x => x.Payload.Contains("table-refused")), TimeSpan.FromSeconds(30), "table-refused after the file changed");
        Assert.Contains("\"trigger\":\"file-change\"", refused.First(x => x.Payload.Contains("table-refused")).Payload);
        agent.Signal(AgentProcess.SIGHUP);
        try
        {
            await sub.WaitForAsync(m => m.Any(x => x.Payload.Contains("\"trigger\":\"sighup\"")), TimeSpan.FromSeconds(30), "table-refused after SIGHUP");
        }
        catch (Xunit.Sdk.XunitException e)
        {
            Assert.Fail(e.Message + "\nagent stderr:\n" + agent.Errors);
        }
        Assert.False(agent.HasExited);

        // Still serving, with the old table.
        var (code, output, err) = AgentProcess.Run(["status", "--endpoint", $"127.0.0.1:{port}"]);
        Assert.True(code == 0, err);
        Assert.Contains("router/igmp", output);

        // A new, good table (subscriber 1003's limit raised to 3) is taken on the next change.
        string policy = File.ReadAllText(Path.Combine(RepoPaths.Examples, "broadband-edge.mpol")).Replace("igmp { limit 2 except channel-guide; }", "igmp { limit 3 except channel-guide; }");
        File.WriteAllText(_dir.File("bb.mpol"), policy);
        byte[] newer = File.ReadAllBytes(TestTables.Compile(_dir.File("bb.mpol"), "pe-agg-1", _dir.File("out2")));
        File.WriteAllBytes(_table + ".tmp", newer);
        File.Move(_table + ".tmp", _table, overwrite: true);                  // the atomic way deploy tools write
        await sub.WaitForAsync(m => m.Any(x => x.Payload.Contains("table-reloaded")), TimeSpan.FromSeconds(30), "table-reloaded");
        (code, output, _) = AgentProcess.Run(["status", "--endpoint", $"127.0.0.1:{port}", "--format", "json"]);
        Assert.Equal(0, code);
        var limits = JsonDocument.Parse(output).RootElement.GetProperty("limits").EnumerateArray();
        Assert.Equal(3, limits.First(l => l.GetProperty("scope").GetString() == "interface/GigabitEthernet0%2F0%2F12/igmp").GetProperty("max").GetInt64());
    }

    [Fact]
    public async Task With_the_broker_down_mid_replay_no_event_is_lost_and_order_is_kept()
    {
        // What the agent publishes for this trace, from the runtime in-process: the reference sequence.
        var reference = new RecordingSink();
        var runtime = new PolicyKit.Agent.Runtime.AgentRuntime(new PolicyKit.Agent.Runtime.RuntimeOptions { TablePath = _table }, reference, TextWriter.Null);
        Assert.True(runtime.TryStart(out string error), error);
        await PolicyKit.Agent.Replay.TraceReplayer.RunAsync(runtime, PolicyKit.Agent.Replay.JsonlTrace.Load(_trace), PolicyKit.Agent.Replay.ReplaySpeed.Fast, TextWriter.Null, false, CancellationToken.None);
        var expected = reference.Messages.Where(m => m.Topic == runtime.Topics.Events).Select(m => Describe(m.Payload)).ToList();
        Assert.True(expected.Count >= 5, $"the trace should make events; it made {expected.Count}");

        // The agent replays at 2x (about 10 s) and reaches the broker through a relay the test
        // controls, so the outage is the agent's alone: from ~1 s to ~4 s the relay resets its
        // connection and refuses new ones, as an unreachable broker would. The subscriber stays
        // connected to the broker throughout, so nothing the agent delivers can be missed because
        // the subscriber was late (a killed and restarted broker raced the agent's reconnect).
        using var relay = new TcpRelay(_broker.Port);
        await using var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/events");
        using var agent = AgentProcess.Start([.. Args("--replay", _trace, "--speed", "2x", "--exit-when-done"), "--set", $"mqtt.port={relay.Port}"]);
        agent.WaitForLog("connected", TimeSpan.FromSeconds(60));
        await Task.Delay(1000);
        relay.Block();
        var beforeOutage = sub.Messages.ToList();
        await Task.Delay(3000);
        relay.Unblock();
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(60)));
        var all = await sub.WaitForAsync(m => m.Count >= expected.Count, TimeSpan.FromSeconds(30), $"{expected.Count} events in all");
        var afterOutage = all.Skip(beforeOutage.Count).ToList();

        // At least once: a message in flight when the broker died may come twice, next to itself.
        var received = all.Select(m => Describe(m.Payload)).ToList();
        var deduplicated = received.Where((e, i) => i == 0 || e != received[i - 1]).ToList();
        Assert.Equal(expected, deduplicated);
        Assert.True(afterOutage.Count > 0 && beforeOutage.Count > 0, $"the outage should split the events ({beforeOutage.Count} before, {afterOutage.Count} after)");
        Assert.Contains("replay done", agent.Errors);
        Assert.True(relay.Accepted >= 2, "the agent reconnected after the outage");
    }

    /// <summary>An event without its wall-clock time (which differs between runs).</summary>
    private static string Describe(string payload)
    {
        var e = JsonDocument.Parse(payload).RootElement;
        return string.Join(' ', e.EnumerateObject().Where(p => p.Name != "time").Select(p => $"{p.Name}={p.Value}"));
    }
}
