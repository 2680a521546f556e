using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace PolicyKit.Engine.Bench;

/// <summary>
/// <c>--latency</c>: times 1,000,000 single decisions of the mixed workload with
/// <see cref="Stopwatch.GetTimestamp"/> around each, sorts them and prints percentiles, the
/// timer's own cost (two timestamps with nothing between, subtracted from nothing — read the
/// figures as upper bounds), the bytes allocated over the run, and an untimed throughput pass.
/// </summary>
internal static class LatencyMode
{
    public static int Run(TextWriter output, bool uniform, int channels, int decisions = 1_000_000)
    {
        var workload = new Workload(channels);
        var engine = workload.Engine;
        var mixed = workload.Mixed(1 << 16, uniform);
        long now = 2;

        // Warm up (tiered JIT to its final code).
        for (int round = 0; round < 60; round++) Pass(engine, mixed, ++now);

        var samples = new long[decisions];
        var timer = new long[decisions];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        int gcs = GC.CollectionCount(0);
        var latencyMode = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        try
        {
            for (int i = 0; i < decisions; i++)
            {
                ref readonly var e = ref mixed[i % mixed.Length];
                if (i % mixed.Length == 0) now++;
                long t0 = Stopwatch.GetTimestamp();
                if (e.Leave) engine.Leave(new LeaveEvent(e.Event.Interface, e.Event.Group, e.Event.Source), now);
                else engine.Join(e.Event, now);
                samples[i] = Stopwatch.GetTimestamp() - t0;
            }
            for (int i = 0; i < decisions; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                timer[i] = Stopwatch.GetTimestamp() - t0;
            }
        }
        finally
        {
            GCSettings.LatencyMode = latencyMode;
        }
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        gcs = GC.CollectionCount(0) - gcs;

        // Untimed throughput on one core (thread CPU time where available: a busy machine's other
        // processes do not count against the engine).
        var watch = Stopwatch.StartNew();
        long cpu = ThreadClock.Nanoseconds();
        int passes = 0;
        while (watch.ElapsedMilliseconds < 2000)
        {
            Pass(engine, mixed, ++now);
            passes++;
        }
        double seconds = ThreadClock.Available ? (ThreadClock.Nanoseconds() - cpu) / 1e9 : watch.Elapsed.TotalSeconds;
        double perSecond = passes * (double)mixed.Length / seconds;
        double wallPerSecond = passes * (double)mixed.Length / watch.Elapsed.TotalSeconds;

        Array.Sort(samples);
        Array.Sort(timer);
        double ns = 1e9 / Stopwatch.Frequency;
        string P(long[] sorted, double q) => (sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))] * ns).ToString("0", CultureInfo.InvariantCulture);
        output.WriteLine($"join admission latency, {decisions:N0} decisions (80% {(uniform ? "uniformly random refreshes" : "query reports")}, 10% denied, 10% new+leave), 10k ranges x {BenchTable.Lineups} line-ups, {BenchTable.Interfaces} interfaces, {workload.Entries:N0} entries");
        output.WriteLine($"  p50 {P(samples, 0.50)} ns   p90 {P(samples, 0.90)} ns   p99 {P(samples, 0.99)} ns   p99.9 {P(samples, 0.999)} ns   max {P(samples, 1.0)} ns");
        output.WriteLine($"  timer alone: p50 {P(timer, 0.50)} ns   p99 {P(timer, 0.99)} ns (included in the figures above; Stopwatch frequency {Stopwatch.Frequency:N0} Hz)");
        output.WriteLine($"  allocated during the timed run: {allocated} bytes (two long[{decisions}] sample arrays were allocated before it); gen0 collections: {gcs}");
        output.WriteLine($"  untimed throughput, one thread: {perSecond / 1e6:0.0} M decisions/s per CPU second ({wallPerSecond / 1e6:0.0} M/s wall clock)");
        return 0;
    }

    private static void Pass(AdmissionEngine engine, (JoinEvent Event, bool Leave)[] events, long now)
    {
        for (int i = 0; i < events.Length; i++)
        {
            ref readonly var e = ref events[i];
            if (e.Leave) engine.Leave(new LeaveEvent(e.Event.Interface, e.Event.Group, e.Event.Source), now);
            else engine.Join(e.Event, now);
        }
    }
}
