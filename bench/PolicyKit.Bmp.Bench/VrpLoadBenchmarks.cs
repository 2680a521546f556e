using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using PolicyKit.Bmp.Analysis;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Bench;

/// <summary>
/// The station's VRP set (issue 20): a 500,000-entry VRP JSON file (80 % IPv4: 60 % of them /24,
/// 10 % /23, 10 % /22, the rest /12–/21; 20 % IPv6: half /48, a fifth /32, the rest /19–/47;
/// maxLength up to 4 bits longer, the stayrtr/rpki-client shape with a "ta" member) read
/// into an <see cref="OriginTable"/>, and RFC 6811 lookups against it. The goal: loaded in < 1 s
/// and < 100 MB. <c>--vrp-load</c> measures the same load in a fresh process (time, heap held, peak RSS).
/// Run: <c>dotnet bench/PolicyKit.Bmp.Bench/bin/Release/net10.0/PolicyKit.Bmp.Bench.dll --filter '*VrpLoad*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class VrpLoadBenchmarks
{
    public const int Entries = 500_000;
    private string _file = string.Empty;
    private OriginTable _table = null!;
    private RoutePrefix[] _routes = [];

    [GlobalSetup]
    public void Setup()
    {
        _file = Path.Combine(Path.GetTempPath(), $"pk-vrps-{Entries}.json");
        Write(_file, Entries, seed: 6811);
        _table = Load(_file);
        var random = new Random(1);
        _routes = Enumerable.Range(0, 1024).Select(_ => new RoutePrefix(RouteFamily.Ipv4Unicast, (uint)random.Next() << 8 & 0xFFFFFF00u, 24, 0)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_file);

    /// <summary>One whole load of the 500k-entry file.</summary>
    [Benchmark]
    public int Load500k() => Load(_file).Count;

    /// <summary>1,024 IPv4 /24 lookups (random addresses: covered, invalid or not found).</summary>
    [Benchmark(OperationsPerInvoke = 1024)]
    public int Validate()
    {
        int valid = 0;
        var origin = RouteOrigin.Of(64500);
        foreach (ref readonly var route in _routes.AsSpan()) valid += _table.Validate(route, origin) == OriginState.Valid ? 1 : 0;
        return valid;
    }

    public static OriginTable Load(string file) =>
        VrpJson.TryLoad(file, out var table, out string error) ? table! : throw new InvalidOperationException(error);

    /// <summary>Writes <paramref name="entries"/> VRPs in the export format of stayrtr/rpki-client.</summary>
    public static void Write(string file, int entries, int seed)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("{\"metadata\":{\"buildtime\":\"2026-12-07T00:00:00Z\",\"vrps\":");
        writer.Write(entries.ToString(CultureInfo.InvariantCulture));
        writer.Write("},\"roas\":[\n");
        for (int i = 0; i < entries; i++)
        {
            string prefix;
            int length, width;
            if (random.Next(5) > 0)
            {
                // As in real exports: most IPv4 VRPs are /24s, few are short.
                int pick = random.Next(100);
                length = pick < 60 ? 24 : pick < 70 ? 23 : pick < 80 ? 22 : random.Next(12, 22);
                width = 24;
                uint bits = (uint)random.Next() << 1 & (uint.MaxValue << (32 - length));
                prefix = $"{bits >> 24}.{bits >> 16 & 255}.{bits >> 8 & 255}.{bits & 255}/{length}";
            }
            else
            {
                int pick = random.Next(100);
                length = pick < 50 ? 48 : pick < 70 ? 32 : random.Next(19, 48);
                width = 48;
                ulong high = (0x2000UL << 48 | (ulong)random.NextInt64(0, 1L << 48)) & (ulong.MaxValue << (64 - length));
                prefix = $"{high >> 48:x}:{high >> 32 & 0xffff:x}:{high >> 16 & 0xffff:x}:{high & 0xffff:x}::/{length}";
            }
            int max = Math.Min(width, length + random.Next(0, 5));
            writer.Write($"{{\"prefix\":\"{prefix}\",\"maxLength\":{max},\"asn\":\"AS{random.Next(1, 400_000)}\",\"ta\":\"ripe\"}}");
            writer.Write(i + 1 < entries ? ",\n" : "\n");
        }
        writer.Write("]}\n");
    }
}

/// <summary>The VRP load as a process measurement: a fresh process, one load, wall time, the heap it holds after a full GC, and the process's peak RSS.</summary>
internal static class VrpLoadRun
{
    public static int Run(TextWriter output, int entries)
    {
        string file = Path.Combine(Path.GetTempPath(), $"pk-vrps-run-{Environment.ProcessId}.json");
        try
        {
            VrpLoadBenchmarks.Write(file, entries, seed: 6811);
            long size = new FileInfo(file).Length;
            long before = GC.GetTotalMemory(true);
            long rssBefore = PeakRss();
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var table = VrpLoadBenchmarks.Load(file);
            var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            process.Refresh();
            cpu = process.TotalProcessorTime - cpu;
            long after = GC.GetTotalMemory(true);
            output.WriteLine($"{table.Count:N0} VRPs ({table.Ipv4Count:N0} IPv4, {table.Ipv6Count:N0} IPv6) from {size / 1e6:F1} MB of JSON in {took.TotalMilliseconds:F0} ms wall, {cpu.TotalMilliseconds:F0} ms CPU (cold: includes JIT)");
            output.WriteLine($"held after full GC: {(after - before) / 1e6:F1} MB (table arrays {table.Bytes / 1e6:F1} MB); peak RSS {rssBefore / 1e6:F1} MB before, {PeakRss() / 1e6:F1} MB after");
            // Lookups: 1M random IPv4 /24s (covered and not), CPU time of the loop.
            var random = new Random(2);
            var routes = Enumerable.Range(0, 1 << 20).Select(_ => new RoutePrefix(RouteFamily.Ipv4Unicast, (uint)random.Next() << 8, 24, 0)).ToArray();
            process.Refresh();
            cpu = process.TotalProcessorTime;
            int valid = 0, invalid = 0;
            foreach (ref readonly var route in routes.AsSpan())
            {
                var state = table.Validate(route, RouteOrigin.Of(64500));
                valid += state == OriginState.Valid ? 1 : 0;
                invalid += state == OriginState.Invalid ? 1 : 0;
            }
            process.Refresh();
            cpu = process.TotalProcessorTime - cpu;
            output.WriteLine($"{routes.Length:N0} lookups ({invalid:N0} invalid, {valid:N0} valid): {cpu.TotalMilliseconds * 1e6 / routes.Length:F0} ns CPU each");
            GC.KeepAlive(table);
            return 0;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static long PeakRss()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        return 0;
    }
}
