using System.Diagnostics;
using System.Globalization;

namespace PolicyKit.Bench.Fuzz;

/// <summary>
/// The fuzz campaign of issue 14: millions of mutated policies through the compiler, or of
/// mutated tables through the table gate and the engine. A crash is any exception escaping (what
/// `mpolc` would turn into exit 3); a hang is one input taking longer than the watchdog allows;
/// memory is sampled along the way (managed heap after a full collection, peak working set).
/// Every finding is written to a file with the input that caused it. Exit 0 when the campaign ran
/// clean, 1 otherwise. CI runs a bounded share of the same mutators as unit tests.
/// <code>
/// PolicyKit.Bench fuzz policies -n 1000000 [--seed S] [--threads T]
/// PolicyKit.Bench fuzz tables   -n 1000000 [--seed S] [--threads T]
/// PolicyKit.Bench fuzz policies -n 1000000 --from 400000     (resume: mutants 400,001 and on)
/// PolicyKit.Bench fuzz policies --only 104431                (one mutant: shown, then run)
/// </code>
/// A crash no handler sees (a stack overflow ends the process) leaves the index of the mutant
/// each worker was on in /tmp/policykit-fuzz-TARGET-SEED-inflight-N.
/// </summary>
public static class FuzzCampaign
{
    /// <summary>One input taking this long is a hang (the slowest honest mutant takes milliseconds).</summary>
    public static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(20);

    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length == 0 || args[0] is not ("policies" or "tables"))
            throw new ArgumentException("fuzz needs a target: policies or tables");
        long count = 100_000, from = 0;
        long? only = null;
        int seed = 20261123, threads = 1;
        for (int i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "-n": count = long.Parse(Value(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--from": from = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--only": only = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        IFuzzTarget target = args[0] == "policies" ? new PolicyTarget() : new TableTarget();
        if (only is { } single)
        {
            // One mutant, shown, then run (a crash that kills the process — a stack overflow — shows here).
            output.WriteLine(target.Describe(seed, single));
            var stats = new FuzzStats();
            target.One(seed, single, stats);
            output.WriteLine($"mutant {single}: {stats.Describe()}, findings {stats.Findings}");
            return stats.Findings == 0 ? 0 : 1;
        }
        return Campaign(target, count, seed, Math.Clamp(threads, 1, Environment.ProcessorCount), from, output);
    }

    private static int Campaign(IFuzzTarget target, long count, int seed, int threads, long from, TextWriter output)
    {
        output.WriteLine($"fuzz {target.Name}: {count:N0} mutants{(from > 0 ? $" from #{from + 1:N0}" : "")}, seed {seed}, {threads} thread(s); {target.Corpus}");
        output.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        var stats = new FuzzStats();
        var clock = Stopwatch.StartNew();
        long next = from, peakHeap = 0;
        // Each worker notes the mutant it is on in a file of its own before running it: a crash
        // no handler sees (a stack overflow ends the process) still leaves its index behind.
        string inflight = Path.Combine(Path.GetTempPath(), $"policykit-fuzz-{target.Name}-{seed}-inflight");
        var current = new (long Index, long Started)[threads];
        int hung = 0;
        using var done = new CancellationTokenSource();

        // The watchdog: an input that runs past HangAfter is reported (with its index, so it can be
        // replayed from the seed) and the campaign stops.
        var watchdog = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await Task.Delay(1000).ConfigureAwait(false);
                for (int t = 0; t < threads; t++)
                {
                    var (index, started) = current[t];
                    if (started != 0 && Stopwatch.GetElapsedTime(started) > HangAfter && Interlocked.Exchange(ref hung, 1) == 0)
                    {
                        string file = Save(target.Name, seed, index, "hang", target.Describe(seed, index));
                        lock (output) output.WriteLine($"HANG: mutant {index} has run for more than {HangAfter.TotalSeconds:0} s; input saved to {file}");
                        done.Cancel();
                    }
                }
            }
        });

        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            var local = new FuzzStats();
            using var note = new FileStream($"{inflight}-{t}", FileMode.Create, FileAccess.Write, FileShare.Read, 1);
            var noteBytes = new byte[24];
            while (!done.IsCancellationRequested)
            {
                long i = Interlocked.Increment(ref next);
                if (i > count) break;
                System.Text.Encoding.ASCII.GetBytes(i.ToString("D20", CultureInfo.InvariantCulture) + "\n", noteBytes);
                note.Position = 0;
                note.Write(noteBytes, 0, 21);
                current[t] = (i, Stopwatch.GetTimestamp());
                try
                {
                    target.One(seed, i, local);
                }
#pragma warning disable CA1031 // the point of the run: any exception is a finding, saved with its input
                catch (Exception e)
                {
                    local.Crashes++;
                    string file = Save(target.Name, seed, i, "crash", target.Describe(seed, i) + "\n\n" + e);
                    lock (output) output.WriteLine($"CRASH: mutant {i}: {e.GetType().Name}: {e.Message}; input saved to {file}");
                }
#pragma warning restore CA1031
                long slowest = Stopwatch.GetElapsedTime(current[t].Started).Ticks;
                if (slowest > local.SlowestTicks) (local.SlowestTicks, local.SlowestIndex) = (slowest, i);
                current[t] = (i, 0);
                if (i % Math.Max(1, count / 10) == 0)
                {
                    long heap = GC.GetTotalMemory(forceFullCollection: true);
                    InterlockedMax(ref peakHeap, heap);
                    using var self = Process.GetCurrentProcess();
                    lock (output) output.WriteLine($"{i,12:N0} mutants  {clock.Elapsed.TotalSeconds,7:F0} s  heap {heap / 1e6,7:F1} MB  peak RSS {self.PeakWorkingSet64 / 1e6,7:F0} MB");
                }
            }
            lock (stats) stats.Add(local);
        }, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(workers);
        done.Cancel();
        watchdog.Wait();
        clock.Stop();

        using var process = Process.GetCurrentProcess();
        long ran = Math.Min(next, count) - from;
        output.WriteLine();
        output.WriteLine($"done: {ran:N0} mutants in {clock.Elapsed.TotalSeconds:F0} s ({ran / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):N0}/s)");
        output.WriteLine($"  {target.Summary(stats)}");
        output.WriteLine($"  crashes {stats.Crashes}, hangs {hung}, findings {stats.Findings}; slowest mutant {TimeSpan.FromTicks(stats.SlowestTicks).TotalMilliseconds:F0} ms (#{stats.SlowestIndex})");
        output.WriteLine($"  memory: managed heap at most {peakHeap / 1e6:F1} MB after a full GC, peak working set {process.PeakWorkingSet64 / 1e6:F0} MB");
        return stats.Crashes == 0 && hung == 0 && stats.Findings == 0 ? 0 : 1;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while ((seen = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    internal static string Save(string target, int seed, long index, string kind, string content)
    {
        string file = Path.Combine(Path.GetTempPath(), $"policykit-fuzz-{target}-{kind}-{seed}-{index}.txt");
        File.WriteAllText(file, content);
        return file;
    }
}

/// <summary>What the campaign runs: one mutant by index, deterministically from the seed.</summary>
internal interface IFuzzTarget
{
    string Name { get; }

    string Corpus { get; }

    /// <summary>Builds mutant <paramref name="index"/> and runs it; throws when something crashed, counts a finding in <paramref name="stats"/>.</summary>
    void One(int seed, long index, FuzzStats stats);

    /// <summary>The mutant again, as text to save with a finding.</summary>
    string Describe(int seed, long index);

    string Summary(FuzzStats stats);
}

internal sealed class FuzzStats
{
    public long Crashes;
    public long Findings;
    public long SlowestTicks;
    public long SlowestIndex;
    public readonly Dictionary<string, long> Outcomes = new(StringComparer.Ordinal);

    public void Count(string outcome) => Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;

    public void Add(FuzzStats other)
    {
        Crashes += other.Crashes;
        Findings += other.Findings;
        if (other.SlowestTicks > SlowestTicks) (SlowestTicks, SlowestIndex) = (other.SlowestTicks, other.SlowestIndex);
        foreach (var (k, v) in other.Outcomes) Outcomes[k] = Outcomes.GetValueOrDefault(k) + v;
    }

    public string Describe() => string.Join(", ", Outcomes.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value:N0}"));
}
