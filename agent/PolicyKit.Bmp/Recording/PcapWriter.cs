using System.Buffers.Binary;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Recording;

/// <summary>
/// Writes a recorded BMP byte stream as a classic pcap file of one TCP connection (Ethernet,
/// IPv4, TCP with handshake and valid checksums), so Wireshark/tshark (<c>-d tcp.port==P,bmp</c>)
/// and pmacct's <c>pmbmpd -I</c> can read what the station received. Each BMP message goes in
/// its own segment (split at 65,000 bytes when longer), which keeps a one-to-one mapping between
/// frames and messages for cross-checks.
/// </summary>
public static class PcapWriter
{
    private const int MaxSegment = 65_000;

    /// <summary>Splits a stream into its BMP messages (a trailing partial or unframeable rest becomes one last chunk).</summary>
    public static List<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> stream, int maxMessageLength = 1 << 20)
    {
        var messages = new List<ReadOnlyMemory<byte>>();
        int offset = 0;
        while (offset < stream.Length)
        {
            if (BmpCommonHeader.TryFrame(stream.Span[offset..], maxMessageLength, out var header, out _) != FrameStatus.Complete)
            {
                messages.Add(stream[offset..]);
                break;
            }
            messages.Add(stream.Slice(offset, header.Length));
            offset += header.Length;
        }
        return messages;
    }

    /// <summary>Writes the stream from 192.0.2.2:<paramref name="clientPort"/> (the router) to 192.0.2.10:<paramref name="serverPort"/> (the station).</summary>
    public static void Write(string path, ReadOnlyMemory<byte> stream, ushort serverPort = 11019, ushort clientPort = 40000)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        Write(file, Messages(stream), serverPort, clientPort);
    }

    public static void Write(Stream output, IEnumerable<ReadOnlyMemory<byte>> segments, ushort serverPort = 11019, ushort clientPort = 40000)
    {
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 262_144);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1); // LINKTYPE_ETHERNET
        output.Write(header);

        uint client = 0xC0000202, server = 0xC000020A;
        uint clientSeq = 1000, serverSeq = 5000;
        long micros = 1_700_000_000L * 1_000_000;
        void Packet(bool fromClient, byte flags, ReadOnlySpan<byte> payload)
        {
            micros += 10;
            WritePacket(output, micros, fromClient ? client : server, fromClient ? server : client, fromClient ? clientPort : serverPort,
                fromClient ? serverPort : clientPort, fromClient ? clientSeq : serverSeq, fromClient ? serverSeq : clientSeq, flags, payload);
            if (fromClient) clientSeq += (uint)payload.Length + ((flags & 0x02) != 0 ? 1u : 0);
            else serverSeq += (uint)payload.Length + ((flags & 0x02) != 0 ? 1u : 0);
        }
        Packet(true, 0x02, default);          // SYN
        Packet(false, 0x12, default);         // SYN-ACK
        Packet(true, 0x10, default);          // ACK
        foreach (var segment in segments)
        {
            for (int at = 0; at < segment.Length; at += MaxSegment)
                Packet(true, 0x18, segment.Span.Slice(at, Math.Min(MaxSegment, segment.Length - at))); // PSH ACK
        }
        Packet(true, 0x11, default);          // FIN ACK
    }

    private static void WritePacket(Stream output, long micros, uint source, uint destination, ushort sourcePort, ushort destinationPort, uint seq, uint ack, byte flags, ReadOnlySpan<byte> payload)
    {
        int ipLength = 20 + 20 + payload.Length;
        var frame = new byte[14 + ipLength];
        var span = frame.AsSpan();
        span[..6].Fill(0x02);                       // locally administered MACs
        span[6..12].Fill(0x04);
        BinaryPrimitives.WriteUInt16BigEndian(span[12..], 0x0800);
        var ip = span[14..];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)ipLength);
        ip[6] = 0x40;                               // don't fragment
        ip[8] = 64;
        ip[9] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], source);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], destination);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip[..20], 0));
        var tcp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], (flags & 0x10) != 0 ? ack : 0);
        tcp[12] = 0x50;
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 65535);
        payload.CopyTo(tcp[20..]);
        uint pseudo = (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF) + 6 + (uint)(20 + payload.Length);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum(tcp, pseudo));

        Span<byte> record = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(micros / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(micros % 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)frame.Length);
        output.Write(record);
        output.Write(frame);
    }

    private static ushort Checksum(ReadOnlySpan<byte> data, uint sum)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (uint)data[i] << 8;
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}
