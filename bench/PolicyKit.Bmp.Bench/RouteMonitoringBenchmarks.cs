using BenchmarkDotNet.Attributes;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Recording;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Wire;
using PolicyKit.Engine.Compiled;

namespace PolicyKit.Bmp.Bench;

/// <summary>
/// Route Monitoring messages parsed and applied on one core (a monitor is single-threaded):
/// each operation is one message, so messages/s = 1e9 / mean (ns).
/// <list type="bullet">
/// <item><c>Dump</c>: a fresh router session receiving two peers' tables (100k messages, ~250k prefixes):
/// framing, decoding, interning, RIB, engine (prefix filter, max-prefix), bogon check, damping.</item>
/// <item><c>DumpPeersNotInPolicy</c>: the same with peers the policy does not name (no engine work).</item>
/// <item><c>ParseOnly</c>: framing and UPDATE decoding alone.</item>
/// <item><c>Churn</c>: withdraw/re-announce flaps on the loaded table (damping penalties, engine withdraw/admit).</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class RouteMonitoringBenchmarks
{
    private byte[] _dump = [];
    private byte[] _churn = [];
    private List<ReadOnlyMemory<byte>> _messages = [];
    private CompiledTable _named = null!, _unnamed = null!;
    private RouterMonitor _monitor = null!;
    private readonly UpdateDecoder _decoder = new();

    [GlobalSetup]
    public void Setup()
    {
        _dump = Workload.Dump();
        _churn = Workload.Churn();
        _messages = PcapWriter.Messages(_dump).Where(m => m.Span[5] == 0).ToList();
        _named = Workload.Table();
        _unnamed = Workload.Table(named: false);
    }

    private static RouterMonitor NewMonitor(CompiledTable table) => new(table, new BmpStationOptions());

    [IterationSetup(Targets = [nameof(Dump)])]
    public void FreshNamed() => _monitor = NewMonitor(_named);

    [IterationSetup(Targets = [nameof(DumpPeersNotInPolicy)])]
    public void FreshUnnamed() => _monitor = NewMonitor(_unnamed);

    [IterationSetup(Targets = [nameof(Churn)])]
    public void Loaded()
    {
        _monitor = NewMonitor(_named);
        _monitor.Consume(_dump, out _);
    }

    [Benchmark(OperationsPerInvoke = Workload.Messages)]
    public int Dump() => _monitor.Consume(_dump, out _);

    [Benchmark(OperationsPerInvoke = Workload.Messages)]
    public int DumpPeersNotInPolicy() => _monitor.Consume(_dump, out _);

    [Benchmark(OperationsPerInvoke = Workload.Messages)]
    public int ParseOnly()
    {
        int prefixes = 0;
        var context = UpdateContext.Default;
        foreach (var m in _messages)
        {
            var span = m.Span;
            BmpCommonHeader.TryFrame(span, 1 << 20, out _, out _);
            PerPeerHeader.TryRead(span[BmpWire.CommonHeaderLength..], out _);
            _decoder.Decode(span[(BmpWire.CommonHeaderLength + BmpWire.PerPeerHeaderLength)..], context);
            prefixes += _decoder.Announced.Count;
        }
        return prefixes;
    }

    [Benchmark(OperationsPerInvoke = Workload.Messages)]
    public int Churn() => _monitor.Consume(_churn, out _);
}
