using System.Diagnostics;
namespace PolicyKit.Engine.Bench;
internal static class Experiment
{
    public static int Run()
    {
        foreach (var (name, a, l, g) in new[] { ("full", false, false, false), ("no access", true, false, false), ("no limits", false, true, false), ("no group-range", false, false, true), ("none", true, true, true) })
        {
            BenchTable.NoAccess = a; BenchTable.NoLimits = l; BenchTable.NoGroupRange = g;
            var w = new Workload();
            var ev = w.RefreshesByQuery(1 << 16);
            var un = w.RefreshesUniform(1 << 16);
            long now = 5;
            double Time(JoinEvent[] events)
            {
                for (int r = 0; r < 20; r++) foreach (ref readonly var e in events.AsSpan()) w.Engine.Join(e, now);
                var sw = Stopwatch.StartNew();
                for (int r = 0; r < 40; r++) foreach (ref readonly var e in events.AsSpan()) w.Engine.Join(e, now);
                return sw.Elapsed.TotalNanoseconds / (40.0 * events.Length);
            }
            Console.WriteLine($"{name,-16} by-query {Time(ev):0} ns  uniform {Time(un):0} ns");
            if (name == "full")
            {
                var t = w.Engine.Table;
                double Filter(JoinEvent[] events)
                {
                    int n = 0;
                    var sw = Stopwatch.StartNew();
                    for (int r = 0; r < 40; r++) foreach (ref readonly var e in events.AsSpan())
                        if (t.Filters[e.Interface.Value & 3].Permits(e.Group, e.Source.IsNone ? Address.Wildcard(e.Group.Family) : e.Source, e.Host, out _)) n++;
                    return sw.Elapsed.TotalNanoseconds / (40.0 * events.Length);
                }
                Filter(ev);
                Console.WriteLine($"   filter alone: by-query {Filter(ev):0} ns uniform {Filter(un):0} ns");
                var same = Enumerable.Repeat(ev[0], ev.Length).ToArray();
                Console.WriteLine($"   filter alone, one event: {Filter(same):0} ns; join one event {Time(same):0} ns");
            }
        }
        return 0;
    }
}
