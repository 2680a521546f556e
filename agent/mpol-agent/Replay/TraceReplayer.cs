using System.Diagnostics;
using System.Globalization;
using PolicyKit.Agent.Runtime;

namespace PolicyKit.Agent.Replay;

/// <summary>
/// Feeds a trace to the runtime in order, at recorded speed, at a factor of it, or as fast as
/// possible. The engine always sees recorded time (trace start + offset), whatever the speed, so
/// expiries happen as they did; only the waiting between records changes.
/// </summary>
public static class TraceReplayer
{
    public static async Task<int> RunAsync(AgentRuntime runtime, IEnumerable<TraceRecord> records, ReplaySpeed speed, TextWriter output, bool print, CancellationToken cancel)
    {
        long start = runtime.Clock.Now;
        var wall = Stopwatch.StartNew();
        int applied = 0;
        foreach (var record in records)
        {
            if (cancel.IsCancellationRequested) break;
            if (!speed.IsFast)
            {
                var due = TimeSpan.FromTicks((long)(record.Offset / speed.Factor));
                var wait = due - wall.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    try { await Task.Delay(wait, cancel).ConfigureAwait(false); }
                    catch (OperationCanceledException) { break; }
                }
            }
            long now = runtime.Clock.AdvanceTo(start + record.Offset);
            string stamp = print ? $"[+{TimeSpan.FromTicks(record.Offset).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),8}s] " : string.Empty;
            if (record.Note is not null && print) output.WriteLine($"{stamp}# {record.Note}");
            if (record.Event is not null)
            {
                runtime.Apply(record.Event, now, stamp);
                applied++;
            }
        }
        return applied;
    }
}
