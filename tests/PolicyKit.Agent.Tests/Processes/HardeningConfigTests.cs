using System.Net.Http;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Telemetry.Tests;
using PolicyKit.Testing;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// The configuration findings of issue 14 (5 and 10): the embedded broker is loopback-only unless
/// subscribers must authenticate, and no client but the agent publishes on it; a password is
/// refused on the command line; a password file others can read is warned about; a CA file that
/// is not PEM is an error at check time; a status endpoint on 0.0.0.0 works; an unknown section
/// from the environment or --set is reported there; /status carries policy_sha256.
/// </summary>
public sealed class HardeningConfigTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) CheckConfig(string toml, Dictionary<string, string>? env = null, params string[] extra)
    {
        File.WriteAllText(_dir.File("agent.toml"), toml);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = PolicyKit.Agent.Cli.AgentCommandLine.Run(["check-config", "--config", _dir.File("agent.toml"), .. extra], stdout, stderr, new Dictionary<string, string>(env ?? []));
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string Table() => TestTables.BroadbandEdge(_dir.File("out"));

    [Fact]
    public void The_embedded_broker_off_loopback_needs_subscriber_credentials()
    {
        string table = Table();
        var (code, _, err) = CheckConfig($"[agent]\ntable = \"{table}\"\n[mqtt]\nembedded_broker = true\nembedded_listen = \"0.0.0.0:0\"\n");
        Assert.Equal(2, code);
        Assert.Contains("mqtt.embedded_listen: the embedded broker would accept anonymous clients on 0.0.0.0", err, StringComparison.Ordinal);

        (code, _, err) = CheckConfig($"[agent]\ntable = \"{table}\"\n[mqtt]\nembedded_broker = true\nembedded_listen = \"0.0.0.0:0\"\nusername = \"dash\"\n",
            new() { ["POLICYKIT__MQTT__PASSWORD"] = "Dash-Pass-1" });
        Assert.True(code == 0, err);
        (code, _, err) = CheckConfig($"[agent]\ntable = \"{table}\"\n[mqtt]\nembedded_broker = true\nembedded_listen = \"127.0.0.1:0\"\n");
        Assert.True(code == 0, err);
    }

    [Fact]
    public async Task On_0_0_0_0_with_credentials_the_agent_publishes_warns_and_no_subscriber_can_forge()
    {
        string table = Table();
        int port = MosquittoBroker.FreePort();
        using var agent = AgentProcess.Start(["run", "--table", table, "--set", "mqtt.embedded_broker=true", "--set", $"mqtt.embedded_listen=0.0.0.0:{port}",
            "--set", "mqtt.username=dash", "--set", "agent.status_listen=", "--set", "mqtt.publish_interval=1s"], new Dictionary<string, string> { ["POLICYKIT__MQTT__PASSWORD"] = "Dash-Pass-1" });
        agent.WaitForLog("connected", TimeSpan.FromSeconds(20));
        Assert.Contains("not loopback: it has no TLS", agent.Errors, StringComparison.Ordinal);
        const string Status = "policykit/v1/north-pop-1/pe-agg-1/status";

        // Wrong or no credentials: refused. Right ones: a subscriber, whose publishes are dropped.
        var anonymous = await Assert.ThrowsAnyAsync<Exception>(() => TestSubscriber.ConnectAsync("127.0.0.1", port, Status));
        await using var dashboard = await TestSubscriber.ConnectAsync("127.0.0.1", port, Status, o => o.WithCredentials("dash", "Dash-Pass-1"));
        using (var forger = new MqttClientFactory().CreateMqttClient())
        {
            await forger.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials("dash", "Dash-Pass-1")
                .WithClientId("policykit-pe-agg-1").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build()).ContinueWith(_ => { });
            Assert.False(forger.IsConnected);   // the agent's own client id cannot be taken
        }
        using (var forger = new MqttClientFactory().CreateMqttClient())
        {
            await forger.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials("dash", "Dash-Pass-1").WithClientId("forger")
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
            await forger.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Status).WithPayload("{\"state\":\"offline\",\"forged\":true}").WithRetainFlag()
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }
        // The agent keeps publishing its status every second; none of what arrives is the forgery.
        var seen = await dashboard.WaitForAsync(m => m.Count >= 3, TimeSpan.FromSeconds(15), "three status publishes by the agent");
        Assert.All(seen, m => Assert.DoesNotContain("forged", m.Payload, StringComparison.Ordinal));
        Assert.False(agent.HasExited, agent.Errors);
    }

    [Theory]
    [InlineData("--config")]
    [InlineData("--table")]
    [InlineData("public_key")]
    public async Task Dev_zero_as_the_configuration_table_or_key_is_refused_at_once(string where)
    {
        var stderr = new StringWriter();
        string[] args = where switch
        {
            "--config" => ["check-config", "--config", "/dev/zero"],
            "--table" => ["check-config", "--table", "/dev/zero"],
            _ => ["check-config", "--table", Table(), "--set", "agent.public_key=/dev/zero"],
        };
        var run = Task.Run(() => PolicyKit.Agent.Cli.AgentCommandLine.Run(args, TextWriter.Null, stderr, new Dictionary<string, string>()));
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))) == run, $"{where} /dev/zero was read without end");
        Assert.Equal(2, await run);
        Assert.Contains("not a regular file (a character device)", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_on_the_command_line_is_refused_without_echoing_it()
    {
        var (code, _, err) = CheckConfig("[mqtt]\nusername = \"agent\"\n", null, "--set", "mqtt.password=Hunter2-cmdline");
        Assert.Equal(2, code);
        Assert.Contains("--set mqtt.password: error: mqtt.password: a password does not belong on the command line", err, StringComparison.Ordinal);
        Assert.DoesNotContain("Hunter2-cmdline", err, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_password_file_others_can_read_is_warned_about()
    {
        string table = Table();
        string secret = _dir.File("mqtt.pass");
        File.WriteAllText(secret, "Pass-From-File\n");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var (code, output, err) = CheckConfig($"[agent]\ntable = \"{table}\"\n[mqtt]\nusername = \"agent\"\npassword_file = \"{secret}\"\n");
        Assert.True(code == 0, err);
        Assert.Contains($"warning: mqtt.password_file: {secret} can be read or changed by other users (mode 0644): chmod 600 it", err, StringComparison.Ordinal);
        Assert.DoesNotContain("Pass-From-File", output + err, StringComparison.Ordinal);

        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (code, _, err) = CheckConfig($"[agent]\ntable = \"{table}\"\n[mqtt]\nusername = \"agent\"\npassword_file = \"{secret}\"\n");
        Assert.True(code == 0, err);
        Assert.DoesNotContain("warning", err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ca_file_that_is_not_pem_is_an_error_at_check_time()
    {
        File.WriteAllText(_dir.File("ca.pem"), "this is not a certificate\n");
        var (code, _, err) = CheckConfig($"[mqtt.tls]\nenabled = true\nca_file = \"{_dir.File("ca.pem")}\"\n");
        Assert.Equal(2, code);
        Assert.Contains("mqtt.tls.ca_file:", err, StringComparison.Ordinal);
        Assert.Contains("holds no PEM certificate", err, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_section_from_the_environment_or_set_is_reported_there()
    {
        var (code, _, err) = CheckConfig("[agent]\n", new() { ["POLICYKIT__MQQT__HOST"] = "x" });
        Assert.Equal(2, code);
        Assert.Contains("mpol-agent: env POLICYKIT__MQQT__HOST: error: mqqt: unknown section [mqqt]", err, StringComparison.Ordinal);
        (code, _, err) = CheckConfig("[agent]\n", null, "--set", "mqqt.host=x");
        Assert.Equal(2, code);
        Assert.Contains("mpol-agent: --set mqqt.host: error: mqqt: unknown section [mqqt]", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_status_endpoint_on_0_0_0_0_serves_and_carries_the_policy_hash()
    {
        string table = Table();
        int port = MosquittoBroker.FreePort();
        var (code, _, err) = CheckConfig($"[agent]\ntable = \"{table}\"\nstatus_listen = \"0.0.0.0:{port}\"\n[mqtt]\nenabled = false\n");
        Assert.True(code == 0, err);
        Assert.Contains("warning: agent.status_listen: the status endpoint on 0.0.0.0 answers anyone", err, StringComparison.Ordinal);

        using var agent = AgentProcess.Start(["run", "--table", table, "--set", "mqtt.enabled=false", "--set", $"agent.status_listen=0.0.0.0:{port}"]);
        agent.WaitForLog($"status on http://0.0.0.0:{port}/status", TimeSpan.FromSeconds(20));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var document = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/status")).RootElement;
        string expected = PolicyKit.Tables.Format.TableReader.Read(File.ReadAllBytes(table)).Header.PolicyHash;
        Assert.Equal(expected, document.GetProperty("table").GetProperty("policy_sha256").GetString());
        Assert.Equal(0, document.GetProperty("table").GetProperty("serial").GetInt64());
    }
}
