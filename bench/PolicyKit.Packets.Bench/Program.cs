using BenchmarkDotNet.Running;

namespace PolicyKit.Packets.Bench;

/// <summary>
/// dotnet run -c Release --project bench/PolicyKit.Packets.Bench -- --filter '*'
///   PacketBenchmarks: decode / decode + changes / decode + changes + rewrite per packet for
///                     IGMPv2, IGMPv3 (5 records as Linux packs them) and MLDv2 reports.
///   CaptureBenchmarks: reading a 10k-packet pcap and pcapng from memory (per file; ns/packet
///                     = mean / 10 000), and MembershipCapture over it (allocating replay form).
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
