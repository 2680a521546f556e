using System.Diagnostics;

namespace PolicyKit.Agent.Runtime;

/// <summary>
/// The engine's time: monotonic ticks that follow the wall clock, except that a replay may move it
/// ahead (a fast replay of an hour-long trace takes milliseconds but the engine must see the hour,
/// so memberships expire as recorded). Never goes back.
/// </summary>
public sealed class AgentClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private long _ahead;

    /// <summary>Now, in engine ticks (100 ns).</summary>
    public long Now => _watch.Elapsed.Ticks + Volatile.Read(ref _ahead);

    /// <summary>Moves the clock forward to at least <paramref name="ticks"/> (replayed time); never back.</summary>
    public long AdvanceTo(long ticks)
    {
        long now = Now;
        if (ticks > now) Interlocked.Add(ref _ahead, ticks - now);
        return Math.Max(ticks, now);
    }
}
