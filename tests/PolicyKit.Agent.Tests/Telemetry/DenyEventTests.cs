using System.Collections.Immutable;
using System.Text.Json;
using PolicyKit.Agent.Runtime;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Engine;
using PolicyKit.Engine.Scripting;

namespace PolicyKit.Agent.Tests.Telemetry;

/// <summary>
/// Every deny explained (issue 19): each deny event names the reason, the rule, the policy line
/// that writes it and, for a limit, the limit with its use and bound — for every
/// <see cref="DenyReason"/>. The test walks the enum: a new reason without a scenario here, or
/// without an explanation in the event, fails it.
/// </summary>
public sealed class DenyEventTests : IDisposable
{
    private const string Policy = """
        groups tv { 239.1.0.0/16; }
        groups scoped { 239.192.0.0/10; }
        sources encoders { 10.8.0.0/24; }
        prefixes bogons { 10.0.0.0/8 le 32; }
        filter joins { permit groups tv; }
        filter sa-in { deny sources 10.0.0.0/8; permit any; }
        filter sa-out { deny groups 224.0.1.0/24; permit any; }
        filter originate { deny sources 10.1.1.5; permit sources 10.1.0.0/16; }
        filter in-filter { deny prefixes bogons; permit any; }
        device r1 platform ios-xe {
            mroute-limit 2;
            igmp limit 2;
            group-range deny groups scoped;
            interface "eth1" { igmp { version >= 3; access joins; limit 1; } state-limit rpf 1; }
            interface "eth2" { igmp { limit 5; } }
            rp { address 192.0.2.9; accept-register sources encoders; }
            pim { register-rate-limit 1; }
            msdp {
                redistribute filter originate;
                peer 192.0.2.1 as 64501 { sa-filter in sa-in; sa-filter out sa-out; sa-limit 1; auth md5 secret env("K1"); }
            }
            bgp as 64496 {
                neighbor 198.51.100.1 as 64500 { max-prefix 1; prefix-filter in in-filter; auth md5 secret env("B1"); }
            }
        }
        """;

    /// <summary>Per reason: the events that lead to it (the last one is denied) and the policy text of the deciding rule (null: no policy line decides).</summary>
    private static readonly Dictionary<DenyReason, (string Script, string? Line)> Scenarios = new()
    {
        [DenyReason.InvalidEvent] = ("", null),   // built by hand below: no script can write a v6 source for a v4 group
        [DenyReason.GroupRange] = ("join eth2 239.192.0.1", "group-range deny groups scoped"),
        [DenyReason.SsmRangeNeedsSource] = ("join eth2 232.1.1.1", null),
        [DenyReason.MinimumVersion] = ("join eth1 239.1.1.1 version 2", "igmp { version >= 3"),
        [DenyReason.AccessFilter] = ("join eth1 239.2.1.1", "filter joins"),
        [DenyReason.InterfaceLimit] = ("join eth1 239.1.1.1; join eth1 239.1.1.2", "limit 1;"),
        [DenyReason.RouterLimit] = ("join eth2 239.1.1.1; join eth2 239.1.1.2; join eth2 239.1.1.3", "igmp limit 2"),
        [DenyReason.RouteLimit] = ("state 10.9.9.1 239.1.0.1 rpf eth2; state 10.9.9.1 239.1.0.2 rpf eth2; state 10.9.9.1 239.1.0.3 rpf eth2", "mroute-limit 2"),
        [DenyReason.StateLimit] = ("state 10.9.9.1 239.1.0.1 rpf eth1; state 10.9.9.1 239.1.0.2 rpf eth1", "state-limit rpf 1"),
        [DenyReason.NoState] = ("", null),        // a live source's output for state the engine does not hold: built below
        [DenyReason.UnknownPeer] = ("sa 192.0.2.99 10.1.1.1 239.1.1.1 192.0.2.99", null),
        [DenyReason.SaFilterIn] = ("sa 192.0.2.1 10.1.1.1 239.1.1.1 192.0.2.1", "deny sources 10.0.0.0/8"),
        [DenyReason.SaFilterOut] = ("sa-out 192.0.2.1 198.51.100.7 224.0.1.39 192.0.2.77", "deny groups 224.0.1.0/24"),
        [DenyReason.SaLimit] = ("sa 192.0.2.1 198.51.100.7 239.1.1.1 192.0.2.1; sa 192.0.2.1 198.51.100.7 239.1.1.2 192.0.2.1", "peer 192.0.2.1"),
        [DenyReason.AcceptRegister] = ("register 10.9.0.1 239.1.1.1", "rp { address"),
        [DenyReason.RegisterRate] = ("register 10.8.0.1 239.1.1.1; register 10.8.0.1 239.1.1.1", "register-rate-limit 1"),
        [DenyReason.PrefixFilter] = ("prefix 198.51.100.1 10.1.0.0/16", "filter in-filter"),
        [DenyReason.MaxPrefix] = ("prefix 198.51.100.1 203.0.113.0/24; prefix 198.51.100.1 203.0.114.0/24", "neighbor 198.51.100.1"),
        [DenyReason.SaRedistribute] = ("sa-originate 192.0.2.1 10.1.1.5 239.1.1.1", "deny sources 10.1.1.5"),
    };

    /// <summary>The reasons whose deny is measured against a limit: their event must carry its state.</summary>
    private static readonly HashSet<DenyReason> LimitReasons =
        [DenyReason.InterfaceLimit, DenyReason.RouterLimit, DenyReason.RouteLimit, DenyReason.StateLimit, DenyReason.SaLimit, DenyReason.RegisterRate, DenyReason.MaxPrefix];

    private readonly TempDir _dir = new();
    private readonly string _table;

    public DenyEventTests()
    {
        File.WriteAllText(_dir.File("deny.mpol"), Policy);
        _table = TestTables.Compile(_dir.File("deny.mpol"), "r1", _dir.File("out"));
    }

    public void Dispose() => _dir.Dispose();

    private (AgentRuntime Runtime, RecordingSink Sink) Start(int denyEvents = 10)
    {
        var sink = new RecordingSink();
        var runtime = new AgentRuntime(new RuntimeOptions { TablePath = _table, DenyEvents = denyEvents, DenyBurst = 0 }, sink, TextWriter.Null);
        Assert.True(runtime.TryStart(out string error), error);
        return (runtime, sink);
    }

    private static IReadOnlyList<ScriptEvent> Parse(string script)
    {
        Assert.True(EventScript.TryParse(script, out var events, out string error), $"{script}: {error}");
        return events;
    }

    /// <summary>"test.mpol:L:C" of the first line holding <paramref name="text"/>, as the table writes it (relative to the policy's folder).</summary>
    private static string LineOf(string text)
    {
        var lines = Policy.Split('\n');
        int i = Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(i >= 0, $"'{text}' is not in the policy");
        return $"deny.mpol:{i + 1}:";
    }

    [Fact]
    public void Every_deny_reason_has_a_scenario_and_its_event_names_the_rule_the_line_and_the_limit_state()
    {
        var missing = Enum.GetValues<DenyReason>().Where(r => r != DenyReason.None && !Scenarios.ContainsKey(r)).ToList();
        Assert.True(missing.Count == 0, $"no deny-event scenario for {string.Join(", ", missing)}: add one here, and an explanation (DenyExplanation) if no policy line decides it");

        foreach (var (reason, (script, line)) in Scenarios)
        {
            var (runtime, sink) = Start();
            var events = reason == DenyReason.InvalidEvent
                ? [new ScriptEvent(ScriptEventKind.Join, "join eth1 239.1.1.1 source 2001:db8::1", Interface: "eth1", Group: Address.Parse("239.1.1.1"), Source: Address.Parse("2001:db8::1"), Version: 3)]
                : script.Length == 0 ? [] : Parse(script);
            Decision last = default;
            if (reason == DenyReason.NoState)
            {
                // As the NFQUEUE flow admitter reports its own engine calls.
                events = [new ScriptEvent(ScriptEventKind.State, "out 10.9.9.1 239.1.0.1 eth1")];
                lock (runtime.EngineLock)
                {
                    var engine = runtime.Engine;
                    last = engine.AddOutput(new OutputEvent(Address.Parse("10.9.9.1"), Address.Parse("239.1.0.1"), engine.Interface("eth1")), 0);
                }
                runtime.Record(ScriptEventKind.State, "eth1", Address.Parse("239.1.0.1"), events[0].Text, last);
            }
            foreach (var e in reason == DenyReason.NoState ? [] : events) last = runtime.Apply(e, 0)[^1].Decision;
            Assert.True(last.Reason == reason && !last.IsAdmit, $"{reason}: the scenario '{script}' ended in {last}");

            var denies = sink.Events(runtime.Topics.Events, "deny");
            Assert.True(denies.Count >= 1, $"{reason}: no deny event");
            var x = denies[^1];
            Assert.Equal(Decision.ReasonText(reason), x.GetProperty("reason").GetString());
            Assert.False(x.GetProperty("audit").GetBoolean());
            Assert.Equal(events[^1].Text, x.GetProperty("event").GetString());
            string rule = x.GetProperty("rule").GetString()!;
            Assert.False(string.IsNullOrWhiteSpace(rule), $"{reason}: the event names no rule");
            var location = x.GetProperty("location");
            if (line is not null)
            {
                Assert.Equal(JsonValueKind.String, location.ValueKind);
                Assert.StartsWith(LineOf(line), location.GetString(), StringComparison.Ordinal);
                Assert.False(x.TryGetProperty("basis", out _), $"{reason}: a located rule needs no basis");
            }
            else if (reason == DenyReason.SsmRangeNeedsSource)
            {
                // The device keeps the default SSM range: the rule is named, no line writes it.
                Assert.Equal(JsonValueKind.Null, location.ValueKind);
                Assert.StartsWith("ssm-range 232.0.0.0/8", rule, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, location.ValueKind);
                Assert.True(x.TryGetProperty("basis", out var basis) && basis.GetString()!.Length > 0, $"{reason}: no line and no basis");
            }
            if (LimitReasons.Contains(reason))
            {
                Assert.True(x.TryGetProperty("limit", out var limit), $"{reason}: a limit deny without the limit's state");
                Assert.True(limit.GetProperty("max").GetInt64() >= 1, $"{reason}: bound {limit}");
                Assert.True(limit.GetProperty("used").GetInt64() >= 0, $"{reason}: use {limit}");
                Assert.False(string.IsNullOrEmpty(limit.GetProperty("rule").GetString()));
                Assert.StartsWith(LineOf(line!), limit.GetProperty("location").GetString(), StringComparison.Ordinal);
                Assert.False(string.IsNullOrEmpty(limit.GetProperty("unit").GetString()));
                Assert.False(string.IsNullOrEmpty(limit.GetProperty("scope").GetString()));
            }
            else
            {
                Assert.False(x.TryGetProperty("limit", out _), $"{reason}: not a limit deny");
            }
        }
    }

    [Fact]
    public void Deny_events_are_rate_limited_per_reason_and_the_rest_summarised_once_per_window()
    {
        var (runtime, sink) = Start(denyEvents: 3);
        // 10 access-filter denies and 2 group-range denies in the first second; one more event a
        // minute later ends the window.
        for (int i = 0; i < 10; i++) runtime.Apply(Parse($"join eth1 239.2.1.{i}")[0], TimeSpan.TicksPerMillisecond * i);
        for (int i = 0; i < 2; i++) runtime.Apply(Parse($"join eth2 239.192.0.{i}")[0], TimeSpan.TicksPerMillisecond * 100);
        var denies = sink.Events(runtime.Topics.Events, "deny");
        Assert.Equal(3, denies.Count(d => d.GetProperty("reason").GetString() == "access-filter"));
        Assert.Equal(2, denies.Count(d => d.GetProperty("reason").GetString() == "group-range"));
        Assert.Empty(sink.Events(runtime.Topics.Events, "deny-events-suppressed"));

        runtime.Apply(Parse("join eth1 239.1.1.1")[0], TimeSpan.TicksPerSecond * 61);
        var summary = Assert.Single(sink.Events(runtime.Topics.Events, "deny-events-suppressed"));
        Assert.Equal(7, summary.GetProperty("suppressed").GetProperty("deny/access-filter").GetInt64());
        Assert.False(summary.GetProperty("suppressed").TryGetProperty("deny/group-range", out _));
        // The status still counts every deny.
        Assert.Equal(10, runtime.Decisions().Denies["access-filter"]);
    }

    [Fact]
    public void No_deny_events_when_turned_off()
    {
        var (runtime, sink) = Start(denyEvents: 0);
        runtime.Apply(Parse("join eth1 239.2.1.1")[0], 0);
        Assert.Empty(sink.Events(runtime.Topics.Events, "deny"));
        Assert.Equal(1, runtime.Decisions().Denies["access-filter"]);
    }
}
