using PolicyKit.Agent.Tests.Support;
using PolicyKit.Testing;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>Signals reach the agent however it was started.</summary>
public sealed class SignalTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Started under nohup the agent inherits SIGHUP as ignored, and .NET then never delivered it:
    /// the reload the docs promise did nothing (found when the test suite itself ran under nohup).
    /// </summary>
    [Fact]
    public void Sighup_reloads_even_when_the_parent_started_the_agent_with_sighup_ignored()
    {
        Assert.True(File.Exists("/usr/bin/nohup"), "nohup is missing: apt-get install -y coreutils");
        string table = TestTables.BroadbandEdge(_dir.File("out"));
        using var agent = AgentProcess.Start(["run", "--table", table, "--set", "mqtt.enabled=false", "--set", "agent.status_listen="], launcher: "/usr/bin/nohup");
        agent.WaitForLog("SIGHUP was ignored by the parent process", TimeSpan.FromSeconds(60));
        agent.Signal(AgentProcess.SIGHUP);
        agent.WaitForLog("table unchanged (sighup)", TimeSpan.FromSeconds(30));
        Assert.False(agent.HasExited, agent.Errors);
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(30)));
    }
}
