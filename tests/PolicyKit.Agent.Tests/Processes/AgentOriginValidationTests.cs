using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Telemetry.Tests;
using PolicyKit.Testing;
using static PolicyKit.Bmp.Tests.Support.Vectors;
using static PolicyKit.Bmp.Wire.BmpEncoder;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// Hijack telemetry as an operator runs it (issue 20): mpol-agent with <c>bmp.rpki_file</c>, a
/// router streaming a valid and an invalid route; the <c>bmp-rpki-invalid</c> event reaches a real
/// mosquitto with peer, prefix, origin AS and AS path; <c>/status</c>, <c>/metrics</c> and
/// <c>mpol-agent status</c> count it per peer; SIGHUP with a broken file keeps the VRPs and says why;
/// a broken file at start stops the start with FILE:LINE:COL.
/// </summary>
[Collection("bmp-agent")]
public sealed class AgentOriginValidationTests : IDisposable
{
    private const string Root = "policykit/v1/default/r1";
    private const string Neighbor = "198.51.100.1";
    private const string Vrps = """{"roas":[{"prefix":"20.0.0.0/16","maxLength":24,"asn":"AS64500"},{"prefix":"203.0.113.0/24","maxLength":24,"asn":"AS64501"}]}""";
    private readonly TempDir _dir = new();
    private readonly MosquittoBroker _broker = new();
    private readonly string _table;
    private readonly string _vrps;
    private readonly int _bmpPort = MosquittoBroker.FreePort();
    private readonly int _statusPort = MosquittoBroker.FreePort();

    public AgentOriginValidationTests()
    {
        _broker.Start();
        File.WriteAllText(_dir.File("r1.mpol"), """
            device r1 platform linux {
                bgp as 64496 {
                    router-id 192.0.2.254;
                    neighbor 198.51.100.1 as 64500 { max-prefix 1000; }
                }
            }
            """);
        _table = TestTables.Compile(_dir.File("r1.mpol"), "r1", _dir.File("out"));
        _vrps = _dir.File("vrps.json");
        File.WriteAllText(_vrps, Vrps);
    }

    public void Dispose()
    {
        _broker.Dispose();
        _dir.Dispose();
    }

    private AgentProcess StartAgent() => AgentProcess.Start(["run", "--table", _table, "--set", $"mqtt.port={_broker.Port}", "--set", $"agent.status_listen=127.0.0.1:{_statusPort}",
        "--set", "bmp.enabled=true", "--set", $"bmp.listen=127.0.0.1:{_bmpPort}", "--set", "mqtt.publish_interval=300ms", "--set", $"bmp.rpki_file={_vrps}"]);

    private async Task<JsonElement> StatusAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{_statusPort}/status")).RootElement;
    }

    [Fact]
    public async Task An_invalid_route_reaches_mosquitto_and_is_counted_per_peer_in_status_and_metrics()
    {
        await using var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/#");
        using var agent = StartAgent();
        agent.WaitForLog("bmp: station listening", TimeSpan.FromSeconds(30));
        Assert.Contains($"bmp: rpki: 2 entries from {_vrps}", agent.Errors + agent.Output);
        using var router = new TcpClient(new IPEndPoint(IPAddress.Loopback, 0));
        router.Connect(IPAddress.Loopback, _bmpPort);
        router.GetStream().Write(Concat(Initiation("r1", "test router"), PeerUpFor(Neighbor),
            Announce(Neighbor, [64500], "20.0.1.0/24", "20.0.2.0/24"),   // valid
            Announce(Neighbor, [64500], "203.0.113.0/24"),               // invalid: the ROA names AS64501
            Announce(Neighbor, [64500], "21.0.0.0/24")));                // not found

        var got = await sub.WaitForAsync(m => m.Any(x => x.Payload.Contains("\"type\":\"bmp-rpki-invalid\"")), TimeSpan.FromSeconds(20), "the bmp-rpki-invalid event");
        var e = JsonDocument.Parse(got.Single(x => x.Payload.Contains("\"type\":\"bmp-rpki-invalid\"")).Payload).RootElement;
        Assert.Equal((Neighbor, 64500, "203.0.113.0/24", 64500L, "64500", "203.0.113.0/24-24 AS64501"),
            (e.GetProperty("address").GetString(), e.GetProperty("as").GetInt32(), e.GetProperty("prefix").GetString(), e.GetProperty("origin_as").GetInt64(),
             e.GetProperty("as_path").GetString(), e.GetProperty("expected").GetString()));
        agent.WaitForLog($"r1@127.0.0.1/{Neighbor}: rpki-invalid 203.0.113.0/24 origin AS64500 as-path [64500] expected 203.0.113.0/24-24 AS64501", TimeSpan.FromSeconds(10)); // and a warn line

        var status = await StatusAsync();
        var station = status.GetProperty("bmp").GetProperty("station");
        Assert.Equal(2, station.GetProperty("rpki").GetProperty("entries").GetInt32());
        var origins = status.GetProperty("bmp").GetProperty("routers")[0].GetProperty("peers").EnumerateArray().Single(p => p.GetProperty("peer").GetString() == Neighbor).GetProperty("origins");
        Assert.Equal((2, 1, 1), (origins.GetProperty("rpki_valid").GetInt32(), origins.GetProperty("rpki_invalid").GetInt32(), origins.GetProperty("rpki_not_found").GetInt32()));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string metrics = await http.GetStringAsync($"http://127.0.0.1:{_statusPort}/metrics");
        AgentBmpStationTests.AssertOpenMetrics(metrics);
        Assert.Contains("mpol_agent_bmp_rpki_vrps 2\n", metrics);
        Assert.Contains($"mpol_agent_bmp_peer_rpki_total{{router=\"r1@127.0.0.1\",peer=\"{Neighbor}\",state=\"invalid\"}} 1\n", metrics);
        Assert.Contains($"mpol_agent_bmp_peer_rpki_total{{router=\"r1@127.0.0.1\",peer=\"{Neighbor}\",state=\"valid\"}} 2\n", metrics);

        var (code, output, err) = AgentProcess.Run(["status", "--endpoint", $"127.0.0.1:{_statusPort}"]);
        Assert.True(code == 0, err);
        Assert.Contains(", rpki 2 VRPs", output);
        Assert.Contains($", 1 rpki-invalid, 0 unexpected-origin (per peer: {Neighbor} 1/0)", output);

        // SIGHUP with a broken file: the two VRPs stay in force, the log says where the file is wrong.
        File.WriteAllText(_vrps, "{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":\"AS64501\",\"maxLength\":40}]}");
        agent.Signal(AgentProcess.SIGHUP);
        agent.WaitForLog($"bmp: rpki: not loaded: {_vrps}:1:", TimeSpan.FromSeconds(20));
        Assert.Contains("(the previous 2 entries stay in use)", agent.Errors + agent.Output);
        Assert.Equal(2, (await StatusAsync()).GetProperty("bmp").GetProperty("station").GetProperty("rpki").GetProperty("entries").GetInt32());
        await sub.WaitForAsync(m => m.Any(x => x.Payload.Contains("\"type\":\"bmp-origin-data-reloaded\"") && x.Payload.Contains("\"success\":false")), TimeSpan.FromSeconds(10), "the failed reload's event");

        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void A_broken_vrp_file_stops_the_start_with_its_line_and_column()
    {
        File.WriteAllText(_vrps, "{\"roas\":[\n  {\"prefix\":\"203.0.113.7/24\",\"asn\":1}]}");
        using var agent = StartAgent();
        Assert.Equal(2, agent.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains($"bmp: cannot start the station: bmp rpki-file: {_vrps}:2:13: roas[0].prefix: \"203.0.113.7/24\" has host bits set beyond /24", agent.Errors + agent.Output);
    }

    [Fact]
    public void Check_config_reads_the_vrp_file_as_the_station_would()
    {
        string[] args = ["check-config", "--table", _table, "--set", "bmp.enabled=true", "--set", $"bmp.rpki_file={_vrps}"];
        var (code, output, err) = AgentProcess.Run(args);
        Assert.True(code == 0, err);
        Assert.Contains("# bmp.rpki_file: 2 entries (2 IPv4, 0 IPv6)", output);
        File.WriteAllText(_vrps, "{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":\"AS1\"},\n  {\"prefix\":\"2001:db8::/129\",\"asn\":1}]}");
        (code, _, err) = AgentProcess.Run(args);
        Assert.Equal(2, code);
        string expected = $"mpol-agent: error: bmp.rpki_file: {_vrps}:2:13: roas[1].prefix: \"2001:db8::/129\": /129 is longer than an IPv6 address";
        Assert.True(err.Contains(expected, StringComparison.Ordinal), err);
    }

    [Fact]
    public void A_missing_vrp_file_is_a_configuration_error_naming_the_key()
    {
        var (code, _, err) = AgentProcess.Run(["check-config", "--set", "bmp.enabled=true", "--set", $"bmp.rpki_file={_dir.File("absent.json")}"]);
        Assert.Equal(2, code);
        Assert.Contains("bmp.rpki_file", err);
        Assert.Contains("file not found", err);
    }
}
