using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using PolicyKit.Agent.Tests.Support;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// The agent as systemd runs it: readiness, reload and stop over the notify socket
/// (<c>Type=notify</c>), the watchdog, syslog priorities on journald's stream, and the unit's own
/// exposure score as <c>systemd-analyze security</c> rates it.
/// </summary>
public sealed class SystemdIntegrationTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A notify socket as systemd binds one: datagrams, one message each.</summary>
    private sealed class NotifySocket : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        private readonly List<string> _messages = [];

        public NotifySocket(string path)
        {
            Path = path;
            _socket.Bind(new UnixDomainSocketEndPoint(path));
            _socket.ReceiveTimeout = 500;
        }

        public string Path { get; }

        /// <summary>Collects datagrams until one satisfies <paramref name="match"/> (bounded by <paramref name="timeout"/>).</summary>
        public List<string> WaitFor(Func<string, bool> match, TimeSpan timeout)
        {
            var buffer = new byte[4096];
            var until = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < until)
            {
                if (_messages.Any(match)) return _messages;
                try
                {
                    int n = _socket.Receive(buffer);
                    _messages.Add(Encoding.UTF8.GetString(buffer, 0, n));
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
                {
                }
            }
            Assert.Fail($"no notification matched in {timeout.TotalSeconds} s; got: {string.Join(" | ", _messages)}");
            return _messages;
        }

        public void Dispose() => _socket.Dispose();
    }

    [Fact]
    public void Ready_watchdog_reload_and_stopping_reach_the_notify_socket()
    {
        string table = TestTables.BroadbandEdge(_dir.File("out"));
        using var notify = new NotifySocket(_dir.File("notify.sock"));
        var env = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Path, ["WATCHDOG_USEC"] = "400000" };
        using var agent = AgentProcess.Start(["run", "--table", table, "--set", "mqtt.enabled=false", "--set", "agent.status_listen="], env);

        var seen = notify.WaitFor(m => m.StartsWith("READY=1", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.Contains(seen, m => m.Contains($"MAINPID={agent.Pid}", StringComparison.Ordinal));
        // Half of 400 ms: several pings within two seconds.
        notify.WaitFor(_ => seen.Count(x => x == "WATCHDOG=1") >= 3, TimeSpan.FromSeconds(10));

        agent.Signal(AgentProcess.SIGHUP);
        seen = notify.WaitFor(m => m == "RELOADING=1", TimeSpan.FromSeconds(30));
        int reloading = seen.IndexOf("RELOADING=1");
        notify.WaitFor(m => seen.Skip(reloading + 1).Any(x => x.StartsWith("READY=1", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));

        agent.Signal(AgentProcess.SIGTERM);
        notify.WaitFor(m => m.StartsWith("STOPPING=1", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Log_lines_carry_syslog_priorities_only_on_the_journal_stream()
    {
        string missing = _dir.File("missing.mpt");
        // JOURNAL_STREAM names the stderr systemd connected; the shell gives it the inode of the
        // pipe the test reads, as journald's socket would be named. A configuration error (the
        // table is missing) is then an error-priority line, and exit 2.
        var (code2, err2) = RunUnderShell($"export JOURNAL_STREAM=0:$(stat -L -c %i /proc/self/fd/2); exec dotnet '{AgentProcess.Dll}' run --table '{missing}' --set mqtt.enabled=false --set agent.status_listen=");
        Assert.Equal(2, code2);
        Assert.Contains("<3>mpol-agent: error:", err2, StringComparison.Ordinal);

        // Not the journal's stream (the variable names another inode): no prefixes.
        var (code3, err3) = RunUnderShell($"export JOURNAL_STREAM=0:1; exec dotnet '{AgentProcess.Dll}' run --table '{missing}' --set mqtt.enabled=false --set agent.status_listen=");
        Assert.Equal(2, code3);
        Assert.StartsWith("mpol-agent: error:", err3.TrimStart(), StringComparison.Ordinal);
    }

    private static (int Code, string Err) RunUnderShell(string script)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("the agent did not exit in 60 s");
        }
        _ = stdout.GetAwaiter().GetResult();
        return (p.ExitCode, err);
    }

    /// <summary>The shipped unit, rated offline by systemd's own analyser: at most 3.0 ("OK"), the figure in the README.</summary>
    [Fact]
    public async Task The_unit_rates_at_most_3_0_in_systemd_analyze_security()
    {
        Assert.True(File.Exists("/usr/bin/systemd-analyze"), "systemd-analyze is missing: apt-get install -y systemd");
        string unit = Path.Combine(RepoPaths.Root, "agent", "mpol-agent.service");
        var info = new ProcessStartInfo("/usr/bin/systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "security", "--offline=true", "--no-pager", unit }) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stderrTask = p.StandardError.ReadToEndAsync();
        string output = await p.StandardOutput.ReadToEndAsync();
        string stderr = await stderrTask;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(timeout.Token);
        var overall = System.Text.RegularExpressions.Regex.Match(output, @"Overall exposure level for \S+: (\d+\.\d)");
        Assert.True(overall.Success, $"{output}\n{stderr}");
        double score = double.Parse(overall.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(score <= 3.0, $"exposure {score} > 3.0:\n{output}");
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        Assert.Contains($"`systemd-analyze security` exposure {overall.Groups[1].Value}", readme, StringComparison.Ordinal);
    }
}
