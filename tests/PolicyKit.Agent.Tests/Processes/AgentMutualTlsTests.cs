using PolicyKit.Agent.Tests.Support;
using PolicyKit.Telemetry.Tests;
using PolicyKit.Testing;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>The agent to a mosquitto that requires client certificates (mutual TLS).</summary>
public sealed class AgentMutualTlsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly MosquittoBroker _broker = new();
    private readonly TestCertificates _pki;
    private readonly int _plainPort = MosquittoBroker.FreePort();
    private readonly string _table;

    public AgentMutualTlsTests()
    {
        _pki = TestCertificates.Create(_broker.Directory);
        // The TLS listener is the fixture's; a second, plain one on loopback is for the test's subscriber.
        _broker.Start(string.Join('\n',
            $"cafile {_pki.CaFile}", $"certfile {_pki.ServerCertFile}", $"keyfile {_pki.ServerKeyFile}",
            "require_certificate true", "tls_version tlsv1.2", "allow_anonymous true",
            $"listener {_plainPort} 127.0.0.1", "allow_anonymous true"));
        _table = TestTables.BroadbandEdge(_dir.File("out"));
    }

    public void Dispose()
    {
        _broker.Dispose();
        _dir.Dispose();
    }

    private string Config(string caFile, bool clientCert) => string.Join('\n',
        "[agent]", $"table = \"{_table}\"", "status_listen = \"\"",
        "[mqtt]", $"port = {_broker.Port}", "reconnect_min = \"200ms\"", "reconnect_max = \"1s\"",
        "[mqtt.tls]", "enabled = true", $"ca_file = \"{caFile}\"",
        clientCert ? $"cert_file = \"{_pki.ClientCertFile}\"\nkey_file = \"{_pki.ClientKeyFile}\"" : "");

    [Fact]
    public async Task The_agent_connects_with_its_client_certificate()
    {
        File.WriteAllText(_dir.File("agent.toml"), Config(_pki.CaFile, clientCert: true));
        await using var sub = await TestSubscriber.ConnectAsync("127.0.0.1", _plainPort, "policykit/v1/north-pop-1/pe-agg-1/status");
        using var agent = AgentProcess.Start(["run", "--config", _dir.File("agent.toml")]);
        await sub.WaitForAsync(m => m.Any(x => x.Payload.Contains("\"state\":\"online\"")), TimeSpan.FromSeconds(60), "online status over mutual TLS");
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_broker_certificate_from_another_CA_is_refused_with_a_clear_error()
    {
        File.WriteAllText(_dir.File("agent.toml"), Config(_pki.OtherCaFile, clientCert: true));
        using var agent = AgentProcess.Start(["run", "--config", _dir.File("agent.toml")]);
        agent.WaitForLog("is not signed by the CA in ca_file", TimeSpan.FromSeconds(60));
        Assert.Contains(_pki.OtherCaFile, agent.Errors);
        // Refused, not crashed: the agent keeps enforcing and retrying.
        Assert.False(agent.HasExited);
    }

    [Fact]
    public void Without_a_client_certificate_the_broker_refuses_and_the_log_says_why()
    {
        File.WriteAllText(_dir.File("agent.toml"), Config(_pki.CaFile, clientCert: false));
        using var agent = AgentProcess.Start(["run", "--config", _dir.File("agent.toml")]);
        agent.WaitForLog("client certificate", TimeSpan.FromSeconds(60));
        Assert.False(agent.HasExited);
    }
}
