namespace PolicyKit.Engine.Bench;

/// <summary>
/// <c>--breakdown</c>: the refresh workloads against the full table and against variants without
/// the access filter, the limits or the group range, in thread CPU time per decision, plus the
/// access filter's lookup alone — to see where the time of a decision goes.
/// </summary>
internal static class Breakdown
{
    public static int Run(TextWriter output, int channels)
    {
        output.WriteLine($"refresh cost by part ({channels} channels per interface, thread CPU ns per decision)");
        foreach (var (name, noAccess, noLimits, noRange) in new[] { ("full table", false, false, false), ("no access filter", true, false, false), ("no limits", false, true, false), ("no group range", false, false, true), ("none of them", true, true, true) })
        {
            BenchTable.NoAccess = noAccess;
            BenchTable.NoLimits = noLimits;
            BenchTable.NoGroupRange = noRange;
            var workload = new Workload(channels);
            var byQuery = workload.RefreshesByQuery(1 << 16);
            var uniform = workload.RefreshesUniform(1 << 16);
            output.WriteLine($"  {name,-17} query reports {Time(workload.Engine, byQuery),4:0} ns   uniform {Time(workload.Engine, uniform),4:0} ns");
            if (name == "full table")
            {
                var table = workload.Engine.Table;
                output.WriteLine($"  {"  filter alone",-17} query reports {FilterTime(table, byQuery),4:0} ns   uniform {FilterTime(table, uniform),4:0} ns");
                var one = Enumerable.Repeat(byQuery[0], 1 << 16).ToArray();
                output.WriteLine($"  {"  one event",-17} join {Time(workload.Engine, one),4:0} ns   filter {FilterTime(table, one),4:0} ns (all in cache: the compute)");
            }
        }
        BenchTable.NoAccess = BenchTable.NoLimits = BenchTable.NoGroupRange = false;
        return 0;
    }

    private static double Time(AdmissionEngine engine, JoinEvent[] events)
    {
        // Warm up long enough for tiered compilation to reach its final code (it re-compiles in the background).
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 500) foreach (ref readonly var e in events.AsSpan()) engine.Join(e, 5);
        long cpu = ThreadClock.Nanoseconds();
        for (int r = 0; r < 30; r++) foreach (ref readonly var e in events.AsSpan()) engine.Join(e, 5);
        return (ThreadClock.Nanoseconds() - cpu) / (30.0 * events.Length);
    }

    private static double FilterTime(Compiled.CompiledTable table, JoinEvent[] events)
    {
        int n = 0;
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 500)
        {
            foreach (ref readonly var e in events.AsSpan())
            {
                if (table.Filters[e.Interface.Value % BenchTable.Lineups].Permits(e.Group, e.Source.IsNone ? Address.Wildcard(e.Group.Family) : e.Source, e.Host, out _)) n++;
            }
        }
        long cpu = ThreadClock.Nanoseconds();
        for (int r = 0; r < 30; r++)
        {
            foreach (ref readonly var e in events.AsSpan())
            {
                if (table.Filters[e.Interface.Value % BenchTable.Lineups].Permits(e.Group, e.Source.IsNone ? Address.Wildcard(e.Group.Family) : e.Source, e.Host, out _)) n++;
            }
        }
        return (ThreadClock.Nanoseconds() - cpu) / (30.0 * events.Length) + (n == -1 ? 1 : 0);
    }
}
