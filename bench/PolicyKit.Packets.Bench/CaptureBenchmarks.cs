using BenchmarkDotNet.Attributes;
using PolicyKit.Packets.Capture;

namespace PolicyKit.Packets.Bench;

/// <summary>Reading 10 000 Ethernet IGMPv3 frames from memory: pcap and pcapng, raw records and the replay form.</summary>
[MemoryDiagnoser]
public class CaptureBenchmarks
{
    public const int Packets = 10_000;
    private byte[] _pcap = [];
    private byte[] _pcapng = [];

    [GlobalSetup]
    public void Setup()
    {
        var ip = BenchPackets.IgmpV3Report();
        var frame = new byte[14 + ip.Length];
        frame[12] = 0x08;
        ip.CopyTo(frame, 14);
        var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, LinkType.Ethernet, leaveOpen: true))
            for (var i = 0; i < Packets; i++) w.Write(DateTime.UnixEpoch.AddMilliseconds(i), frame);
        _pcap = ms.ToArray();
        _pcapng = PcapNg(frame);
    }

    private static byte[] PcapNg(byte[] frame)
    {
        var ms = new MemoryStream();
        var bw = new BinaryWriter(ms);
        bw.Write(0x0A0D0D0Au); bw.Write(28u); bw.Write(0x1A2B3C4Du); bw.Write((ushort)1); bw.Write((ushort)0); bw.Write(-1L); bw.Write(28u);
        bw.Write(1u); bw.Write(20u); bw.Write((ushort)1); bw.Write((ushort)0); bw.Write(0u); bw.Write(20u);
        var padded = (frame.Length + 3) & ~3;
        var total = (uint)(32 + padded);
        for (var i = 0; i < Packets; i++)
        {
            bw.Write(6u); bw.Write(total); bw.Write(0u); bw.Write(0u); bw.Write((uint)i); bw.Write((uint)frame.Length); bw.Write((uint)frame.Length);
            bw.Write(frame); bw.Write(new byte[padded - frame.Length]); bw.Write(total);
        }
        return ms.ToArray();
    }

    [Benchmark]
    public int ReadPcap() => Count(_pcap);

    [Benchmark]
    public int ReadPcapNg() => Count(_pcapng);

    [Benchmark]
    public int ReplayMemberships()
    {
        using var reader = new CaptureReader(new MemoryStream(_pcapng));
        var n = 0;
        foreach (var m in MembershipCapture.Read(reader)) n += m.Message!.Changes.Count;
        return n;
    }

    private static int Count(byte[] file)
    {
        using var reader = new CaptureReader(new MemoryStream(file));
        var n = 0;
        while (reader.TryReadNext(out var r)) n += r.Data.Length;
        return n;
    }
}
