using System.Text.Json;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Format;
using PolicyKit.Tables.Tests;
using PolicyKit.Telemetry.Tests;
using PolicyKit.Testing;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// A table file is input like any other: whatever is put at the table's path — a forged table,
/// thousands of mutants, /dev/zero, a FIFO — the running agent refuses it with a message and an
/// event, keeps enforcing the table it has, and never stops (issue 14, findings 1 and 3).
/// </summary>
public sealed class HostileTableTests : IDisposable
{
    private const string Root = "policykit/v1/north-pop-1/pe-agg-1";
    private readonly TempDir _dir = new();
    private readonly MosquittoBroker _broker = new();
    private readonly string _table;
    private readonly byte[] _good;

    public HostileTableTests()
    {
        _broker.Start();
        _table = TestTables.BroadbandEdge(_dir.File("out"));
        _good = File.ReadAllBytes(_table);
    }

    public void Dispose()
    {
        _broker.Dispose();
        _dir.Dispose();
    }

    private string[] Args(int statusPort, params string[] extra) =>
    [
        "run", "--table", _table, "--set", $"mqtt.port={_broker.Port}", "--set", $"agent.status_listen=127.0.0.1:{statusPort}",
        "--set", "mqtt.reconnect_min=100ms", "--set", "mqtt.reconnect_max=500ms", .. extra,
    ];

    /// <summary>Replaces the table the way deploy tools do: a temporary file renamed over it.</summary>
    private void Deploy(byte[] bytes)
    {
        string temp = _table + ".deploy";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, _table, overwrite: true);
    }

    private static JsonElement Status(int port)
    {
        var (code, output, err) = AgentProcess.Run(["status", "--endpoint", $"127.0.0.1:{port}", "--json"]);
        Assert.True(code == 0, $"status exited {code}: {err}");
        return JsonDocument.Parse(output).RootElement;
    }

    private static string Checksum(byte[] table) => TableReader.Load(table).File.Checksum;

    [Fact]
    public void A_table_naming_an_interface_twice_is_refused_at_start_with_one_line_and_exit_2()
    {
        File.WriteAllBytes(_table, ForgedTables.InterfaceNamedTwice(_good));
        var (code, _, err) = AgentProcess.Run(["run", "--table", _table, "--set", "mqtt.enabled=false", "--set", "agent.status_listen="]);
        Assert.True(code == 2, $"exit {code}\n{err}");
        Assert.Matches("cannot start: .*invalid table: interfaces [0-9]+ and [0-9]+ are both named '", err);
        Assert.DoesNotContain("   at ", err);

        // mpolc inspect says the same.
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(1, PolicyKit.Mpolc.Program.Run(["inspect", _table], stdout, stderr));
        Assert.Matches("invalid table: interfaces [0-9]+ and [0-9]+ are both named '", stderr.ToString());
    }

    [Fact]
    public async Task A_forged_table_dev_zero_and_a_fifo_are_refused_on_reload_and_the_agent_keeps_its_table()
    {
        int port = MosquittoBroker.FreePort();
        using var agent = AgentProcess.Start(Args(port));
        agent.WaitForLog("connected", TimeSpan.FromSeconds(20));
        await using var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/events");

        // The watcher (file-change) and SIGHUP both meet the forged table.
        Deploy(ForgedTables.InterfaceNamedTwice(_good));
        await sub.WaitForAsync(m => m.Any(x => x.Payload.Contains("table-refused") && x.Payload.Contains("both named")), TimeSpan.FromSeconds(10), "table-refused (file-change)");
        agent.Signal(AgentProcess.SIGHUP);
        await sub.WaitForAsync(m => m.Count(x => x.Payload.Contains("table-refused") && x.Payload.Contains("both named")) >= 2, TimeSpan.FromSeconds(10), "table-refused (sighup)");

        // A symlink to /dev/zero and a FIFO: refused at once, not read forever, not waited on.
        File.Delete(_table);
        File.CreateSymbolicLink(_table, "/dev/zero");
        agent.Signal(AgentProcess.SIGHUP);
        await sub.WaitForAsync(m => m.Any(x => x.Payload.Contains("not a regular file (a character device)")), TimeSpan.FromSeconds(10), "/dev/zero refused");
        File.Delete(_table);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [_table]))
        {
            Assert.True(mkfifo.WaitForExit(10_000) && mkfifo.ExitCode == 0, "mkfifo failed (install coreutils)");
        }
        agent.Signal(AgentProcess.SIGHUP);
        await sub.WaitForAsync(m => m.Any(x => x.Payload.Contains("not a regular file (a FIFO)")), TimeSpan.FromSeconds(10), "FIFO refused");

        Assert.False(agent.HasExited, agent.Errors);
        Assert.Equal(Checksum(_good), Status(port).GetProperty("table").GetProperty("checksum").GetString());
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(15)));
    }

    /// <summary>
    /// Thousands of mutants of the table the agent enforces (half with their framing repaired, so
    /// the section parser and structural checks are reached), each deployed over the table and
    /// reloaded: every one is refused with a log line and an MQTT event, the agent never exits, and
    /// afterwards it still serves the original table with its limits.
    /// </summary>
    [Fact]
    public async Task Thousands_of_mutated_tables_are_each_refused_and_the_old_table_stays_in_force()
    {
        const int Mutants = 2000;
        int port = MosquittoBroker.FreePort();
        using var agent = AgentProcess.Start(Args(port, "--set", "agent.watch=false"));
        agent.WaitForLog("connected", TimeSpan.FromSeconds(20));
        await using var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/events");
        var before = Status(port);
        string limitsBefore = Limits(before);

        var random = new Random(14);
        int sent = 0, skipped = 0, scanned = 0;
        while (sent < Mutants)
        {
            byte[] mutant = TableMutator.Mutate(random, _good, repair: random.Next(2) == 0);
            if (WouldAccept(mutant))
            {
                skipped++;   // a mutant that is still a good table would rightly be taken
                continue;
            }
            Deploy(mutant);
            agent.Signal(AgentProcess.SIGHUP);
            sent++;
            scanned = WaitForNext(agent, "table refused (sighup)", scanned);
        }

        var events = await sub.WaitForAsync(m => m.Count(x => x.Payload.Contains("\"type\":\"table-refused\"")) >= Mutants, TimeSpan.FromSeconds(30), $"{Mutants} table-refused events");
        Assert.Equal(Mutants, events.Count(x => x.Payload.Contains("\"type\":\"table-refused\"")));
        Assert.DoesNotContain(events, x => x.Payload.Contains("table-reloaded"));
        Assert.False(agent.HasExited, agent.Errors);
        Assert.DoesNotContain("reload (sighup) failed", agent.Errors);

        var after = Status(port);
        Assert.Equal(Checksum(_good), after.GetProperty("table").GetProperty("checksum").GetString());
        Assert.Equal(limitsBefore, Limits(after));
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(15)));
        Assert.True(skipped < Mutants, $"{skipped} mutants were still good tables");
    }

    private static bool WouldAccept(byte[] mutant)
    {
        try
        {
            return CompiledTable.TryBuild(TableReader.Read(mutant), out _, out _);
        }
        catch (TableFormatException)
        {
            return false;
        }
    }

    /// <summary>Every limit's scope and maximum: what the table in force enforces.</summary>
    private static string Limits(JsonElement status) => string.Join("\n", status.GetProperty("limits").EnumerateArray()
        .Select(l => $"{l.GetProperty("scope").GetString()} {l.GetProperty("max")}").Order(StringComparer.Ordinal));

    /// <summary>Waits for the next occurrence of <paramref name="text"/> in the agent's log after offset <paramref name="from"/>; returns the offset after it.</summary>
    private static int WaitForNext(AgentProcess agent, string text, int from)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < until)
        {
            string errors = agent.Errors;
            int at = errors.IndexOf(text, Math.Min(from, errors.Length), StringComparison.Ordinal);
            if (at >= 0) return at + text.Length;
            Assert.False(agent.HasExited, $"the agent exited:\n{errors[^Math.Min(errors.Length, 3000)..]}");
            Thread.Sleep(2);
        }
        string log = agent.Errors;
        Assert.Fail($"the agent did not report the refusal within 10 s:\n{log[^Math.Min(log.Length, 3000)..]}");
        return from;
    }
}
