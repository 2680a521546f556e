using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Bmp.Wire;
using PolicyKit.Telemetry.Tests;
using PolicyKit.Testing;
using static PolicyKit.Bmp.Tests.Support.Vectors;
using static PolicyKit.Bmp.Wire.BmpEncoder;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// The BMP station as an operator runs it (issue 15): a standalone mpol-agent with [bmp] on, routers
/// streaming over TCP and mutual TLS from several source addresses, telemetry read from a real
/// mosquitto and from the status endpoint. Each test reproduces one finding of the review.
/// </summary>
[Collection("bmp-agent")]
public sealed class AgentBmpStationTests : IDisposable
{
    private const string Root = "policykit/v1/default/r1";
    private const string Neighbor = "198.51.100.1";
    private readonly TempDir _dir = new();
    private readonly MosquittoBroker _broker = new();
    private readonly string _table;
    private readonly int _bmpPort = MosquittoBroker.FreePort();
    private readonly int _statusPort = MosquittoBroker.FreePort();

    /// <summary>One device whose neighbor 198.51.100.1 may send 1000 prefixes (warning above 900).</summary>
    private const string Policy = """
        device r1 platform linux {
            bgp as 64496 {
                router-id 192.0.2.254;
                neighbor 198.51.100.1 as 64500 {
                    max-prefix 1000 warn 90% restart 30m;
                }
            }
        }
        """;

    public AgentBmpStationTests()
    {
        _broker.Start();
        File.WriteAllText(_dir.File("r1.mpol"), Policy);
        _table = TestTables.Compile(_dir.File("r1.mpol"), "r1", _dir.File("out"));
    }

    public void Dispose()
    {
        _broker.Dispose();
        _dir.Dispose();
    }

    private AgentProcess StartAgent(params string[] extra)
    {
        var agent = AgentProcess.Start(["run", "--table", _table, "--set", $"mqtt.port={_broker.Port}", "--set", $"agent.status_listen=127.0.0.1:{_statusPort}",
            "--set", "bmp.enabled=true", "--set", $"bmp.listen=127.0.0.1:{_bmpPort}", "--set", "mqtt.publish_interval=300ms", .. extra]);
        agent.WaitForLog("bmp: station listening", TimeSpan.FromSeconds(30));
        return agent;
    }

    private static JsonElement Json(string payload) => JsonDocument.Parse(payload).RootElement;

    /// <summary>Initiation, the neighbor's Peer Up, <paramref name="prefixes"/> /24s ten to an UPDATE, and a statistics report with a vendor type.</summary>
    private static byte[] Router(string sysName, int prefixes)
    {
        var messages = new List<byte[]> { Initiation(sysName, "test router"), PeerUpFor(Neighbor) };
        for (int i = 0; i < prefixes; i += 10)
            messages.Add(Announce(Neighbor, [64500], Enumerable.Range(i, Math.Min(10, prefixes - i)).Select(k => $"20.{k / 256}.{k % 256}.0/24").ToArray()));
        messages.Add(Statistics(PeerHeader(Neighbor), (0, U32(3)), (7, U64((ulong)prefixes)), (65531, U32(42))));
        return Concat([.. messages]);
    }

    /// <summary>A TCP connection to the station from <paramref name="source"/> (any 127.0.0.0/8 address: a router of its own).</summary>
    private TcpClient Connect(string source = "127.0.0.1")
    {
        var client = new TcpClient(new IPEndPoint(IPAddress.Parse(source), 0));
        client.Connect(IPAddress.Loopback, _bmpPort);
        return client;
    }

    private async Task<JsonElement> StatusAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return Json(await http.GetStringAsync($"http://127.0.0.1:{_statusPort}/status"));
    }

    [Fact]
    public async Task Limits_the_bmp_topic_and_status_report_one_prefix_count_with_its_view_and_the_routers_statistics()
    {
        await using var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/#");
        using var agent = StartAgent();
        using var router = Connect();
        router.GetStream().Write(Router("r1", 1200));
        string peerTopic = $"{Root}/bmp/r1@127.0.0.1/{Neighbor}";
        string limitTopic = $"{Root}/limits/bgp/{Neighbor}";

        var got = await sub.WaitForAsync(m => m.Any(x => x.Topic == peerTopic && x.Payload.Contains("\"statistics_reports\":1"))
            && m.Any(x => x.Topic == limitTopic && Json(x.Payload).GetProperty("used").GetInt64() == 1000), TimeSpan.FromSeconds(20), "the peer's state and its limit");
        var peer = Json(got.Last(x => x.Topic == peerTopic).Payload);
        var limit = Json(got.Last(x => x.Topic == limitTopic).Payload);
        Assert.Equal("pre-policy", peer.GetProperty("view").GetString());
        Assert.Equal(1000, peer.GetProperty("policy_prefixes").GetInt64());
        Assert.True(peer.GetProperty("exceeded").GetBoolean());
        Assert.Equal(200, peer.GetProperty("refused_by_max_prefix").GetInt64());
        Assert.Equal(1000, limit.GetProperty("used").GetInt64());
        Assert.Equal(1000, limit.GetProperty("max").GetInt64());
        Assert.Equal($"bmp r1@127.0.0.1/{Neighbor} pre-policy", limit.GetProperty("source").GetString());
        // The router's statistics report, vendor type included.
        var statistics = peer.GetProperty("statistics");
        Assert.Equal(1200ul, statistics.GetProperty("adj-rib-in-routes").GetUInt64());
        Assert.Equal(42ul, statistics.GetProperty("type-65531").GetUInt64());
        // The station's own counters, retained.
        var station = Json(got.Last(x => x.Topic == Root + "/bmp/station").Payload);
        Assert.Equal(1, station.GetProperty("sessions").GetInt64());
        Assert.True(station.TryGetProperty("tls_failures", out _) && station.TryGetProperty("events_dropped", out _), station.ToString());

        // /status: the same figure in its limits and in its BMP section, every router and peer listed.
        var status = await StatusAsync();
        var bgp = status.GetProperty("limits").EnumerateArray().Single(l => l.GetProperty("scope").GetString() == $"bgp/{Neighbor}");
        Assert.Equal(1000, bgp.GetProperty("used").GetInt64());
        var bmp = status.GetProperty("bmp");
        var routerState = bmp.GetProperty("routers").EnumerateArray().Single();
        Assert.Equal("r1@127.0.0.1", routerState.GetProperty("router").GetString());
        var peerState = routerState.GetProperty("peers").EnumerateArray().Single();
        Assert.Equal(1000, peerState.GetProperty("policy_prefixes").GetInt64());
        Assert.Equal(1200, peerState.GetProperty("prefixes").GetProperty("pre-policy").GetInt64());
        Assert.Equal(42ul, peerState.GetProperty("statistics").GetProperty("type-65531").GetUInt64());
        Assert.Equal(1, bmp.GetProperty("station").GetProperty("sessions").GetInt64());
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(20)));
    }

    /// <summary>
    /// Issue 17: /metrics had no BMP figures and <c>mpol-agent status</c> no BMP lines. A router
    /// whose sysName needs escaping (a quote and a backslash) streams 1200 prefixes; /metrics
    /// carries the station's counters and the router's and peer's series with the same figures as
    /// /status, in valid OpenMetrics (one TYPE/HELP per family, counters in _total, label values
    /// escaped) that a real Prometheus scrapes and gives back; the status text shows the station
    /// and the router.
    /// </summary>
    [Fact]
    public async Task Metrics_and_the_status_text_carry_the_station_and_every_router_and_peer()
    {
        using var agent = StartAgent();
        using var router = Connect();
        router.GetStream().Write(Router("edge\\\"1", 1200));
        const string routerName = "edge\\\"1@127.0.0.1";
        const string routerLabel = "edge\\\\\\\"1@127.0.0.1";

        // Every message in (the statistics report is the last): the figures stand still from here.
        JsonElement status = default;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(status.ValueKind == JsonValueKind.Object && status.GetProperty("bmp").GetProperty("routers").EnumerateArray()
            .SelectMany(r => r.GetProperty("peers").EnumerateArray()).Any(p => p.GetProperty("statistics_reports").GetInt64() == 1)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the router's statistics report not in /status after 20 s: " + status);
            await Task.Delay(200);
            status = await StatusAsync();
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string metrics = await http.GetStringAsync($"http://127.0.0.1:{_statusPort}/metrics");
        AssertOpenMetrics(metrics);

        var station = status.GetProperty("bmp").GetProperty("station");
        var routerState = status.GetProperty("bmp").GetProperty("routers").EnumerateArray().Single();
        Assert.Equal(routerName, routerState.GetProperty("router").GetString());
        string peer = $"router=\"{routerLabel}\",peer=\"{Neighbor}\"";
        Assert.Contains("mpol_agent_bmp_sessions 1\n", metrics);
        Assert.Contains("mpol_agent_bmp_pending 0\n", metrics);
        Assert.Contains($"mpol_agent_bmp_messages_total {station.GetProperty("messages").GetInt64()}\n", metrics);
        Assert.Contains($"mpol_agent_bmp_malformed_total {station.GetProperty("malformed").GetInt64()}\n", metrics);
        Assert.Contains($"mpol_agent_bmp_events_dropped_total {station.GetProperty("events_dropped").GetInt64()}\n", metrics);
        Assert.Contains("mpol_agent_bmp_refused_total{reason=\"tls_failures\"} 0\n", metrics);
        Assert.Contains($"mpol_agent_bmp_router_up{{router=\"{routerLabel}\"}} 1\n", metrics);
        Assert.Contains($"mpol_agent_bmp_router_peers{{router=\"{routerLabel}\"}} 1\n", metrics);
        Assert.Contains($"mpol_agent_bmp_peer_up{{{peer}}} 1\n", metrics);
        Assert.Contains($"mpol_agent_bmp_peer_prefixes{{{peer},view=\"pre-policy\"}} 1200\n", metrics);
        Assert.Contains($"mpol_agent_bmp_peer_policy_prefixes{{{peer}}} 1000\n", metrics);
        Assert.Contains($"mpol_agent_bmp_peer_max_prefix{{{peer}}} 1000\n", metrics);

        // A real Prometheus takes the document and gives the peer's figure back under the router's own name.
        using (var prometheus = new PrometheusServer(_dir, _statusPort))
        {
            var scraped = await prometheus.WaitForAsync("mpol_agent_bmp_peer_policy_prefixes", r => r.Count > 0);
            var series = Assert.Single(scraped);
            Assert.Equal(routerName, series.Metric.GetProperty("router").GetString());
            Assert.Equal(Neighbor, series.Metric.GetProperty("peer").GetString());
            Assert.Equal(1000, series.Value);
            Assert.Equal(1, Assert.Single(await prometheus.QueryAsync("mpol_agent_bmp_sessions")).Value);
        }

        // mpol-agent status: a line for the station, one for the router.
        var (code, output, err) = AgentProcess.Run(["status", "--endpoint", $"127.0.0.1:{_statusPort}"]);
        Assert.True(code == 0, err);
        Assert.Contains("bmp: 1 sessions, 0 pending, ", output);
        Assert.Contains($"bmp {routerName}: 1/1 peers up, 1000 prefixes, {routerState.GetProperty("messages").GetInt64()} messages, 0 malformed", output);
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(20)));
    }

    /// <summary>OpenMetrics as Prometheus parses it: one TYPE and HELP per family before its samples, counter samples in _total, the # EOF last.</summary>
    internal static void AssertOpenMetrics(string text)
    {
        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helps = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
        {
            string[] parts = line.Split(' ', 4);
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal)) Assert.True(types.TryAdd(parts[2], parts[3]), "two TYPE lines: " + line);
            else if (line.StartsWith("# HELP ", StringComparison.Ordinal)) Assert.True(helps.Add(parts[2]), "two HELP lines: " + line);
            else
            {
                string name = line[..line.IndexOfAny(['{', ' '])];
                string family = types.Keys.Where(f => name == f || name.StartsWith(f + "_", StringComparison.Ordinal)).MaxBy(f => f.Length) ?? "";
                Assert.True(family.Length > 0, "a sample before its family's TYPE: " + line);
                if (types[family] == "counter") Assert.Equal(family + "_total", name);
                Assert.DoesNotContain("_total", family);
            }
        }
        Assert.Equal(types.Keys.Order(), helps.Order());
    }

    [Fact]
    public async Task Two_routers_with_one_sysName_stay_apart_and_retained_state_goes_down_with_the_session_and_the_agent()
    {
        using var agent = StartAgent();
        using var first = Connect("127.0.0.1");
        using var second = Connect("127.0.0.2");
        first.GetStream().Write(Router("r1", 10));
        second.GetStream().Write(Router("r1", 20));
        string firstTopic = $"{Root}/bmp/r1@127.0.0.1/{Neighbor}", secondTopic = $"{Root}/bmp/r1@127.0.0.2/{Neighbor}";
        await using (var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/bmp/#"))
        {
            var got = await sub.WaitForAsync(m => m.Any(x => x.Topic == firstTopic && Json(x.Payload).GetProperty("policy_prefixes").GetInt64() == 10)
                && m.Any(x => x.Topic == secondTopic && Json(x.Payload).GetProperty("policy_prefixes").GetInt64() == 20), TimeSpan.FromSeconds(20), "both routers' peers");
            Assert.True(Json(got.Last(x => x.Topic == firstTopic).Payload).GetProperty("up").GetBoolean());

            // The first router's session closes: its retained state says so (and the second's does not).
            first.Close();
            await sub.WaitForAsync(m => m.Any(x => x.Topic == firstTopic && x.Retain && !Json(x.Payload).GetProperty("up").GetBoolean()
                && !Json(x.Payload).GetProperty("session_up").GetBoolean()), TimeSpan.FromSeconds(20), "the closed session's peer marked down");
            await Task.Delay(1000); // a few publish intervals: the closed session's "down" must stand
        }
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(20)));

        // What a dashboard that connects now sees, retained: nothing "up".
        await using var after = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/bmp/#");
        var retained = await after.WaitForAsync(m => m.Any(x => x.Topic == secondTopic) && m.Any(x => x.Topic == firstTopic) && m.Any(x => x.Topic == Root + "/bmp/station"),
            TimeSpan.FromSeconds(10), "the retained BMP topics");
        Assert.False(Json(retained.Last(x => x.Topic == firstTopic).Payload).GetProperty("up").GetBoolean());
        var second2 = Json(retained.Last(x => x.Topic == secondTopic).Payload);
        Assert.False(second2.GetProperty("up").GetBoolean());
        Assert.Contains("stopping", second2.GetProperty("reason").GetString()); // the agent stopped: its sessions closed
        Assert.Equal("stopped", Json(retained.Last(x => x.Topic == Root + "/bmp/station").Payload).GetProperty("state").GetString());
        Assert.All(retained.Where(x => x.Topic.Count(c => c == '/') == Root.Count(c => c == '/') + 3), x => Assert.Contains("\"up\":false", x.Payload));
    }

    [Fact]
    public async Task A_flood_of_malformed_messages_costs_a_few_reasoned_log_lines_and_drops_no_telemetry()
    {
        await using var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/events");
        using var agent = StartAgent("--set", "bmp.event_interval=2s");
        const int bad = 100_000;
        // An UPDATE without ORIGIN: RFC 7606 treat-as-withdraw, the session goes on.
        var malformed = RouteMonitoring(PeerHeader(Neighbor), Update([], [AsPathAttribute(true, 64500), NextHop(A(Neighbor))], [P("20.0.0.0/24")]));
        using var router = Connect();
        var stream = router.GetStream();
        stream.Write(Concat(Initiation("noisy", null), PeerUpFor(Neighbor)));
        var batch = Concat([.. Enumerable.Repeat(malformed, 1000)]);
        for (int i = 0; i < bad / 1000; i++) stream.Write(batch);

        JsonElement routerState = default;
        Assert.True(SpinWait.SpinUntil(() =>
        {
            var status = StatusAsync().GetAwaiter().GetResult();
            if (!status.TryGetProperty("bmp", out var bmp)) return false;
            routerState = bmp.GetProperty("routers").EnumerateArray().SingleOrDefault();
            return routerState.ValueKind == JsonValueKind.Object && routerState.GetProperty("messages").GetInt64() == bad + 2;
        }, TimeSpan.FromSeconds(60)), "the station did not process the whole stream");
        Assert.Equal(bad, routerState.GetProperty("malformed").GetInt64());
        Assert.Equal(bad, routerState.GetProperty("malformed_by_reason").GetProperty("route-monitoring: missing-well-known").GetInt64());
        var events = await sub.WaitForAsync(m => m.Any(x => x.Payload.Contains("\"type\":\"bmp-events-suppressed\"")), TimeSpan.FromSeconds(15), "the summary of held-back events");

        // A handful of events and one summary per window, not one per bad message; nothing dropped on the way to the broker.
        int malformedEvents = events.Count(x => x.Payload.Contains("\"type\":\"bmp-malformed\""));
        Assert.InRange(malformedEvents, 1, 5 * 5);
        var summary = Json(events.First(x => x.Payload.Contains("\"type\":\"bmp-events-suppressed\"")).Payload);
        Assert.True(summary.GetProperty("total").GetInt64() > bad / 2, summary.ToString());
        var status2 = await StatusAsync();
        Assert.Equal(0, status2.GetProperty("telemetry").GetProperty("dropped").GetInt64());
        Assert.Equal(0, status2.GetProperty("bmp").GetProperty("station").GetProperty("events_dropped").GetInt64());
        // The log: a few lines, each with its reason, and the summary with the count. The summary's
        // event can reach the subscriber before its log line is read from the agent's stderr: wait for it.
        agent.WaitForLog("counted not sent", TimeSpan.FromSeconds(15));
        var lines = agent.Errors.Split('\n').Where(l => l.Contains("malformed", StringComparison.Ordinal)).ToList();
        Assert.InRange(lines.Count, 1, 40);
        Assert.Contains(lines, l => l.Contains("missing-well-known", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("counted not sent", StringComparison.Ordinal) && l.Contains("×", StringComparison.Ordinal));
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task With_only_tls_listen_set_no_plaintext_is_served_and_a_refused_router_is_in_the_log_with_its_reason()
    {
        var pki = TestCertificates.Create(_dir.Path);
        int tlsPort = MosquittoBroker.FreePort();
        using var agent = AgentProcess.Start(["run", "--table", _table, "--set", "mqtt.enabled=false", "--set", "agent.status_listen=",
            "--set", "bmp.enabled=true", "--set", $"bmp.tls_listen=127.0.0.1:{tlsPort}",
            "--set", $"bmp.cert_file={pki.ServerCertFile}", "--set", $"bmp.key_file={pki.ServerKeyFile}", "--set", $"bmp.ca_file={pki.CaFile}"]);
        agent.WaitForLog("bmp: station listening", TimeSpan.FromSeconds(30));
        string listening = agent.Errors.Split('\n').Single(l => l.Contains("bmp: station listening", StringComparison.Ordinal));
        Assert.Contains($"127.0.0.1:{tlsPort} (TLS)", listening);
        Assert.DoesNotContain("plain TCP", listening);

        // A router whose certificate another CA signed: refused, and the reason is in the log.
        using var rogue = new TcpClient();
        await rogue.ConnectAsync(IPAddress.Loopback, tlsPort);
        using var ssl = new SslStream(rogue.GetStream());
        var stranger = X509Certificate2.CreateFromPemFile(pki.OtherClientCertFile, pki.OtherClientKeyFile);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                ClientCertificates = [stranger],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            });
            await ssl.WriteAsync(Initiation("rogue", null));
            _ = await ssl.ReadAsync(new byte[1]); // 0 or an exception: the station closes it
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            // TLS 1.3 may report the refusal only on the next read: either way the station refused it.
        }
        agent.WaitForLog("refused: client certificate CN=stranger", TimeSpan.FromSeconds(15));
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(20)));
    }

    /// <summary>
    /// Issue 15, finding 7: RSS ratcheted up across reconnects of the same router. A router with
    /// 200,000 prefixes (one to an UPDATE, a path each) connects five times in a row; the agent's
    /// RSS after the last session must be where the first left it (within 25 %), and near where the
    /// agent rested before any (a closed session's RIB is given back). The bench's
    /// <c>--reconnects</c> runs the 1M-prefix, 10-session figure for the README: 371 → 556 MB before
    /// the fix, 58 → 62 MB after.
    /// </summary>
    [Fact]
    public void A_router_reconnecting_leaves_the_agents_memory_where_its_first_session_left_it()
    {
        using var agent = StartAgent();
        long resting = agent.Rss().Current;
        const int prefixes = 200_000;
        var stream = new MemoryStream();
        stream.Write(Initiation("big", null));
        stream.Write(PeerUpFor(Neighbor));
        for (int k = 0; k < prefixes; k++)
            stream.Write(Announce(Neighbor, [64500, 65000u + (uint)(k % 5000), 66000u + (uint)(k / 5000)], $"{20 + k / 65536}.{k / 256 % 256}.{k % 256}.0/24"));
        byte[] bytes = stream.ToArray();
        var after = new List<long>();
        for (int session = 1; session <= 5; session++)
        {
            using (var router = Connect())
            {
                router.GetStream().Write(bytes);
                router.Client.Shutdown(SocketShutdown.Send);
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (agent.Errors.Split('\n').Count(l => l.Contains("bmp: session", StringComparison.Ordinal) && l.Contains(" closed:", StringComparison.Ordinal)) < session)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"session {session} did not end:\n{agent.Errors}");
                    Thread.Sleep(100);
                }
            }
            Thread.Sleep(2000);
            after.Add(agent.Rss().Current);
        }
        string figures = $"at rest {resting / 1024} MB; after each session " + string.Join(", ", after.Select(kb => $"{kb / 1024} MB"));
        Assert.True(after[^1] <= after[0] * 1.25, figures);
        Assert.True(after[^1] <= resting + 40 * 1024, figures);
        Assert.Contains($"{prefixes + 2} messages", agent.Errors);
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(20)));
    }
}
