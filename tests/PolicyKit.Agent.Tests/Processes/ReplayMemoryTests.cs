using System.Diagnostics;
using System.Globalization;
using System.Text;
using PolicyKit.Agent.Tests.Support;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// A replay streams its trace instead of holding it (issue 14, finding 8: 40 MB of JSONL made a
/// 453 MB agent). The real agent replays a 40 MB trace; its peak resident memory, as GNU time
/// reports it, stays within a bound that holding the trace would break.
/// </summary>
public sealed class ReplayMemoryTests : IDisposable
{
    private const long BoundKb = 220 * 1024;   // the agent on the JIT is ~60 MB; the old reader reached 453 MB
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_40_MB_trace_is_replayed_in_bounded_memory()
    {
        Assert.True(File.Exists("/usr/bin/time"), "GNU time is needed to measure peak memory: apt-get install time");
        string table = TestTables.BroadbandEdge(_dir.File("out"));
        string trace = _dir.File("big.jsonl");
        int lines = 0;
        using (var writer = new StreamWriter(trace, false, new UTF8Encoding(false)))
        {
            // Joins and leaves across subscriber ports, the demo's events repeated with new times.
            while (writer.BaseStream.Length < 40_000_000)
            {
                int port = 10 + lines % 3, group = lines % 200;
                string verb = lines % 4 == 3 ? "leave" : "join";
                string tail = verb == "join" ? " version 3" : string.Empty;
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"t\": {lines * 0.001:F3}, \"event\": \"{verb} GigabitEthernet0/0/{port} 232.1.0.{group} source 198.51.100.10{tail}\", \"note\": \"padding so a line is the size of a real log line's\"}}\n"));
                lines++;
                if (lines % 1000 == 0) writer.Flush();
            }
        }

        var info = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-f", "maxrss-kb %M", "dotnet", AgentProcess.Dll, "run", "--table", table, "--replay", trace, "--speed", "fast", "--exit-when-done",
                     "--set", "mqtt.enabled=false", "--set", "agent.status_listen=", "--set", "agent.watch=false" })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the replay did not finish within 3 minutes");
        }
        string err = await stderr;
        _ = await stdout;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{err[^Math.Min(err.Length, 3000)..]}");
        Assert.Contains($"replay done: {lines} events", err, StringComparison.Ordinal);
        var line = err.Split('\n').Last(l => l.StartsWith("maxrss-kb ", StringComparison.Ordinal));
        long kb = long.Parse(line["maxrss-kb ".Length..].Trim(), CultureInfo.InvariantCulture);
        Assert.True(kb < BoundKb, $"replaying a {new FileInfo(trace).Length / 1_000_000} MB trace took {kb / 1024} MB resident (bound {BoundKb / 1024} MB)");
    }
}
