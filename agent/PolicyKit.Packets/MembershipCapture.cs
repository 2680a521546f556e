using PolicyKit.Packets.Capture;
using PolicyKit.Packets.Membership;

namespace PolicyKit.Packets;

/// <summary>
/// Reads the IGMP/MLD messages of a capture file (pcap or pcapng, any supported link type), for
/// replay and forensics. Allocates per message found; the per-packet enforcement path uses
/// <see cref="MembershipDecoder"/> directly.
/// </summary>
public static class MembershipCapture
{
    /// <summary>
    /// The membership messages in the file, in file order. Frames that are not IP, and IP packets
    /// that are not IGMP/MLD, are skipped; malformed IP packets are yielded with their status
    /// when <paramref name="includeMalformed"/>. A damaged file throws
    /// <see cref="CaptureFormatException"/> after yielding everything before the damage.
    /// </summary>
    public static IEnumerable<CapturedMembership> Read(string path, bool includeMalformed = true,
        DecodeOptions options = DecodeOptions.None, CaptureReaderOptions? readerOptions = null)
    {
        using var reader = CaptureReader.Open(path, readerOptions);
        foreach (var m in Read(reader, includeMalformed, options)) yield return m;
    }

    public static IEnumerable<CapturedMembership> Read(CaptureReader reader, bool includeMalformed = true,
        DecodeOptions options = DecodeOptions.None)
    {
        while (reader.TryReadNext(out var record))
        {
            var found = Decode(record, includeMalformed, options);
            if (found is not null) yield return found;
        }
    }

    /// <summary>The membership message in one captured record; null when there is none (or it is malformed and not wanted).</summary>
    public static CapturedMembership? Decode(in CaptureRecord record, bool includeMalformed = true,
        DecodeOptions options = DecodeOptions.None)
    {
        if (LinkDecoder.Decode(record.LinkType, record.Data.Span, out var frame) != LinkStatus.Ok) return null;
        var status = MembershipDecoder.Decode(frame.Payload, out var message, options);
        if (status == DecodeStatus.NotMembership) return null;
        if (status != DecodeStatus.Ok && !includeMalformed) return null;
        return new CapturedMembership(record.Number, record.Offset, record.Timestamp, record.InterfaceId, record.InterfaceName,
            frame.IfIndex, frame.OuterVlanId, frame.PacketType, status, status == DecodeStatus.Ok ? message.ToDecoded() : null);
    }
}
