using System.Diagnostics;
using PolicyKit.Tables.Format;
using Xunit.Abstractions;

namespace PolicyKit.Tables.Tests;

/// <summary>
/// Informal load-time measurement of a large table (10k group ranges, 2k interfaces); the
/// BenchmarkDotNet engine benchmarks live in bench/. The target is &lt; 50 ms; the assertion
/// is looser so a loaded CI machine does not fail it, and the measured time is printed.
/// </summary>
public sealed class LoadTimeTests(ITestOutputHelper output)
{
    [Fact]
    public void Large_table_loads_fast()
    {
        var table = TestTables.Large(groupRanges: 10_000, interfaces: 2_000);
        var write = Stopwatch.StartNew();
        byte[] bytes = TableWriter.Write(table);
        write.Stop();

        // Warm up (JIT), then take the best and the median of several loads.
        for (int i = 0; i < 3; i++) TableReader.Read(bytes);
        var times = new List<double>();
        for (int i = 0; i < 15; i++)
        {
            var watch = Stopwatch.StartNew();
            var read = TableReader.Read(bytes);
            watch.Stop();
            times.Add(watch.Elapsed.TotalMilliseconds);
            GC.KeepAlive(read);
        }
        times.Sort();
        double best = times[0], median = times[times.Count / 2];
        output.WriteLine($"large table: {bytes.Length:N0} bytes; write {write.Elapsed.TotalMilliseconds:F1} ms; load best {best:F2} ms, median {median:F2} ms (target < 50 ms)");
        Assert.Equal(table, TableReader.Read(bytes));
        Assert.True(best < 250, $"loading took {best:F1} ms at best (target < 50 ms)");
    }
}
