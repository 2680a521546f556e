using System.Buffers.Binary;
using PolicyKit.Bmp.Wire;
using PolicyKit.Engine;
using static PolicyKit.Bmp.Wire.BmpEncoder;

namespace PolicyKit.Bmp.Tests.Fuzz;

/// <summary>
/// Mutates real BMP messages (from the recordings) into malformed ones: bit flips, boundary
/// values, length fields set to edges, truncation, extension, splices from other messages.
/// Nine in ten mutants keep a sane BMP common header (version 3, length = size) so the mutation
/// reaches the inner decoders (per-peer header, OPEN, UPDATE attributes, NLRI, TLVs); the rest
/// also break the framing. Deterministic for a seed. Shared with bench/PolicyKit.Bmp.Bench's
/// 1M-message fuzz run.
/// </summary>
public sealed class BmpMutator(IReadOnlyList<byte[]> corpus, int seed)
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x03, 0x04, 0x0F, 0x10, 0x1F, 0x20, 0x21, 0x40, 0x7F, 0x80, 0x81, 0xFE, 0xFF];
    private static readonly ushort[] Lengths = [0, 1, 2, 3, 4, 5, 18, 19, 20, 22, 23, 28, 29, 41, 42, 255, 256, 4095, 4096, 4097, 0x7FFF, 0xFFFF];
    private readonly Random _random = new(seed);

    /// <summary>
    /// Messages the recordings lack, built with the encoder: Initiation, Termination, Route Mirroring, a Peer
    /// Up negotiating ADD-PATH and extended messages with an ADD-PATH update, a 2-octet AS path
    /// with AS4_PATH, IPv6 with MP_REACH/MP_UNREACH, an RD-instance and a Loc-RIB peer, statistics
    /// of every shape. Added to the corpus so every decoder is fuzzed.
    /// </summary>
    public static List<byte[]> Synthetic()
    {
        var peer = Address.Parse("192.0.2.1");
        var header = PerPeer(BmpPeerType.Global, 0, 0, peer, 64500, 1);
        var legacy = PerPeer(BmpPeerType.RdInstance, BmpWire.FlagLegacyAsPath, 0x0000FBF400000001UL, peer, 64500, 1);
        var v6 = PerPeer(BmpPeerType.Global, 0, 0, Address.Parse("2001:db8::1"), 64501, 2);
        var locRib = PerPeer(BmpPeerType.LocRib, 0, 0, Address.V4(0), 64496, 3);
        RoutePrefix P(string text, uint id = 0) => Prefix(text, id);
        byte[][] basics = [Origin(0), AsPathAttribute(true, 64500, 65001), NextHop(peer), Med(5), LocalPref(100), Communities(1, 2)];
        var as4 = Attribute(PathAttribute.FlagOptional | PathAttribute.FlagTransitive, PathAttribute.As4Path, AsPath.Sequence(true, 4_200_000_001));
        return
        [
            Initiation("fuzz", "synthetic", Tlv(0, "hello")),
            Termination(1, "bye"),
            RouteMirroring(header, Tlv(0, Update([], basics, [P("11.0.0.0/8")])), Tlv(1, [0, 1])),
            PeerUp(header, Address.Parse("192.0.2.254"), 179, 40000,
                Open(64496, 90, 9, FourOctetAsCapability(64496), AddPathCapability(1, 1, 3), AddPathCapability(2, 1, 3), Capability(6)),
                Open(64500, 90, 1, FourOctetAsCapability(64500), AddPathCapability(1, 1, 3), AddPathCapability(2, 1, 3), Capability(6))),
            RouteMonitoring(header, Update([P("12.0.0.0/8", 4)], basics, [P("11.0.0.0/8", 1), P("11.0.0.0/8", 2)], addPath: true)),
            RouteMonitoring(legacy, Update([], [Origin(0), AsPathAttribute(false, 64500, 23456), NextHop(peer), as4], [P("13.0.0.0/8")])),
            RouteMonitoring(v6, Update([], [Origin(0), AsPathAttribute(true, 64501), MpReach(2, 1, new byte[16], [P("2a00::/12"), P("2a01:4f8::/32")]), MpUnreach(2, 1, [P("2a02::/16")])], [])),
            RouteMonitoring(locRib, Update([], basics, [P("14.0.0.0/8")])),
            PeerDown(header, 1, Notification(6, 2)),
            Statistics(header, (0, U32(1)), (7, U64(2)), (9, [0, 1, 1, .. U64(3)]), (14, U64(4)), (65531, U32(5))),
        ];
    }

    public byte[] Next()
    {
        var source = corpus[_random.Next(corpus.Count)];
        var bytes = (byte[])source.Clone();
        int mutations = 1 + _random.Next(4);
        for (int i = 0; i < mutations; i++) bytes = Mutate(bytes);
        if (_random.Next(10) != 0 && bytes.Length >= 6)
        {
            bytes[0] = 3;
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), (uint)bytes.Length);
        }
        return bytes;
    }

    private byte[] Mutate(byte[] bytes)
    {
        if (bytes.Length == 0) return [3, 0, 0, 0, 6, 0];
        int at = _random.Next(bytes.Length);
        switch (_random.Next(8))
        {
            case 0:
                bytes[at] ^= (byte)(1 << _random.Next(8));
                return bytes;
            case 1:
                bytes[at] = Interesting[_random.Next(Interesting.Length)];
                return bytes;
            case 2 when bytes.Length >= 2:
                at = Math.Min(at, bytes.Length - 2);
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), Lengths[_random.Next(Lengths.Length)]);
                return bytes;
            case 3:
                return bytes[..at];
            case 4:
            {
                var more = new byte[_random.Next(1, 64)];
                _random.NextBytes(more);
                return [.. bytes, .. more];
            }
            case 5:
            {
                var other = corpus[_random.Next(corpus.Count)];
                int from = _random.Next(other.Length);
                int length = _random.Next(1, Math.Min(64, other.Length - from) + 1);
                return [.. bytes[..at], .. other.AsSpan(from, length), .. bytes[at..]];
            }
            case 6:
            {
                // Remove a chunk: fields shift under their length fields.
                int length = _random.Next(1, Math.Min(16, bytes.Length - at) + 1);
                return [.. bytes[..at], .. bytes[(at + length)..]];
            }
            default:
                for (int i = at; i < Math.Min(bytes.Length, at + 8); i++) bytes[i] = (byte)_random.Next(256);
                return bytes;
        }
    }
}
