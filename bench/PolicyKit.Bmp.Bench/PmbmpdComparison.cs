using System.Diagnostics;
using System.Globalization;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Recording;
using PolicyKit.Bmp.Station;

namespace PolicyKit.Bmp.Bench;

/// <summary>
/// pmacct's pmbmpd (Debian pmacct 1.7.7) on the benchmark's stream, read offline from a pcap
/// (<c>pmbmpd -I</c>), without and with its JSON message log. pmbmpd spends seconds starting and
/// stopping whatever the input, so its rate is marginal: (messages of the large capture − of a
/// 1,000-message capture) ÷ (time of the large − of the small), by wall clock and by CPU time
/// (user + system of the child, from /proc/self/stat). The station's figure on the same stream is the best of
/// five single-threaded passes (fresh router session each); BenchmarkDotNet's is the reference.
/// </summary>
internal static class PmbmpdComparison
{
    public static int Run(TextWriter output)
    {
        string directory = Path.Combine(Path.GetTempPath(), "pk-bmp-pmbmpd-" + Environment.ProcessId);
        Directory.CreateDirectory(directory);
        try
        {
            var dump = Workload.Dump();
            var messages = PcapWriter.Messages(dump);
            string large = Path.Combine(directory, "large.pcap"), small = Path.Combine(directory, "small.pcap");
            using (var file = File.Create(large)) PcapWriter.Write(file, messages);
            using (var file = File.Create(small)) PcapWriter.Write(file, messages.Take(1000));
            output.WriteLine($"stream: {messages.Count:N0} BMP messages ({Workload.Messages:N0} route monitoring), {dump.Length / 1e6:F1} MB");

            string plain = Path.Combine(directory, "plain.conf"), json = Path.Combine(directory, "json.conf"), log = Path.Combine(directory, "msglog.json");
            File.WriteAllText(plain, "daemonize: false\n");
            File.WriteAllText(json, $"daemonize: false\nbmp_daemon_msglog_file: {log}\nbmp_daemon_msglog_output: json\n");
            foreach (var (name, config) in new[] { ("pmbmpd", plain), ("pmbmpd + JSON log", json) })
            {
                var s = Time(config, small, directory);
                var l = Time(config, large, directory);
                int n = messages.Count - 1000;
                string lines = File.Exists(log) && config == json ? $", {File.ReadLines(log).Count():N0} JSON lines" : string.Empty;
                output.WriteLine($"{name,-20} wall {l.Wall:F2} s (small {s.Wall:F2} s), cpu {l.Cpu:F2} s (small {s.Cpu:F2} s): " +
                    $"{n / (l.Wall - s.Wall),9:N0} msg/s by wall, {n / (l.Cpu - s.Cpu),9:N0} msg/s by cpu{lines}");
                if (File.Exists(log)) File.Delete(log);
            }

            var table = Workload.Table();
            double best = double.MaxValue;
            for (int i = 0; i < 5; i++)
            {
                var monitor = new RouterMonitor(table, new BmpStationOptions { ExpectedPrefixes = 300_000 });
                var clock = Stopwatch.StartNew();
                monitor.Consume(dump, out _);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            output.WriteLine($"{"PolicyKit station",-20} {best:F3} s for the whole stream: {messages.Count / best,9:N0} msg/s (best of 5, one thread, policy analysis on)");
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (double Wall, double Cpu) Time(string config, string pcap, string directory)
    {
        var info = new ProcessStartInfo("pmbmpd") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", config, "-I", pcap }) info.ArgumentList.Add(a);
        double cpuBefore = ChildrenCpuSeconds();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start pmbmpd (apt-get install pmacct)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000)) throw new TimeoutException("pmbmpd did not finish in 5 minutes");
        process.WaitForExit();
        double wall = clock.Elapsed.TotalSeconds;
        Task.WaitAll(stdout, stderr);
        if (process.ExitCode != 0) throw new InvalidOperationException($"pmbmpd exited {process.ExitCode}: {stdout.Result}{stderr.Result}");
        return (wall, ChildrenCpuSeconds() - cpuBefore);
    }

    /// <summary>User + system CPU of this process's waited-for children (/proc/self/stat cutime + cstime, in 1/100 s clock ticks).</summary>
    private static double ChildrenCpuSeconds()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "(comm) ": field 3 is the state; cutime and cstime are fields 16 and 17 of the whole line.
        return (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) / 100.0;
    }
}
