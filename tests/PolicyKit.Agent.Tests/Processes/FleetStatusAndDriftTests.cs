using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Telemetry;
using PolicyKit.Telemetry.Fleet;
using PolicyKit.Telemetry.Tests;
using PolicyKit.Testing;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// The fleet seen from the broker, with real parts: a mosquitto that takes only mutual TLS and a
/// user name and password, three real agents reporting to it (two running, one of them a BMP
/// station fed a recorded FRR stream; one that ran a replay and stopped), then
/// <c>mpol-agent status --mqtt … --site '+' --device '+'</c> and <c>mpolc drift</c> read their
/// retained topics through the same TLS and credential options.
/// </summary>
public sealed class FleetStatusAndDriftTests : IDisposable
{
    private const string User = "noc-viewer";
    private const string Password = "Fl33t-View-Secret-42";
    private readonly TempDir _dir = new();
    private readonly MosquittoBroker _broker = new();
    private readonly TestCertificates _pki;
    private readonly string _passwordFile;
    private readonly List<AgentProcess> _agents = [];
    private readonly TcpClient _router = new();

    public FleetStatusAndDriftTests()
    {
        _pki = TestCertificates.Create(_broker.Directory);
        string passwords = _broker.WriteFile("passwd", User + ":" + MosquittoBroker.PasswordHash(Password) + "\n");
        _broker.Start(string.Join('\n',
            $"cafile {_pki.CaFile}", $"certfile {_pki.ServerCertFile}", $"keyfile {_pki.ServerKeyFile}",
            "require_certificate true", "tls_version tlsv1.2", "allow_anonymous false", $"password_file {passwords}"));
        _passwordFile = _dir.File("mqtt-password");
        File.WriteAllText(_passwordFile, Password + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Dispose()
    {
        _router.Dispose();
        foreach (var agent in _agents) agent.Dispose();
        _broker.Dispose();
        _dir.Dispose();
    }

    private static readonly Dictionary<string, string> AgentEnvironment = new() { [BrokerReadOptions.PasswordVariable] = Password };

    private string[] AgentArgs(string table, string site, string device, params string[] extra) =>
    [
        "run", "--table", table, "--set", "agent.status_listen=", "--set", $"agent.site={site}", "--set", $"agent.device={device}",
        "--set", $"mqtt.port={_broker.Port}", "--set", $"mqtt.username={User}", "--set", "mqtt.publish_interval=500ms",
        "--set", $"mqtt.client_id=policykit-{site}-{device}",
        "--set", "mqtt.tls.enabled=true", "--set", $"mqtt.tls.ca_file={_pki.CaFile}",
        "--set", $"mqtt.tls.cert_file={_pki.ClientCertFile}", "--set", $"mqtt.tls.key_file={_pki.ClientKeyFile}",
        "--set", "mqtt.reconnect_min=100ms", "--set", "mqtt.reconnect_max=500ms", .. extra,
    ];

    /// <summary>The reader's options on the command line: TLS with a client certificate, the user, the password from a file.</summary>
    private string[] ReaderArgs(string? passwordFile = null) =>
    [
        "--mqtt", $"127.0.0.1:{_broker.Port}", "--ca-file", _pki.CaFile, "--cert-file", _pki.ClientCertFile, "--key-file", _pki.ClientKeyFile,
        "--username", User, "--password-file", passwordFile ?? _passwordFile,
    ];

    private BrokerReadOptions ReaderOptions() => new()
    {
        Broker = new MqttBrokerAddress("127.0.0.1", _broker.Port),
        Username = User,
        Password = Password,
        Tls = new MqttTlsSettings { Enabled = true, CaFile = _pki.CaFile, CertFile = _pki.ClientCertFile, KeyFile = _pki.ClientKeyFile },
    };

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Waits (bounded) until the broker retains every one of <paramref name="expected"/> (site, device, state), with a BMP router for the station.</summary>
    private async Task<IReadOnlyList<FleetDevice>> WaitForFleetAsync(params (string Site, string Device, string State)[] expected)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        FleetSnapshot fleet;
        do
        {
            fleet = await FleetReader.ReadAsync(ReaderOptions(), "policykit/v1", "+", "+", CancellationToken.None);
            bool all = expected.All(e => fleet.Devices.Any(d => d.Site == e.Site && d.Device == e.Device && d.Status is not null
                && StatusSummary.Parse(d.Status)?.State == e.State && d.Limits.Count > 0));
            bool bmp = fleet.Devices.Any(d => d.Bmp.Any(b => b.Key != "station" && b.Key.Contains('/') && StatusSummary.Parse(b.Value) is not null && System.Text.Encoding.UTF8.GetString(b.Value).Contains("\"up\":true")));
            if (all && bmp) return fleet.Devices;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < until);
        Assert.Fail($"the broker did not retain the fleet in 90 s (error: {fleet.Error}); it holds: {string.Join(", ", fleet.Devices.Select(d => $"{d.Site}/{d.Device}"))}\n" +
            string.Join("\n", _agents.Select(a => a.Errors)));
        return [];
    }

    /// <summary>
    /// out/ holds broadband-edge (pe-agg-1) and bgp-edge (border-1, edge-2) tables. Running:
    /// pe-agg-1 at north-pop-1 with its compiled table (a BMP station too); pe-agg-1 at south-pop-2
    /// with a table compiled from a changed policy (drift); edge-9 at lab, a name the manifest does
    /// not know, which replayed a trace and stopped (offline). border-1 and edge-2 never report.
    /// </summary>
    private async Task<(string OutDir, string Compiled, string Changed)> StartFleetAsync()
    {
        string outDir = _dir.File("out");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] compile = ["compile", Path.Combine(RepoPaths.Examples, "broadband-edge.mpol"), Path.Combine(RepoPaths.Examples, "bgp-edge.mpol"),
            "--target", "agent", "-o", outDir, "--today", "2026-11-23"];
        Assert.True(PolicyKit.Mpolc.Program.Run(compile, stdout, stderr) == 0, stderr.ToString());
        string compiled = Path.Combine(outDir, "pe-agg-1", "pe-agg-1.mpt");

        string policy = File.ReadAllText(Path.Combine(RepoPaths.Examples, "broadband-edge.mpol")).Replace("igmp { limit 2 except channel-guide; }", "igmp { limit 3 except channel-guide; }");
        File.WriteAllText(_dir.File("changed.mpol"), policy);
        string changed = TestTables.Compile(_dir.File("changed.mpol"), "pe-agg-1", _dir.File("changed-out"));
        Assert.NotEqual(Sha256(compiled), Sha256(changed));

        var (code, _, err) = AgentProcess.Run(AgentArgs(compiled, "lab", "edge-9",
            "--replay", Path.Combine(RepoPaths.Traces, "broadband-edge.jsonl"), "--speed", "fast", "--exit-when-done"), AgentEnvironment);
        Assert.True(code == 0, $"edge-9 exited {code}:\n{err}");

        int bmpPort = MosquittoBroker.FreePort();
        var north = AgentProcess.Start(AgentArgs(compiled, "north-pop-1", "pe-agg-1", "--set", "bmp.enabled=true", "--set", $"bmp.listen=127.0.0.1:{bmpPort}"), AgentEnvironment);
        _agents.Add(north);
        _agents.Add(AgentProcess.Start(AgentArgs(changed, "south-pop-2", "pe-agg-1"), AgentEnvironment));
        north.WaitForLog("bmp: station listening", TimeSpan.FromSeconds(60));
        // The router's session stays open for the whole test (a closed one shows as down).
        await _router.ConnectAsync("127.0.0.1", bmpPort);
        await _router.GetStream().WriteAsync(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "PolicyKit.Bmp.Tests", "Recordings", "frr-8.4.bmp")));
        await WaitForFleetAsync(("north-pop-1", "pe-agg-1", "online"), ("south-pop-2", "pe-agg-1", "online"), ("lab", "edge-9", "offline"));
        return (outDir, compiled, changed);
    }

    [Fact]
    public async Task Status_shows_every_agent_on_one_screen_over_mutual_TLS_with_credentials_and_drift_lists_what_differs()
    {
        var (outDir, compiled, changed) = await StartFleetAsync();

        // The fleet view: every agent, its table hash, worst limits and BMP lines; one is offline → exit 1.
        var (code, output, err) = AgentProcess.Run(["status", .. ReaderArgs(), "--site", "+", "--device", "+"]);
        Assert.True(code == 1, $"exit {code}\n{output}\n{err}");
        Assert.Contains("policykit/v1/+/+: 3 agents (1 offline, 2 online)", output);
        Assert.Contains("pe-agg-1 @ north-pop-1: online", output);
        Assert.Contains("pe-agg-1 @ south-pop-2: online", output);
        Assert.Contains("edge-9 @ lab: offline (stopped)", output);
        Assert.Contains($"table: sha256 {Sha256(compiled)[..12]}", output);
        Assert.Contains($"table: sha256 {Sha256(changed)[..12]}", output);
        var north = Block(output, "pe-agg-1 @ north-pop-1");
        Assert.True(Regex.IsMatch(north, @"\n  bmp: 1 sessions, 0 pending, \d+ messages") && Regex.IsMatch(north, @"\n  bmp rA@127\.0\.0\.1: [1-9]/\d+ peers up, [1-9]\d* prefixes"), output);
        // edge-9 replayed the broadband trace: its fullest limit is the HD port's bandwidth, in warning.
        var edge9 = Block(output, "edge-9 @ lab");
        Assert.True(Regex.IsMatch(edge9, @"\n  interface/GigabitEthernet0/0/2/state/1 +\[#+\.*\] 234Mbps/250Mbps +93\.6%  WARN"), output);
        Assert.Contains("more limits (status --site lab --device edge-9)", edge9);
        Assert.DoesNotContain(Password, output + err);

        // One site only: both agents there are online → exit 0.
        (code, output, err) = AgentProcess.Run(["status", .. ReaderArgs(), "--site", "north-pop-1"]);
        Assert.True(code == 0, $"exit {code}\n{output}\n{err}");
        Assert.Contains("policykit/v1/north-pop-1/+: 1 agent (1 online)", output);

        // Drift: south-pop-2 enforces another table, border-1 and edge-2 never reported, edge-9 is unknown → exit 4.
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        code = PolicyKit.Mpolc.Program.Run(["drift", outDir, .. ReaderArgs()], stdout, stderr);
        string drift = stdout.ToString();
        Assert.True(code == 4, $"exit {code}\n{drift}\n{stderr}");
        Assert.Contains($"drift: pe-agg-1 @ south-pop-2 (online) enforces {Sha256(changed)[..12]}, compiled {Sha256(compiled)[..12]}", drift);
        Assert.Contains("missing: border-1: compiled, but no agent reports under policykit/v1/+/+", drift);
        Assert.Contains("missing: edge-2: compiled, but no agent reports", drift);
        Assert.Contains($"unknown: edge-9 @ lab (offline) enforces {Sha256(compiled)[..12]}", drift);
        Assert.DoesNotContain("north-pop-1", drift);
        Assert.Contains("3 compiled agent tables: 1 in sync, 1 drift, 2 missing; 1 unknown agents", drift);
        Assert.DoesNotContain(Password, drift + stderr);

        // The north site alone, against a manifest of broadband-edge only: in sync → exit 0.
        string single = _dir.File("single");
        Assert.Equal(0, PolicyKit.Mpolc.Program.Run(["compile", Path.Combine(RepoPaths.Examples, "broadband-edge.mpol"), "--target", "agent", "-o", single, "--today", "2026-11-23"], TextWriter.Null, TextWriter.Null));
        stdout = new StringWriter();
        code = PolicyKit.Mpolc.Program.Run(["drift", single, "--site", "north-pop-1", "--format", "json", .. ReaderArgs()], stdout, stderr);
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("\"result\": \"in-sync\"", stdout.ToString());
        Assert.Contains($"\"enforced_sha256\": \"{Sha256(compiled)}\"", stdout.ToString());
    }

    [Fact]
    public void A_wrong_password_or_CA_is_one_clear_line_without_the_password()
    {
        const string wrong = "Not-The-Fleet-Secret-7";
        File.WriteAllText(_dir.File("wrong"), wrong + "\n");
        var (code, output, err) = AgentProcess.Run(["status", .. ReaderArgs(_dir.File("wrong"))]);
        Assert.True(code == 1, $"exit {code}\n{output}\n{err}");
        Assert.Contains($"cannot read from mqtt://127.0.0.1:{_broker.Port}: broker refused: not authorized (wrong user name or password", err);
        Assert.DoesNotContain(wrong, output + err);

        // The password from the environment, as for the agent; a broker certificate from another CA is refused.
        var env = new Dictionary<string, string> { [BrokerReadOptions.PasswordVariable] = Password };
        (code, output, err) = AgentProcess.Run(["status", "--mqtt", $"127.0.0.1:{_broker.Port}", "--ca-file", _pki.OtherCaFile,
            "--cert-file", _pki.ClientCertFile, "--key-file", _pki.ClientKeyFile, "--username", User], env);
        Assert.True(code == 1, $"exit {code}\n{output}\n{err}");
        Assert.Contains($"is not signed by the CA in ca_file {_pki.OtherCaFile}", err);

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        code = PolicyKit.Mpolc.Program.Run(["drift", _dir.Path, "--mqtt", "127.0.0.1", "--cert-file", _pki.ClientCertFile], stdout, stderr);
        Assert.Equal(2, code);
        Assert.Contains("--cert-file, --key-file and --server-name need --ca-file", stderr.ToString());
    }

    /// <summary>The lines of one agent's block in the fleet view (from its header to the next blank line).</summary>
    private static string Block(string output, string header)
    {
        int start = output.IndexOf(header, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no '{header}' in:\n{output}");
        int end = output.IndexOf("\n\n", start, StringComparison.Ordinal);
        return output[start..(end < 0 ? output.Length : end)];
    }
}
