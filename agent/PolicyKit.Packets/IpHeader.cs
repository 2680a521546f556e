using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace PolicyKit.Packets;

/// <summary>
/// What an IP packet's headers say, as offsets into the packet: family, addresses, the upper-layer
/// protocol after IPv4 options or IPv6 extension headers, and where its payload is. A plain value
/// (no span), so it can be kept; read with <see cref="Parse"/>, which never throws nor allocates.
/// Useful on its own for a flow's first packet (source, group, protocol).
/// </summary>
public readonly struct IpHeader
{
    public const byte ProtocolHopByHop = 0;
    public const byte ProtocolIgmp = 2;
    public const byte ProtocolUdp = 17;
    public const byte ProtocolRouting = 43;
    public const byte ProtocolFragment = 44;
    public const byte ProtocolEsp = 50;
    public const byte ProtocolAuthentication = 51;
    public const byte ProtocolIcmpV6 = 58;
    public const byte ProtocolNoNextHeader = 59;
    public const byte ProtocolDestinationOptions = 60;
    public const byte ProtocolMobility = 135;
    public const byte ProtocolHip = 139;
    public const byte ProtocolShim6 = 140;

    public IpFamily Family { get; init; }

    public PacketAddress Source { get; init; }

    public PacketAddress Destination { get; init; }

    /// <summary>The upper-layer protocol: IPv4's protocol field, or IPv6's last next-header value.</summary>
    public byte Protocol { get; init; }

    /// <summary>IPv4 TTL or IPv6 hop limit (IGMP and MLD are sent with 1).</summary>
    public byte HopLimit { get; init; }

    /// <summary>IPv4 header length with options (IHL × 4), or 40 for IPv6.</summary>
    public int HeaderLength { get; init; }

    /// <summary>Offset of the upper-layer payload: after IPv4 options / IPv6 extension headers.</summary>
    public int PayloadOffset { get; init; }

    /// <summary>Length of the upper-layer payload, from the IP length fields (link padding excluded).</summary>
    public int PayloadLength { get; init; }

    /// <summary>The packet's length per its IP header (IPv4 total length, or 40 + IPv6 payload length).</summary>
    public int TotalLength => PayloadOffset + PayloadLength;

    /// <summary>An IP Router Alert option (IPv4 option 148, IPv6 hop-by-hop option 5) is present.</summary>
    public bool HasRouterAlert { get; init; }

    /// <summary>
    /// Reads the IP header(s) of <paramref name="packet"/>. Bytes after the IP length (Ethernet
    /// padding) are ignored. Fragments are reported as <see cref="DecodeStatus.Fragmented"/>
    /// (IGMP and MLD are never fragmented; the first fragment's header is still filled in).
    /// </summary>
    public static DecodeStatus Parse(ReadOnlySpan<byte> packet, out IpHeader header, bool verifyIpv4Checksum = true)
    {
        var status = ParseLayout(packet, out var layout, verifyIpv4Checksum);
        if (status is not (DecodeStatus.Ok or DecodeStatus.Fragmented))
        {
            header = default;
            return status;
        }
        header = FromLayout(packet, layout);
        return status;
    }

    internal static IpHeader FromLayout(ReadOnlySpan<byte> packet, scoped in IpLayout layout) => new()
    {
        Family = layout.Family,
        Source = layout.Family == IpFamily.V4 ? PacketAddress.Read(IpFamily.V4, packet[12..]) : PacketAddress.Read(IpFamily.V6, packet[8..]),
        Destination = layout.Family == IpFamily.V4 ? PacketAddress.Read(IpFamily.V4, packet[16..]) : PacketAddress.Read(IpFamily.V6, packet[24..]),
        Protocol = layout.Protocol,
        HopLimit = layout.HopLimit,
        HeaderLength = layout.HeaderLength,
        PayloadOffset = layout.PayloadOffset,
        PayloadLength = layout.PayloadLength,
        HasRouterAlert = layout.RouterAlert,
    };

    /// <summary>The header walk without the addresses: what the per-packet decoder needs, small to copy.</summary>
    internal static DecodeStatus ParseLayout(ReadOnlySpan<byte> packet, out IpLayout layout, bool verifyIpv4Checksum)
    {
        layout = default;
        if (packet.Length < 1) return DecodeStatus.Truncated;
        return (packet[0] >> 4) switch
        {
            4 => ParseV4(packet, out layout, verifyIpv4Checksum),
            6 => ParseV6(packet, out layout),
            _ => DecodeStatus.BadIpVersion,
        };
    }

    private static DecodeStatus ParseV4(ReadOnlySpan<byte> packet, out IpLayout layout, bool verifyChecksum)
    {
        layout = default;
        if (packet.Length < 20) return DecodeStatus.Truncated;
        var headerLength = (packet[0] & 0x0F) * 4;
        if (headerLength < 20) return DecodeStatus.BadIpHeaderLength;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (totalLength < headerLength) return DecodeStatus.BadIpLength;
        if (packet.Length < headerLength) return DecodeStatus.Truncated;
        if (packet.Length < totalLength) return DecodeStatus.Truncated;
        var ipHeader = packet[..headerLength];
        if (verifyChecksum && !InternetChecksum.IsValid(ipHeader)) return DecodeStatus.BadIpChecksum;

        var routerAlert = false;
        var options = ipHeader[20..];
        while (options.Length > 0)
        {
            var type = options[0];
            if (type == 0) break;                       // end of option list
            if (type == 1) { options = options[1..]; continue; } // no-operation
            if (options.Length < 2) return DecodeStatus.BadIpOptions;
            var length = options[1];
            if (length < 2 || length > options.Length) return DecodeStatus.BadIpOptions;
            if (type == 148 && length == 4) routerAlert = true;
            options = options[length..];
        }

        layout = new IpLayout(IpFamily.V4, packet[9], packet[8], routerAlert, headerLength, headerLength, totalLength - headerLength);
        var fragment = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        // More-fragments set or a non-zero offset: a fragment (DF and the reserved bit are fine).
        return (fragment & 0x3FFF) != 0 ? DecodeStatus.Fragmented : DecodeStatus.Ok;
    }

    private static DecodeStatus ParseV6(ReadOnlySpan<byte> packet, out IpLayout layout)
    {
        layout = default;
        if (packet.Length < 40) return DecodeStatus.Truncated;
        var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        // Payload length 0 means a jumbogram (RFC 2675); never a membership message.
        if (payloadLength == 0) return DecodeStatus.BadIpLength;
        if (packet.Length < 40 + payloadLength) return DecodeStatus.Truncated;
        var end = 40 + payloadLength;

        var next = packet[6];
        var offset = 40;
        var routerAlert = false;
        var fragmented = false;
        // Extension headers are walked generically (next header, length); hop-by-hop and
        // destination options are read for Router Alert. Bounded: each step advances ≥ 8 bytes.
        while (true)
        {
            switch (next)
            {
                case ProtocolHopByHop:
                case ProtocolDestinationOptions:
                case ProtocolRouting:
                case ProtocolMobility:
                case ProtocolHip:
                case ProtocolShim6:
                {
                    if (end - offset < 8) return DecodeStatus.BadExtensionHeader;
                    var length = (packet[offset + 1] + 1) * 8;
                    if (length > end - offset) return DecodeStatus.BadExtensionHeader;
                    if (next == ProtocolHopByHop || next == ProtocolDestinationOptions)
                    {
                        var status = ScanV6Options(packet.Slice(offset + 2, length - 2), ref routerAlert);
                        if (status != DecodeStatus.Ok) return status;
                    }
                    next = packet[offset];
                    offset += length;
                    continue;
                }
                case ProtocolAuthentication:
                {
                    if (end - offset < 8) return DecodeStatus.BadExtensionHeader;
                    var length = (packet[offset + 1] + 2) * 4;
                    if (length > end - offset) return DecodeStatus.BadExtensionHeader;
                    next = packet[offset];
                    offset += length;
                    continue;
                }
                case ProtocolFragment:
                {
                    if (end - offset < 8) return DecodeStatus.BadExtensionHeader;
                    var fragment = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
                    // An atomic fragment (offset 0, no more fragments) is a whole packet.
                    if ((fragment & 0xFFF9) != 0) fragmented = true;
                    next = packet[offset];
                    offset += 8;
                    continue;
                }
            }
            break;
        }

        layout = new IpLayout(IpFamily.V6, next, packet[7], routerAlert, 40, offset, end - offset);
        return fragmented ? DecodeStatus.Fragmented : DecodeStatus.Ok;
    }

    private static DecodeStatus ScanV6Options(ReadOnlySpan<byte> options, ref bool routerAlert)
    {
        while (options.Length > 0)
        {
            var type = options[0];
            if (type == 0) { options = options[1..]; continue; } // Pad1
            if (options.Length < 2) return DecodeStatus.BadExtensionHeader;
            var length = options[1] + 2;
            if (length > options.Length) return DecodeStatus.BadExtensionHeader;
            if (type == 5 && length == 4) routerAlert = true;
            options = options[length..];
        }
        return DecodeStatus.Ok;
    }

    /// <summary>Adds the IPv6 pseudo-header (RFC 8200 §8.1) for an upper-layer message to a checksum sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong AddV6PseudoHeader(ulong sum, ReadOnlySpan<byte> packet, int upperLength, byte protocol)
    {
        sum = InternetChecksum.Add(sum, packet.Slice(8, 32)); // source and destination
        sum = InternetChecksum.AddUInt32(sum, (uint)upperLength);
        return InternetChecksum.AddWord(sum, protocol);
    }
}
