using PolicyKit.Nfqueue.Tests.Infrastructure;

namespace PolicyKit.Nfqueue.Tests.Live;

/// <summary>
/// The real mpol-agent with [nfqueue] enabled in the edge namespace, on the broadband example's
/// table: the receiver's kernel joins, the agent enforces, and `mpol-agent status` (the same
/// telemetry as MQTT carries) shows the port's use against its limit. SIGTERM removes the hooks.
/// </summary>
public sealed class AgentEnforcementTests : IDisposable
{
    private readonly EdgeLab _lab = new();

    public void Dispose() => _lab.Dispose();

    private static string AgentDll
    {
        get
        {
            string own = AppContext.BaseDirectory;
            string sep = Path.DirectorySeparatorChar.ToString();
            string dll = Path.Combine(own.Replace($"{sep}tests{sep}PolicyKit.Nfqueue.Tests{sep}", $"{sep}agent{sep}mpol-agent{sep}", StringComparison.Ordinal), "mpol-agent.dll");
            Assert.True(File.Exists(dll), $"mpol-agent is not built: {dll} (dotnet build agent/mpol-agent)");
            return dll;
        }
    }

    [Fact]
    public void The_agent_enforces_live_and_its_status_shows_the_ports_use()
    {
        string table = Policies.Example("broadband-edge", "pe-agg-1", _lab.Lab.Directory);
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var agent = _lab.Lab.Start(_lab.Edge, "mpol-agent", dotnet, AgentDll, "run", "--table", table,
            "--set", "mqtt.enabled=false", "--set", "agent.status_listen=127.0.0.1:9478", "--set", "agent.watch=false",
            "--set", "nfqueue.enabled=true", "--set", $"nfqueue.instance_id={_lab.InstanceId}", "--set", "nfqueue.queue=5",
            "--set", $"nfqueue.interface_map={_lab.EdgeToReceiver}=GigabitEthernet0/0/12,{_lab.EdgeToSender}=TenGigabitEthernet0/1/0");
        // The agent logs on stderr.
        var started = DateTime.UtcNow + EdgeLab.Wait;
        while (!agent.Transcript().Contains("nfqueue: enforcing", StringComparison.Ordinal) && !agent.Exited && DateTime.UtcNow < started) Thread.Sleep(100);
        Assert.True(agent.Transcript().Contains("nfqueue: enforcing", StringComparison.Ordinal), agent.Transcript());

        const string cp1 = "198.51.100.10";
        var joins = _lab.Join(cp1, 1500, "232.1.0.1", "232.1.0.2", "232.1.0.3");   // limit 2: the third is refused
        _lab.Join("10.1.1.1", 0, "232.1.0.4");                                       // not cp1's head-end: access filter

        string status = string.Empty;
        var until = DateTime.UtcNow + EdgeLab.Wait;
        while (DateTime.UtcNow < until)
        {
            status = _lab.Lab.Exec(_lab.Edge, dotnet, AgentDll, "status", "--endpoint", "127.0.0.1:9478").Output;
            if (status.Contains("access-filter", StringComparison.Ordinal) && status.Contains("interface-limit", StringComparison.Ordinal)) break;
            Thread.Sleep(300);
        }
        string port = status.Split('\n').FirstOrDefault(l => l.StartsWith("interface/GigabitEthernet0/0/12/igmp", StringComparison.Ordinal)) ?? string.Empty;
        // The kernel sends each unsolicited report more than once (robustness), so a refused join
        // may be counted once per retransmission: at least one each.
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(port, @" 2/2 .*access-filter [1-9].*interface-limit [1-9]"),
            $"status of GigabitEthernet0/0/12 should be 2/2 with limit and access-filter denials:\n{status}\nagent:\n{agent.Transcript()}");

        agent.Signal(HostProcess.SIGTERM);
        Assert.True(agent.WaitForExit(TimeSpan.FromSeconds(20)), agent.Transcript());
        Assert.DoesNotContain("PK_", _lab.Lab.ExecOk(_lab.Edge, "iptables-nft", "-t", "mangle", "-S"));
        Assert.DoesNotContain("policykit_", _lab.Lab.ExecOk(_lab.Edge, "nft", "list", "tables"));
        joins.Dispose();
    }
}
