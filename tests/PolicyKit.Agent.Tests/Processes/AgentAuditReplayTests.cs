using System.Text.Json;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Telemetry.Tests;
using PolicyKit.Testing;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// Audit on live traffic (issue 19): the built agent replays the broadband evening with subscriber
/// 1002's port in audit, against a real mosquitto. Its joins that the port's own rules refuse are
/// admitted and published as would-deny events with rule and line; router-wide rules still deny.
/// </summary>
public sealed class AgentAuditReplayTests : IDisposable
{
    private const string Root = "policykit/v1/north-pop-1/pe-agg-1";
    private const string Port1002 = "GigabitEthernet0/0/11";
    private readonly TempDir _dir = new();
    private readonly MosquittoBroker _broker = new();
    private readonly string _trace = Path.Combine(RepoPaths.Traces, "broadband-edge.jsonl");

    public AgentAuditReplayTests() => _broker.Start();

    public void Dispose()
    {
        _broker.Dispose();
        _dir.Dispose();
    }

    /// <summary>The example policy, with subscriber 1002's port in audit when <paramref name="audit"/>; its table's path.</summary>
    private string Table(bool audit, string name)
    {
        string policy = File.ReadAllText(Path.Combine(RepoPaths.Examples, "broadband-edge.mpol"));
        const string port = "description \"ftth subscriber 1002\";";
        Assert.Contains(port, policy, StringComparison.Ordinal);
        if (audit) policy = policy.Replace(port, port + " audit;", StringComparison.Ordinal);
        // Its includes are std/… only, which resolve wherever the policy is.
        string path = _dir.File($"{name}.mpol");
        File.WriteAllText(path, policy);
        return TestTables.Compile(path, "pe-agg-1", _dir.File(name));
    }

    private static JsonElement Json(Received m) => JsonDocument.Parse(m.Payload).RootElement;

    /// <summary>Replays the evening through the built agent; returns every event and the final retained status.</summary>
    private async Task<(List<JsonElement> Events, JsonElement Status)> Replay(string table)
    {
        await using var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/#");
        var (code, _, err) = AgentProcess.Run([
            "run", "--table", table, "--set", $"mqtt.port={_broker.Port}", "--set", "agent.status_listen=",
            "--replay", _trace, "--speed", "fast", "--exit-when-done"]);
        Assert.True(code == 0, $"exit {code}\n{err}");
        // The broker still holds the previous replay's retained "offline": this run's is the one after its "online".
        static string? State(Received x) => x.Topic == Root + "/status" ? Json(x).GetProperty("state").GetString() : null;
        var got = await sub.WaitForAsync(m => m.SkipWhile(x => State(x) != "online").Any(x => State(x) == "offline"),
            TimeSpan.FromSeconds(30), "this replay's offline status");
        var events = got.Where(m => m.Topic == Root + "/events").Select(Json).ToList();
        return (events, Json(got.Last(m => m.Topic == Root + "/status")));
    }

    [Fact]
    public async Task A_port_in_audit_admits_what_its_rules_would_deny_and_reports_each_with_rule_and_line()
    {
        var (plainEvents, plain) = await Replay(Table(audit: false, "plain"));
        var (events, audited) = await Replay(Table(audit: true, "audit"));

        // Enforcing, the port's own rules deny (access filter, minimum version); in audit they admit.
        static bool OnPort(JsonElement e) => e.TryGetProperty("interface", out var i) && i.GetString() == Port1002;
        string[] ownRules = ["access-filter", "minimum-version", "interface-limit"];
        var plainDenies = plainEvents.Where(e => e.GetProperty("type").GetString() == "deny" && OnPort(e)).ToList();
        Assert.Contains(plainDenies, e => ownRules.Contains(e.GetProperty("reason").GetString()));
        Assert.DoesNotContain(plainEvents, e => e.GetProperty("type").GetString() == "would-deny");

        var wouldDeny = events.Where(e => e.GetProperty("type").GetString() == "would-deny").ToList();
        Assert.NotEmpty(wouldDeny);
        Assert.All(wouldDeny, e =>
        {
            Assert.True(OnPort(e), e.ToString());
            Assert.True(e.GetProperty("audit").GetBoolean());
            Assert.Contains(e.GetProperty("reason").GetString(), ownRules);
            Assert.False(string.IsNullOrEmpty(e.GetProperty("rule").GetString()));
            Assert.Matches(@"^audit\.mpol:\d+:\d+$", e.GetProperty("location").GetString());
        });
        Assert.DoesNotContain(events, e => e.GetProperty("type").GetString() == "deny" && OnPort(e) && ownRules.Contains(e.GetProperty("reason").GetString()));
        // Rate-limited per reason: at most telemetry.deny_events (10) of each in the window.
        Assert.All(wouldDeny.GroupBy(e => e.GetProperty("reason").GetString()), g => Assert.True(g.Count() <= 10, $"{g.Key}: {g.Count()} events"));

        // Every would-deny was admitted: the admits grew by exactly the would-denies, the denies fell by as many.
        var d0 = plain.GetProperty("decisions");
        var d1 = audited.GetProperty("decisions");
        long would = d1.GetProperty("would_deny").GetInt64();
        Assert.Equal(would, d1.GetProperty("would_deny_by_reason").EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.True(would >= wouldDeny.Count, $"{would} would-denies counted, {wouldDeny.Count} published");
        Assert.Equal(d0.GetProperty("admit").GetInt64() + would, d1.GetProperty("admit").GetInt64());
        Assert.Equal(d0.GetProperty("deny").GetInt64() - would, d1.GetProperty("deny").GetInt64());
        Assert.False(d0.TryGetProperty("would_deny", out _));
    }
}
