using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Tables.Format;

namespace PolicyKit.Bmp.Bench;

/// <summary>
/// End-to-end ingest, whole process against whole process: the same BMP byte stream sent over
/// loopback TCP to a fresh <c>mpol-agent</c> (BMP station on, MQTT off) and to a fresh pmacct
/// <c>pmbmpd</c>, alternating, several runs, medians. Each run starts its receiver, waits until it
/// listens, then times from connect to the receiver's own completion line: the sender writes the
/// whole stream and half-closes, and the receiver logs the session's end only after it has read to
/// the end of the stream and processed every message before it (both process a session's messages
/// in order on one reader). mpol-agent's line carries the message count, which must equal the
/// stream's; pmbmpd logs "BMP connection reset by peer" after its last read. CPU is the receiver's
/// user + system time between "listening" and "done" (/proc/PID/stat).
///
/// <para>Streams: Initiation, one Peer Up, then N Route Monitoring messages of K IPv4 /24 prefixes
/// each (distinct prefixes from 16.0.0.0 up, a path per message as <see cref="FullTable"/> draws
/// them). The agent's table names the peer with max-prefix 2,000,000 (engine on), damping, and the
/// default bogon check — the policy analysis an operator runs.</para>
/// </summary>
internal static class EndToEnd
{
    public sealed record Shape(string Name, int Messages, int PrefixesPerMessage);

    public static readonly Shape[] Shapes = [new("100k x 10", 100_000, 10), new("1M x 1", 1_000_000, 1)];

    public static int Run(TextWriter output, int runs, string? agent, IReadOnlyList<string> only)
    {
        string directory = Path.Combine(Path.GetTempPath(), "pk-bmp-e2e-" + Environment.ProcessId);
        Directory.CreateDirectory(directory);
        try
        {
            string table = Path.Combine(directory, "bench.mpt");
            File.WriteAllBytes(table, TableWriter.Write(Table().Source));
            var agentCommand = AgentCommand(agent);
            output.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; .NET {Environment.Version}");
            output.WriteLine($"station: {string.Join(' ', agentCommand)}");
            output.WriteLine($"pmbmpd:  {Which("pmbmpd") ?? "missing (apt-get install pmacct)"}");
            var results = new List<(Shape Shape, string Receiver, double Wall, double Cpu)>();
            foreach (var shape in Shapes.Where(s => only.Count == 0 || only.Contains(s.Name)))
            {
                string stream = Path.Combine(directory, $"{shape.Messages}x{shape.PrefixesPerMessage}.bmp");
                long messages = Generate(stream, shape);
                output.WriteLine($"\n{shape.Name}: {messages:N0} BMP messages, {shape.Messages * (long)shape.PrefixesPerMessage:N0} prefixes, {new FileInfo(stream).Length / 1e6:F1} MB");
                for (int run = 1; run <= runs; run++)
                {
                    // Alternate who goes first, so neither always runs on a warmer page cache or a quieter machine.
                    var order = run % 2 == 1 ? new[] { "station", "pmbmpd" } : ["pmbmpd", "station"];
                    foreach (string receiver in order)
                    {
                        var (wall, cpu) = receiver == "station" ? RunStation(agentCommand, table, stream, messages) : RunPmbmpd(directory, stream);
                        results.Add((shape, receiver, wall, cpu));
                        output.WriteLine($"  run {run} {receiver,-8} {wall,7:F3} s wall  {cpu,7:F2} s cpu");
                    }
                }
                File.Delete(stream);
            }
            output.WriteLine($"\nmedians of {runs} (wall, from connect to the receiver's completion line):");
            output.WriteLine($"| stream | mpol-agent station | pmbmpd | station ÷ pmbmpd |");
            output.WriteLine($"|---|---|---|---|");
            foreach (var group in results.GroupBy(r => r.Shape))
            {
                double station = Median(group.Where(r => r.Receiver == "station").Select(r => r.Wall));
                double pm = Median(group.Where(r => r.Receiver == "pmbmpd").Select(r => r.Wall));
                double stationCpu = Median(group.Where(r => r.Receiver == "station").Select(r => r.Cpu));
                double pmCpu = Median(group.Where(r => r.Receiver == "pmbmpd").Select(r => r.Cpu));
                output.WriteLine($"| {group.Key.Name} | {station:F3} s ({stationCpu:F2} s cpu) | {pm:F3} s ({pmCpu:F2} s cpu) | {pm / station:F1}× faster |");
            }
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// RSS across reconnects: one fresh agent, the same router (1M prefixes, one to an UPDATE)
    /// connecting <paramref name="sessions"/> times in a row, each session sent whole and closed; the
    /// agent's VmRSS 3 s after each session ended, and its peak (VmHWM). A RIB freed at session end
    /// and given back keeps the figure flat.
    /// </summary>
    public static int Reconnects(TextWriter output, int sessions, string? agent)
    {
        string directory = Path.Combine(Path.GetTempPath(), "pk-bmp-rss-" + Environment.ProcessId);
        Directory.CreateDirectory(directory);
        try
        {
            string table = Path.Combine(directory, "bench.mpt");
            File.WriteAllBytes(table, TableWriter.Write(Table().Source));
            var shape = Shapes.Single(s => s.Name == "1M x 1");
            string stream = Path.Combine(directory, "stream.bmp");
            long messages = Generate(stream, shape);
            var command = AgentCommand(agent);
            output.WriteLine($"station: {string.Join(' ', command)}; {sessions} sessions of {messages:N0} messages ({shape.Name}), {new FileInfo(stream).Length / 1e6:F1} MB each");
            int port = FreePort();
            using var receiver = Receiver.Start(command[0], [.. command.Skip(1), "run", "--table", table, "--set", "mqtt.enabled=false", "--set", "agent.status_listen=",
                "--set", "bmp.enabled=true", "--set", $"bmp.listen=127.0.0.1:{port}"]);
            receiver.WaitFor(l => l.Contains("bmp: station listening", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the station to listen");
            output.WriteLine($"at rest: {receiver.Rss().Current / 1024.0:F0} MB");
            var after = new List<double>();
            for (int i = 1; i <= sessions; i++)
            {
                using (Send(port, stream))
                    receiver.WaitFor(l => l.Contains("bmp: session", StringComparison.Ordinal) && l.Contains(" closed", StringComparison.Ordinal), TimeSpan.FromMinutes(5), "the session's end");
                Thread.Sleep(3000);
                var (current, peak) = receiver.Rss();
                after.Add(current / 1024.0);
                output.WriteLine($"after session {i,2}: RSS {current / 1024.0,6:F0} MB (peak so far {peak / 1024.0:F0} MB)");
            }
            output.WriteLine($"after the last session {after[^1]:F0} MB vs after the first {after[0]:F0} MB: {(after[^1] / after[0] - 1) * 100:+0.0;-0.0} %; peak {receiver.Rss().Peak / 1024.0:F0} MB");
            receiver.Stop(Receiver.SIGTERM);
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The policy of the run: the stream's peer named, max-prefix 2,000,000 (warning at 1,800,000), standard damping.</summary>
    public static Engine.Compiled.CompiledTable Table() =>
        TestTables.Bgp(TestTables.StandardDamping, new TestTables.Peer(FullTable.PeerAddresses[0], FullTable.PeerAs(0), 2_000_000, 1_800_000));

    /// <summary>Writes the stream; returns its number of BMP messages.</summary>
    public static long Generate(string path, Shape shape)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        return FullTable.WriteStream(file, [FullTable.PeerAddresses[0]], shape.Messages, shape.PrefixesPerMessage, seed: 42);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string[] AgentCommand(string? agent)
    {
        agent ??= Path.Combine(RepoRoot(), "agent", "mpol-agent", "bin", "Release", "net10.0", "mpol-agent.dll");
        if (!File.Exists(agent)) throw new FileNotFoundException($"no mpol-agent at {agent}: dotnet build agent/mpol-agent -c Release, or --agent PATH (a published binary)");
        return agent.EndsWith(".dll", StringComparison.Ordinal) ? ["dotnet", agent] : [agent];
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "PolicyKit.sln"))) return d.FullName;
        }
        throw new DirectoryNotFoundException("cannot find the repository (PolicyKit.sln) above " + AppContext.BaseDirectory);
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/usr/bin"]).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static (double Wall, double Cpu) RunStation(string[] command, string table, string stream, long messages)
    {
        int port = FreePort();
        string[] args = [.. command.Skip(1), "run", "--table", table, "--set", "mqtt.enabled=false", "--set", "agent.status_listen=",
            "--set", "bmp.enabled=true", "--set", $"bmp.listen=127.0.0.1:{port}"];
        using var receiver = Receiver.Start(command[0], args);
        receiver.WaitFor(l => l.Contains("bmp: station listening", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the station to listen");
        double cpuBefore = receiver.CpuSeconds();
        long started = Stopwatch.GetTimestamp();
        using var socket = Send(port, stream);
        string done = receiver.WaitFor(l => l.Contains("bmp: session", StringComparison.Ordinal) && l.Contains(" closed", StringComparison.Ordinal), TimeSpan.FromMinutes(5), "the session's end");
        double wall = receiver.SecondsSince(started, done);
        double cpu = receiver.CpuSeconds() - cpuBefore;
        var counted = Regex.Match(done, @"; (\d+) messages");
        if (!counted.Success || long.Parse(counted.Groups[1].Value, CultureInfo.InvariantCulture) != messages)
            throw new InvalidOperationException($"the station processed a different number of messages than sent ({messages}): {done}");
        receiver.Stop(Receiver.SIGTERM);
        return (wall, cpu);
    }

    private static (double Wall, double Cpu) RunPmbmpd(string directory, string stream)
    {
        int port = FreePort();
        string config = Path.Combine(directory, "pmbmpd.conf");
        File.WriteAllText(config, $"daemonize: false\nbmp_daemon_ip: 127.0.0.1\nbmp_daemon_port: {port}\n");
        // pmbmpd logs through stdio: line-buffered, so its completion line arrives when written.
        using var receiver = Receiver.Start("stdbuf", ["-oL", "-eL", "pmbmpd", "-f", config]);
        receiver.WaitFor(l => l.Contains("waiting for BMP data", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "pmbmpd to listen");
        double cpuBefore = receiver.CpuSeconds();
        long started = Stopwatch.GetTimestamp();
        using var socket = Send(port, stream);
        string done = receiver.WaitFor(l => l.Contains("BMP connection reset by peer", StringComparison.Ordinal), TimeSpan.FromMinutes(5), "pmbmpd's end of session");
        double wall = receiver.SecondsSince(started, done);
        double cpu = receiver.CpuSeconds() - cpuBefore;
        receiver.Stop(Receiver.SIGINT);
        return (wall, cpu);
    }

    /// <summary>Connects, sends the whole stream and half-closes; the caller closes the socket once the receiver is done.</summary>
    private static Socket Send(int port, string stream)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(IPAddress.Loopback, port);
        socket.SendFile(stream);
        socket.Shutdown(SocketShutdown.Send);
        return socket;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>A receiver process this run started: its output lines with arrival times; stopped by its own PID.</summary>
    private sealed class Receiver : IDisposable
    {
        public const int SIGINT = 2, SIGTERM = 15;

        private readonly Process _process;
        private readonly BlockingCollection<(string Line, long At)> _lines = [];
        private readonly List<string> _seen = [];
        private readonly Dictionary<string, long> _arrival = [];

        private Receiver(Process process) => _process = process;

        public static Receiver Start(string file, IEnumerable<string> args)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in args) info.ArgumentList.Add(a);
            var process = new Process { StartInfo = info };
            var receiver = new Receiver(process);
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) receiver._lines.Add((e.Data, Stopwatch.GetTimestamp())); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) receiver._lines.Add((e.Data, Stopwatch.GetTimestamp())); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return receiver;
        }

        public string WaitFor(Func<string, bool> match, TimeSpan timeout, string what)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (_lines.TryTake(out var item, TimeSpan.FromMilliseconds(200)))
                {
                    _seen.Add(item.Line);
                    if (match(item.Line))
                    {
                        _arrival[item.Line] = item.At;
                        return item.Line;
                    }
                }
                else if (_process.HasExited)
                {
                    break;
                }
            }
            throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}; output:\n{string.Join('\n', _seen.TakeLast(30))}");
        }

        /// <summary>VmRSS and VmHWM (peak) in kB.</summary>
        public (long Current, long Peak) Rss()
        {
            long current = 0, peak = 0;
            foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) current = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
            return (current, peak);
        }

        public double SecondsSince(long started, string line) => (_arrival[line] - started) / (double)Stopwatch.Frequency;

        /// <summary>User + system CPU seconds of the process (and, for stdbuf, the program it became: exec keeps the PID).</summary>
        public double CpuSeconds()
        {
            string stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }

        public void Stop(int signal)
        {
            if (!_process.HasExited) _ = Kill(_process.Id, signal);
            if (!_process.WaitForExit(15_000)) _process.Kill();
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.Dispose();
        }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
        private static extern int Kill(int pid, int signal);
    }
}
