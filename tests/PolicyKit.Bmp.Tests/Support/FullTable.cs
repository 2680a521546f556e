using System.Buffers.Binary;
using PolicyKit.Bmp.Wire;
using PolicyKit.Engine;
using static PolicyKit.Bmp.Wire.BmpEncoder;

namespace PolicyKit.Bmp.Tests.Support;

/// <summary>
/// A generated full-table BMP stream, as a router with several transit peers sends it after
/// connecting: Initiation, a Peer Up per peer, then every peer's table in UPDATEs of 1–4
/// prefixes sharing a path (ORIGIN, a 4-octet AS_PATH of 2–7 ASes from a pool of 5,000, NEXT_HOP,
/// MED on a third, 0–3 communities), IPv4 /24s from 16.0.0.0 up, the same prefixes from every
/// peer (different paths), and an End-of-RIB. Deterministic for a seed. Shared with the bench.
/// </summary>
public static class FullTable
{
    public static readonly string[] PeerAddresses = ["192.0.2.1", "192.0.2.5", "192.0.2.9", "192.0.2.13", "192.0.2.17", "192.0.2.21", "192.0.2.25", "192.0.2.29"];

    public static uint PeerAs(int peer) => 64500u + (uint)peer;

    /// <summary>The whole stream; <paramref name="routeMonitoring"/> counts its Route Monitoring messages.</summary>
    public static byte[] Stream(int peers, int prefixesPerPeer, int seed, out int routeMonitoring)
    {
        var random = new Random(seed);
        var output = new MemoryStream();
        output.Write(Initiation("full-table", "generated"));
        routeMonitoring = 0;
        for (int k = 0; k < peers; k++)
        {
            var address = Address.Parse(PeerAddresses[k]);
            var header = PerPeer(BmpPeerType.Global, 0, 0, address, PeerAs(k), address.Low32, 1_700_000_000, 0);
            output.Write(PeerUp(header, Address.Parse("192.0.2.254"), 179, (ushort)(40000 + k),
                Open(64496, 90, 0xC00002FE, FourOctetAsCapability(64496), MultiprotocolCapability(1, 1)),
                Open(23456, 90, address.Low32, FourOctetAsCapability(PeerAs(k)), MultiprotocolCapability(1, 1))));
            int i = 0;
            var nlri = new byte[4 * 4 + 1]; // the last address is written whole (4 bytes) over its 3 significant ones
            while (i < prefixesPerPeer)
            {
                int n = Math.Min(1 + random.Next(4), prefixesPerPeer - i);
                var attributes = RandomPath(random, k, address);
                int length = 0;
                for (int p = 0; p < n; p++, i++)
                {
                    uint network = 0x10000000u + (uint)i * 256;
                    nlri[length++] = 24;
                    BinaryPrimitives.WriteUInt32BigEndian(nlri.AsSpan(length), network);
                    length += 3;
                }
                output.Write(RouteMonitoring(header, UpdateRaw([], attributes.SelectMany(x => x).ToArray(), nlri[..length])));
                routeMonitoring++;
            }
            output.Write(RouteMonitoring(header, UpdateRaw([], [], [])));
            routeMonitoring++;
        }
        return output.ToArray();
    }

    /// <summary>
    /// Writes Initiation, a Peer Up per peer, then <paramref name="messages"/> Route Monitoring
    /// messages of exactly <paramref name="prefixesPerMessage"/> IPv4 /24s each, round-robin over the
    /// peers, with distinct prefixes from 16.0.0.0 up and a path per message drawn as above (the
    /// end-to-end benchmark's streams). Returns the number of BMP messages written.
    /// </summary>
    public static long WriteStream(Stream output, IReadOnlyList<string> peerAddresses, int messages, int prefixesPerMessage, int seed)
    {
        var random = new Random(seed);
        output.Write(Initiation("bench-router", "generated"));
        var headers = new byte[peerAddresses.Count][];
        for (int k = 0; k < peerAddresses.Count; k++)
        {
            var address = Address.Parse(peerAddresses[k]);
            headers[k] = PerPeer(BmpPeerType.Global, 0, 0, address, PeerAs(k), address.Low32, 1_700_000_000, 0);
            output.Write(PeerUp(headers[k], Address.Parse("192.0.2.254"), 179, (ushort)(40000 + k),
                Open(64496, 90, 0xC00002FE, FourOctetAsCapability(64496), MultiprotocolCapability(1, 1)),
                Open(23456, 90, address.Low32, FourOctetAsCapability(PeerAs(k)), MultiprotocolCapability(1, 1))));
        }
        var nlri = new byte[4 * prefixesPerMessage + 1];
        uint next = 0;
        for (int m = 0; m < messages; m++)
        {
            int k = m % peerAddresses.Count;
            var address = Address.Parse(peerAddresses[k]);
            var attributes = RandomPath(random, k, address);
            int length = 0;
            for (int p = 0; p < prefixesPerMessage; p++)
            {
                nlri[length++] = 24;
                BinaryPrimitives.WriteUInt32BigEndian(nlri.AsSpan(length), 0x10000000u + next++ * 256);
                length += 3;
            }
            output.Write(RouteMonitoring(headers[k], UpdateRaw([], attributes.SelectMany(x => x).ToArray(), nlri[..length])));
        }
        return 1 + peerAddresses.Count + (long)messages;
    }

    /// <summary>A path as peer <paramref name="k"/> sends it: ORIGIN, a 4-octet AS_PATH of 2–7 ASes from a pool of 5,000, NEXT_HOP, MED on a third, 0–3 communities.</summary>
    private static List<byte[]> RandomPath(Random random, int k, Address address)
    {
        int pathLength = 1 + random.Next(6);
        var ases = new uint[pathLength + 1];
        ases[0] = PeerAs(k);
        for (int a = 1; a <= pathLength; a++) ases[a] = 65000u + (uint)random.Next(5000) * 7;
        var attributes = new List<byte[]> { Origin((byte)random.Next(3)), AsPathAttribute(true, ases), NextHop(address) };
        if (random.Next(3) == 0) attributes.Add(Med((uint)random.Next(1000)));
        int communities = random.Next(4);
        if (communities > 0) attributes.Add(Communities(Enumerable.Range(0, communities).Select(_ => (PeerAs(k) << 16) | (uint)random.Next(100)).ToArray()));
        return attributes;
    }
}
