using System.Buffers.Binary;

namespace PolicyKit.Packets.Membership;

/// <summary>
/// Decodes an IP packet (IPv4 or IPv6, starting at the IP header) into a
/// <see cref="MembershipMessage"/>: IGMPv1/v2/v3 (RFC 1112, 2236, 3376) and MLDv1/v2
/// (RFC 2710, 3810). Never throws and never allocates; a malformed packet gives a
/// <see cref="DecodeStatus"/> naming the defect. Every record, source list and aux data block is
/// bounds-checked here, once, so later walks over the message need no checks.
/// </summary>
public static class MembershipDecoder
{
    public const byte IgmpQuery = 0x11;
    public const byte IgmpV1Report = 0x12;
    public const byte IgmpV2Report = 0x16;
    public const byte IgmpV2Leave = 0x17;
    public const byte IgmpV3Report = 0x22;

    public const byte MldQuery = 130;
    public const byte MldV1Report = 131;
    public const byte MldV1Done = 132;
    public const byte MldV2Report = 143;

    /// <summary>True for the ICMPv6 types that are MLD messages (130, 131, 132, 143).</summary>
    public static bool IsMldType(byte icmpType) => icmpType is MldQuery or MldV1Report or MldV1Done or MldV2Report;

    public static DecodeStatus Decode(ReadOnlySpan<byte> packet, out MembershipMessage message, DecodeOptions options = DecodeOptions.None)
    {
        message = default;
        var status = IpHeader.ParseLayout(packet, out var ip, (options & DecodeOptions.SkipIpv4HeaderChecksum) == 0);
        var isMembershipProtocol = ip.Family == IpFamily.V4 ? ip.Protocol == IpHeader.ProtocolIgmp
            : ip.Family == IpFamily.V6 && ip.Protocol == IpHeader.ProtocolIcmpV6;
        if (status == DecodeStatus.Fragmented) return isMembershipProtocol ? DecodeStatus.Fragmented : DecodeStatus.NotMembership;
        if (status != DecodeStatus.Ok) return status;
        if (!isMembershipProtocol) return DecodeStatus.NotMembership;

        packet = packet[..ip.TotalLength];
        return ip.Family == IpFamily.V4
            ? DecodeIgmp(packet, ip, options, out message)
            : DecodeMld(packet, ip, options, out message);
    }

    private static DecodeStatus DecodeIgmp(ReadOnlySpan<byte> packet, scoped in IpLayout ip, DecodeOptions options, out MembershipMessage message)
    {
        message = default;
        var igmp = packet.Slice(ip.PayloadOffset, ip.PayloadLength);
        if (igmp.Length < 4) return DecodeStatus.MessageTooShort;
        // RFC 3376 §4.2.x: the checksum covers the whole IGMP message, additional data included.
        if ((options & DecodeOptions.SkipMessageChecksum) == 0 && !InternetChecksum.IsValid(igmp)) return DecodeStatus.BadChecksum;
        var type = igmp[0];
        switch (type)
        {
            case IgmpQuery:
            {
                if (igmp.Length < 8) return DecodeStatus.MessageTooShort;
                if (igmp.Length == 8)
                {
                    // RFC 3376 §7.1: an 8-byte query with Max Resp Code 0 is IGMPv1.
                    var version = igmp[1] == 0 ? 1 : 2;
                    message = new MembershipMessage(packet, ip, MembershipKind.Query, version, type, 0, 0, 0, 0);
                    return DecodeStatus.Ok;
                }
                if (igmp.Length < 12) return DecodeStatus.BadMessageLength;
                var sources = BinaryPrimitives.ReadUInt16BigEndian(igmp[10..]);
                if (12 + sources * 4 > igmp.Length) return DecodeStatus.RecordOverrun;
                message = new MembershipMessage(packet, ip, MembershipKind.Query, 3, type, 0, 0, sources, 0);
                return DecodeStatus.Ok;
            }
            case IgmpV1Report:
            case IgmpV2Report:
            case IgmpV2Leave:
            {
                if (igmp.Length < 8) return DecodeStatus.MessageTooShort;
                var kind = type == IgmpV2Leave ? MembershipKind.Leave : MembershipKind.Report;
                var version = type == IgmpV1Report ? 1 : 2;
                message = new MembershipMessage(packet, ip, kind, version, type, 0, 1, 0, 0);
                return DecodeStatus.Ok;
            }
            case IgmpV3Report:
            {
                if (igmp.Length < 8) return DecodeStatus.MessageTooShort;
                var status = WalkRecords(packet, ip, IpFamily.V4, out var count, out var maskLength, out var end);
                if (status != DecodeStatus.Ok) return status;
                message = new MembershipMessage(packet, ip, MembershipKind.RecordReport, 3, type, count, maskLength, 0, end);
                return DecodeStatus.Ok;
            }
            default:
                if (igmp.Length < 8) return DecodeStatus.MessageTooShort;
                message = new MembershipMessage(packet, ip, MembershipKind.OtherIgmp, 0, type, 0, 0, 0, 0);
                return DecodeStatus.Ok;
        }
    }

    private static DecodeStatus DecodeMld(ReadOnlySpan<byte> packet, scoped in IpLayout ip, DecodeOptions options, out MembershipMessage message)
    {
        message = default;
        var icmp = packet.Slice(ip.PayloadOffset, ip.PayloadLength);
        if (icmp.Length < 4) return icmp.Length >= 1 && IsMldType(icmp[0]) ? DecodeStatus.MessageTooShort : DecodeStatus.NotMembership;
        var type = icmp[0];
        if (!IsMldType(type)) return DecodeStatus.NotMembership;
        if ((options & DecodeOptions.SkipMessageChecksum) == 0)
        {
            var sum = IpHeader.AddV6PseudoHeader(0, packet, icmp.Length, IpHeader.ProtocolIcmpV6);
            if (InternetChecksum.Finish(InternetChecksum.Add(sum, icmp)) != 0) return DecodeStatus.BadChecksum;
        }
        switch (type)
        {
            case MldQuery:
            {
                if (icmp.Length < 24) return DecodeStatus.MessageTooShort;
                if (icmp.Length == 24)
                {
                    message = new MembershipMessage(packet, ip, MembershipKind.Query, 1, type, 0, 0, 0, 0);
                    return DecodeStatus.Ok;
                }
                if (icmp.Length < 28) return DecodeStatus.BadMessageLength;
                var sources = BinaryPrimitives.ReadUInt16BigEndian(icmp[26..]);
                if (28 + sources * 16 > icmp.Length) return DecodeStatus.RecordOverrun;
                message = new MembershipMessage(packet, ip, MembershipKind.Query, 2, type, 0, 0, sources, 0);
                return DecodeStatus.Ok;
            }
            case MldV1Report:
            case MldV1Done:
            {
                if (icmp.Length < 24) return DecodeStatus.MessageTooShort;
                var kind = type == MldV1Done ? MembershipKind.Leave : MembershipKind.Report;
                message = new MembershipMessage(packet, ip, kind, 1, type, 0, 1, 0, 0);
                return DecodeStatus.Ok;
            }
            default: // MldV2Report
            {
                if (icmp.Length < 8) return DecodeStatus.MessageTooShort;
                var status = WalkRecords(packet, ip, IpFamily.V6, out var count, out var maskLength, out var end);
                if (status != DecodeStatus.Ok) return status;
                message = new MembershipMessage(packet, ip, MembershipKind.RecordReport, 2, type, count, maskLength, 0, end);
                return DecodeStatus.Ok;
            }
        }
    }

    /// <summary>Checks that every record of a v3/MLDv2 report fits the message; counts keep-mask slots.</summary>
    private static DecodeStatus WalkRecords(ReadOnlySpan<byte> packet, scoped in IpLayout ip, IpFamily family,
        out int count, out int maskLength, out int end)
    {
        var message = packet.Slice(ip.PayloadOffset, ip.PayloadLength);
        count = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        maskLength = 0;
        var addressSize = family == IpFamily.V4 ? 4 : 16;
        var header = 4 + addressSize;
        var offset = 8;
        for (var i = 0; i < count; i++)
        {
            if (message.Length - offset < header) { end = 0; return DecodeStatus.RecordOverrun; }
            var aux = message[offset + 1] * 4;
            var sources = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
            var length = header + sources * addressSize + aux; // at most 20 + 65535*16 + 1020: no overflow
            if (message.Length - offset < length) { end = 0; return DecodeStatus.RecordOverrun; }
            offset += length;
            maskLength += 1 + sources;
        }
        end = ip.PayloadOffset + offset;
        return DecodeStatus.Ok;
    }
}
