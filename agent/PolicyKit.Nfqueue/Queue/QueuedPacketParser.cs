using System.Buffers.Binary;
using PolicyKit.Nfqueue.Netlink;

namespace PolicyKit.Nfqueue.Queue;

/// <summary>Why a queue message could not be read as a packet.</summary>
public enum PacketParseStatus
{
    Ok,

    /// <summary>Not an nfnetlink_queue packet message (another subsystem or kind): skip it.</summary>
    NotAPacket,

    /// <summary>The message is shorter than its nfgenmsg header.</summary>
    Truncated,

    /// <summary>An attribute's length runs past the message or is below 4.</summary>
    BadAttribute,

    /// <summary>No NFQA_PACKET_HDR or it is too short: the packet cannot be given a verdict.</summary>
    MissingPacketHeader,
}

/// <summary>Reads NFQNL_MSG_PACKET messages defensively: every length is checked, nothing throws.</summary>
internal static class QueuedPacketParser
{
    public static PacketParseStatus Parse(in NetlinkMessage message, out QueuedPacket packet)
    {
        packet = default;
        if (message.Subsystem != Nl.SubsysQueue || message.Kind != Nfq.MsgPacket) return PacketParseStatus.NotAPacket;
        var body = message.Body;
        if (body.Length < Nl.NfGenLength) return PacketParseStatus.Truncated;
        ushort queue = BinaryPrimitives.ReadUInt16BigEndian(body[2..]);

        bool haveHeader = false;
        uint id = 0, inDev = 0, outDev = 0, mark = 0;
        ushort hwProtocol = 0;
        byte hook = 0;
        bool hasMark = false;
        int capLength = -1;
        ReadOnlySpan<byte> payload = default;

        var attributes = new NetlinkAttributeReader(body[Nl.NfGenLength..]);
        while (attributes.TryRead(out var a))
        {
            var v = a.Value;
            switch (a.Type)
            {
                case Nfq.PacketHdr when v.Length >= 7:
                    id = BinaryPrimitives.ReadUInt32BigEndian(v);
                    hwProtocol = BinaryPrimitives.ReadUInt16BigEndian(v[4..]);
                    hook = v[6];
                    haveHeader = true;
                    break;
                case Nfq.IfIndexInDev when v.Length >= 4:
                    inDev = BinaryPrimitives.ReadUInt32BigEndian(v);
                    break;
                case Nfq.IfIndexOutDev when v.Length >= 4:
                    outDev = BinaryPrimitives.ReadUInt32BigEndian(v);
                    break;
                case Nfq.Mark when v.Length >= 4:
                    mark = BinaryPrimitives.ReadUInt32BigEndian(v);
                    hasMark = true;
                    break;
                case Nfq.CapLen when v.Length >= 4:
                    capLength = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(v), int.MaxValue);
                    break;
                case Nfq.Payload:
                    payload = v;
                    break;
            }
        }
        if (attributes.Malformed) return PacketParseStatus.BadAttribute;
        if (!haveHeader) return PacketParseStatus.MissingPacketHeader;
        packet = new QueuedPacket(queue, id, hwProtocol, hook, inDev, outDev, mark, hasMark, payload,
            capLength >= payload.Length ? capLength : payload.Length);
        return PacketParseStatus.Ok;
    }
}
