using System.Diagnostics;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Recording;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Fuzz;
using PolicyKit.Bmp.Tests.Support;

namespace PolicyKit.Bmp.Bench;

/// <summary>
/// The long fuzz run: mutants of every recorded message through one monitor after another (a
/// monitor is replaced when its framing is lost, as the station replaces a closed session, and
/// every 50,000 messages, as sessions come and go). Fails (exit 1) if any exception escapes;
/// reports the managed heap along the way so growth would show.
/// </summary>
internal static class FuzzRun
{
    public static int Run(TextWriter output, int count, int seed)
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "Recordings");
        var corpus = Directory.GetFiles(directory, "*.bmp").SelectMany(f => PcapWriter.Messages(File.ReadAllBytes(f))).Select(m => m.ToArray()).ToList();
        int recorded = corpus.Count;
        corpus.AddRange(BmpMutator.Synthetic());
        output.WriteLine($"corpus: {recorded} recorded messages from {directory} and {corpus.Count - recorded} synthetic ones; {count:N0} mutants, seed {seed}");
        var mutator = new BmpMutator(corpus, seed);
        var table = TestTables.TwoPeers();
        var options = new BmpStationOptions();
        var sink = new CountingSink();
        RouterMonitor monitor = new(table, options, sink);
        long framingLost = 0, malformed = 0, sessions = 1, sinceNew = 0;
        var clock = Stopwatch.StartNew();
        long peakHeap = 0;
        for (int i = 1; i <= count; i++)
        {
            var mutant = mutator.Next();
            int used;
            string? error;
            try
            {
                used = monitor.Consume(mutant, out error);
            }
#pragma warning disable CA1031 // the point of the run: report any exception with the input that caused it
            catch (Exception e)
            {
                string file = Path.Combine(Path.GetTempPath(), $"bmp-fuzz-crash-{seed}-{i}.bin");
                File.WriteAllBytes(file, mutant);
                output.WriteLine($"EXCEPTION at mutant {i}: {e}\ninput saved to {file}");
                return 1;
            }
#pragma warning restore CA1031
            sinceNew++;
            if (error is not null) framingLost++;
            if (error is not null || used < mutant.Length || sinceNew >= 50_000)
            {
                malformed += monitor.MalformedMessages;
                monitor = new RouterMonitor(table, options, sink);
                sessions++;
                sinceNew = 0;
            }
            if (i % Math.Max(1, count / 10) == 0)
            {
                monitor.Snapshot();
                long heap = GC.GetTotalMemory(forceFullCollection: true);
                peakHeap = Math.Max(peakHeap, heap);
                output.WriteLine($"{i,10:N0} mutants  {clock.Elapsed.TotalSeconds,6:F1} s  heap {heap / 1e6,6:F1} MB  framing lost {framingLost:N0}  monitors {sessions:N0}");
            }
        }
        malformed += monitor.MalformedMessages;
        output.WriteLine($"done: {count:N0} mutants in {clock.Elapsed.TotalSeconds:F1} s, no exception; {malformed:N0} malformed messages counted, " +
            $"framing lost {framingLost:N0} times, {sink.Events:N0} events, peak heap {peakHeap / 1e6:F1} MB");
        return 0;
    }

    private sealed class CountingSink : Events.IBmpEventSink
    {
        public long Events;

        public bool HasRoom => true;

        public void Publish(Events.BmpEvent e) => Events++;

        public void CountDropped()
        {
        }
    }
}
