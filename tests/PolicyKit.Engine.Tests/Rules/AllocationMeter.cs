using System.Runtime;

namespace PolicyKit.Engine.Tests.Rules;

/// <summary>
/// Bytes a piece of steady-state work allocates on the calling thread, measured so that only the
/// work counts (like Tomlyn's allocation tests: <see cref="GC.GetAllocatedBytesForCurrentThread"/>).
/// <para>
/// What else can move that counter, and how each is kept out of the window:
/// <list type="bullet">
/// <item>First calls (JIT, tier-up, static constructors, first-time growth of pre-sized state):
/// warm up until two rounds in a row allocate nothing, bounded by <c>maxWarmup</c> rounds.</item>
/// <item>A garbage collection made by another test's thread: the collector fixes every thread's
/// allocation context, which this counter sees as bytes the thread allocated. With the background
/// (concurrent) collector this happened with no completed collection to show for it (1 run in 4 of
/// the engine tests, 1–4 KB); so this test project runs with the blocking collector only
/// (<c>ConcurrentGarbageCollection=false</c> in its project file), where every such fix-up ends a
/// collection before the thread runs on, and a window in which a collection completed is measured
/// again (at most <c>attempts</c> times).</item>
/// </list>
/// A real allocation in the hot path allocates in every round, so it survives the warm-up and every
/// attempt, and the result is never 0.
/// </para>
/// </summary>
internal static class AllocationMeter
{
    public static long SteadyState(Action round, int rounds = 20, int maxWarmup = 200, int attempts = 5)
    {
        Assert.False(GCSettings.IsServerGC, "allocation tests need the workstation collector");
        // Batch is the workstation collector's mode when background collection is off.
        Assert.True(GCSettings.LatencyMode == GCLatencyMode.Batch,
            "allocation tests need the blocking collector: set <ConcurrentGarbageCollection>false</ConcurrentGarbageCollection> in the test project");

        for (int i = 0, clean = 0; i < maxWarmup && clean < 2; i++)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            round();
            clean = GC.GetAllocatedBytesForCurrentThread() == start ? clean + 1 : 0;
        }

        long allocated = 0;
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            int collections = GC.CollectionCount(0);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < rounds; i++) round();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (GC.CollectionCount(0) == collections) return allocated;
        }
        return allocated;
    }
}
