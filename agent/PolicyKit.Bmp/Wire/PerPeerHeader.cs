using System.Buffers.Binary;
using PolicyKit.Engine;

namespace PolicyKit.Bmp.Wire;

/// <summary>
/// The 42-byte per-peer header (RFC 7854 §4.2) that precedes Route Monitoring, Statistics,
/// Peer Up/Down and Route Mirroring messages.
/// </summary>
public readonly record struct PerPeerHeader(
    BmpPeerType PeerType,
    byte Flags,
    ulong Distinguisher,
    Address Address,
    uint PeerAs,
    uint BgpId,
    uint TimestampSeconds,
    uint TimestampMicroseconds)
{
    public bool IsIpv6 => PeerType != BmpPeerType.LocRib && (Flags & BmpWire.FlagIpv6) != 0;

    public bool IsPostPolicy => PeerType != BmpPeerType.LocRib && (Flags & BmpWire.FlagPostPolicy) != 0;

    /// <summary>The A flag: AS_PATH in the legacy 2-octet form (RFC 7854 §4.2).</summary>
    public bool IsLegacyAsPath => PeerType != BmpPeerType.LocRib && (Flags & BmpWire.FlagLegacyAsPath) != 0;

    public bool IsAdjRibOut => PeerType != BmpPeerType.LocRib && (Flags & BmpWire.FlagAdjRibOut) != 0;

    /// <summary>All fields zero except the type: FRR's header for locally originated routes (no Peer Up ever comes for it).</summary>
    public bool IsAllZero => Flags == 0 && Distinguisher == 0 && Address.Value == UInt128.Zero && PeerAs == 0 && BgpId == 0;

    public RibView View => PeerType == BmpPeerType.LocRib
        ? RibView.LocRib
        : (RibView)((IsAdjRibOut ? 2 : 0) + (IsPostPolicy ? 1 : 0));

    public static bool TryRead(ReadOnlySpan<byte> data, out PerPeerHeader header)
    {
        if (data.Length < BmpWire.PerPeerHeaderLength)
        {
            header = default;
            return false;
        }
        var type = (BmpPeerType)data[0];
        byte flags = data[1];
        bool v6 = type != BmpPeerType.LocRib && (flags & BmpWire.FlagIpv6) != 0;
        var address = v6
            ? Address.V6(BinaryPrimitives.ReadUInt128BigEndian(data[10..]))
            : Address.V4(BinaryPrimitives.ReadUInt32BigEndian(data[22..]));
        header = new PerPeerHeader(type, flags,
            BinaryPrimitives.ReadUInt64BigEndian(data[2..]),
            address,
            BinaryPrimitives.ReadUInt32BigEndian(data[26..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[30..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[34..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[38..]));
        return true;
    }

    /// <summary>The distinguisher as routers print it: "type:admin:assigned" (RFC 4364), or "0" when zero.</summary>
    public static string DistinguisherText(ulong rd)
    {
        if (rd == 0) return "0";
        int type = (int)(rd >> 48);
        return type switch
        {
            0 => $"{(rd >> 32) & 0xFFFF}:{rd & 0xFFFFFFFF}",
            1 => $"{Address.V4((uint)(rd >> 16))}:{rd & 0xFFFF}",
            2 => $"{(rd >> 16) & 0xFFFFFFFF}:{rd & 0xFFFF}",
            _ => $"0x{rd:x16}",
        };
    }
}
