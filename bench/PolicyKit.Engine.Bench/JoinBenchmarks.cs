using BenchmarkDotNet.Attributes;

namespace PolicyKit.Engine.Bench;

/// <summary>
/// Join admission on a table of 4 line-ups × 10,000 group ranges and 2,000 interfaces holding
/// 3 (subscriber ports: 6,000 entries) or 32 (stress: 64,000 entries) membership entries each.
/// Each benchmark op is a batch of <see cref="Batch"/> decisions (OperationsPerInvoke), so
/// BenchmarkDotNet reports time and bytes allocated per decision.
/// </summary>
[MemoryDiagnoser]
public class JoinBenchmarks
{
    public const int Batch = 1 << 16;

    [Params(3, 32)]
    public int Channels { get; set; }

    private Workload _workload = null!;
    private AdmissionEngine _engine = null!;
    private JoinEvent[] _byQuery = null!;
    private JoinEvent[] _uniform = null!;
    private JoinEvent[] _denied = null!;
    private (JoinEvent Join, LeaveEvent Leave)[] _new = null!;
    private (JoinEvent Event, bool Leave)[] _mixed = null!;
    private long _now = 2;

    [GlobalSetup]
    public void Setup()
    {
        _workload = new Workload(Channels);
        _engine = _workload.Engine;
        _byQuery = _workload.RefreshesByQuery(Batch);
        _uniform = _workload.RefreshesUniform(Batch);
        _denied = _workload.Denied(Batch);
        _new = _workload.NewEntries(Batch / 2);
        _mixed = _workload.Mixed(Batch);
    }

    /// <summary>Reports answering general queries (an interface's channels together): access filter, group range, entry refresh.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int RefreshByQuery() => Joins(_byQuery);

    /// <summary>The same reports in uniformly random order over all entries (cache-hostile worst case).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int RefreshUniform() => Joins(_uniform);

    /// <summary>Joins the line-up refuses (wrong source, or past the line-up): the filter decides.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int Denied() => Joins(_denied);

    /// <summary>A new entry admitted against the interface limit and the router cap, then left: two decisions per pair.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int NewAndLeave()
    {
        int admitted = 0;
        long now = ++_now;
        var events = _new;
        for (int i = 0; i < events.Length; i++)
        {
            if (_engine.Join(events[i].Join, now).IsAdmit) admitted++;
            _engine.Leave(events[i].Leave, now);
        }
        return admitted;
    }

    /// <summary>80 % query reports, 10 % refused joins, 10 % new joins and their leaves.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int Mixed()
    {
        int admitted = 0;
        long now = ++_now;
        var events = _mixed;
        for (int i = 0; i < events.Length; i++)
        {
            ref readonly var e = ref events[i];
            if (e.Leave) _engine.Leave(new LeaveEvent(e.Event.Interface, e.Event.Group, e.Event.Source), now);
            else if (_engine.Join(e.Event, now).IsAdmit) admitted++;
        }
        return admitted;
    }

    private int Joins(JoinEvent[] events)
    {
        int admitted = 0;
        long now = ++_now;
        for (int i = 0; i < events.Length; i++)
        {
            if (_engine.Join(events[i], now).IsAdmit) admitted++;
        }
        return admitted;
    }
}
