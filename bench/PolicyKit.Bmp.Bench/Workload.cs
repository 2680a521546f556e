using PolicyKit.Bmp.Recording;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;
using PolicyKit.Engine.Compiled;

namespace PolicyKit.Bmp.Bench;

/// <summary>
/// The benchmark stream: a router with two transit peers dumping their tables (see
/// <see cref="FullTable"/>), cut to exactly <see cref="Messages"/> Route Monitoring messages
/// after the Initiation and Peer Ups, and a churn stream of flaps over the same table.
/// </summary>
internal static class Workload
{
    public const int Messages = 100_000;
    public const int Peers = 2;

    /// <summary>Initiation, Peer Ups and <see cref="Messages"/> route monitoring messages (about 250,000 prefixes).</summary>
    public static byte[] Dump()
    {
        var stream = FullTable.Stream(Peers, 140_000, seed: 42, out _);
        var messages = PcapWriter.Messages(stream);
        var head = messages.Where(m => m.Span[5] is (byte)BmpMessageType.Initiation or (byte)BmpMessageType.PeerUp).ToList();
        var updates = messages.Where(m => m.Span[5] == (byte)BmpMessageType.RouteMonitoring).Take(Messages).ToList();
        if (updates.Count != Messages) throw new InvalidOperationException($"the generator made {updates.Count} messages");
        var output = new MemoryStream();
        foreach (var m in head) output.Write(m.Span); // Initiation and every Peer Up first
        foreach (var m in updates) output.Write(m.Span);
        return output.ToArray();
    }

    /// <summary>The head of <see cref="Dump"/> only (Initiation and Peer Ups).</summary>
    public static byte[] Head(byte[] dump)
    {
        var messages = PcapWriter.Messages(dump);
        return messages.Take(1 + Peers).SelectMany(m => m.ToArray()).ToArray();
    }

    /// <summary>
    /// Flaps over the dumped table: <see cref="Messages"/>/2 pairs of a withdrawal and a
    /// re-announcement (with a changed MED every other time) of random held /24s, so a pass leaves
    /// the table as it found it while damping histories accumulate.
    /// </summary>
    public static byte[] Churn()
    {
        var random = new Random(7);
        var output = new MemoryStream();
        for (int i = 0; i < Messages / 2; i++)
        {
            int peer = random.Next(Peers);
            var address = PolicyKit.Engine.Address.Parse(FullTable.PeerAddresses[peer]);
            var header = BmpEncoder.PerPeer(BmpPeerType.Global, 0, 0, address, FullTable.PeerAs(peer), address.Low32);
            uint network = 0x10000000u + (uint)random.Next(100_000) * 256;
            var prefix = new RoutePrefix(RouteFamily.Ipv4Unicast, network, 24, 0);
            output.Write(BmpEncoder.RouteMonitoring(header, BmpEncoder.Update([prefix], [], [])));
            output.Write(BmpEncoder.RouteMonitoring(header, BmpEncoder.Update([], [BmpEncoder.Origin(0), BmpEncoder.AsPathAttribute(true, FullTable.PeerAs(peer), 65010, 65020),
                BmpEncoder.NextHop(address), BmpEncoder.Med((uint)(i % 2))], [prefix])));
        }
        return output.ToArray();
    }

    /// <summary>The policy: both peers named, max-prefix 1,000,000 (warning at 900,000), standard damping.</summary>
    public static CompiledTable Table(bool named = true) => named
        ? TestTables.Bgp(TestTables.StandardDamping, Enumerable.Range(0, Peers).Select(k => new TestTables.Peer(FullTable.PeerAddresses[k], FullTable.PeerAs(k), 1_000_000, 900_000)).ToArray())
        : TestTables.Bgp(TestTables.StandardDamping);
}
