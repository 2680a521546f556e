using BenchmarkDotNet.Attributes;
using PolicyKit.Packets.Membership;

namespace PolicyKit.Packets.Bench;

/// <summary>
/// The per-packet work of NFQUEUE enforcement: decode (all checksums verified), walk the
/// membership changes (what the engine is asked about), and rewrite without one denied item
/// into a preallocated buffer. Must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class PacketBenchmarks
{
    private byte[] _packet = [];
    private readonly byte[] _output = new byte[2048];
    private readonly bool[] _keep = new bool[64];

    [Params("igmpv2", "igmpv3-5rec", "mldv2-4rec")]
    public string Packet { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _packet = Packet switch
        {
            "igmpv2" => BenchPackets.IgmpV2Report(),
            "igmpv3-5rec" => BenchPackets.IgmpV3Report(),
            _ => BenchPackets.MldV2Report(),
        };
        if (MembershipDecoder.Decode(_packet, out _) != DecodeStatus.Ok) throw new InvalidOperationException("bad bench packet");
    }

    [Benchmark(Baseline = true)]
    public int Decode()
    {
        MembershipDecoder.Decode(_packet, out var m);
        return m.MaskLength;
    }

    [Benchmark]
    public int DecodeAndChanges()
    {
        MembershipDecoder.Decode(_packet, out var m);
        var joins = 0;
        foreach (var c in m.Changes) if (c.Kind == ChangeKind.Join) joins++;
        return joins;
    }

    /// <summary>Decode, deny the second change (the rewrite path: a packed report with one denied group), rewrite.</summary>
    [Benchmark]
    public int DecodeChangesRewrite()
    {
        MembershipDecoder.Decode(_packet, out var m);
        var keep = _keep.AsSpan(0, m.MaskLength);
        keep.Fill(true);
        var i = 0;
        foreach (var c in m.Changes)
            if (i++ == 1) keep[c.MaskIndex] = false;
        if (m.MaskLength == 1) keep[0] = false; // v2: the one item denied = drop
        ReportRewriter.Rewrite(m, keep, _output, out var n);
        return n;
    }
}
