using System.Buffers.Binary;
using PolicyKit.Nfqueue.Netlink;
using PolicyKit.Nfqueue.Queue;

namespace PolicyKit.Nfqueue.Tests.Unit;

public class QueuedPacketParserTests
{
    private static readonly byte[] Ip = [0x45, 0, 0, 20, 0, 0, 0, 0, 1, 2, 0, 0, 10, 0, 0, 2, 224, 0, 0, 22];

    /// <summary>An NFQNL_MSG_PACKET as the kernel sends it (attributes in the kernel's order).</summary>
    internal static byte[] PacketMessage(uint id, uint inDev, byte[] payload, uint? mark = null, int? capLength = null, bool header = true, ushort queue = 9)
    {
        var buffer = new byte[payload.Length + 256];
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(Nl.SubsysQueue << 8 | Nfq.MsgPacket, 0, 0, 2, queue);
        if (header)
        {
            var h = new byte[7];
            BinaryPrimitives.WriteUInt32BigEndian(h, id);
            BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(4), 0x0800);
            h[6] = 0;
            w.Attribute(Nfq.PacketHdr, h);
        }
        if (mark is { } m) w.AttributeBigEndian32(Nfq.Mark, m);
        w.AttributeBigEndian32(Nfq.IfIndexInDev, inDev);
        if (capLength is { } c) w.AttributeBigEndian32(Nfq.CapLen, (uint)c);
        w.Attribute(Nfq.Payload, payload);
        w.EndMessage();
        return buffer[..w.Length];
    }

    private static PacketParseStatus Parse(byte[] datagram, out uint id, out uint inDev, out byte[] payload, out int original, out ushort queue)
    {
        var reader = new NetlinkMessageReader(datagram);
        Assert.True(reader.TryRead(out var m));
        var status = QueuedPacketParser.Parse(m, out var p);
        id = p.Id;
        inDev = p.InputInterface;
        payload = p.Payload.ToArray();
        original = p.OriginalLength;
        queue = p.Queue;
        return status;
    }

    [Fact]
    public void A_packet_message_gives_id_input_interface_queue_and_payload()
    {
        var status = Parse(PacketMessage(0x01020304, 7, Ip, mark: 5), out uint id, out uint inDev, out var payload, out int original, out ushort queue);
        Assert.Equal(PacketParseStatus.Ok, status);
        Assert.Equal(0x01020304u, id);
        Assert.Equal(7u, inDev);
        Assert.Equal(Ip, payload);
        Assert.Equal(Ip.Length, original);
        Assert.Equal(9, queue);
    }

    [Fact]
    public void A_packet_cut_by_the_copy_range_says_so()
    {
        var status = Parse(PacketMessage(1, 2, Ip, capLength: 1500), out _, out _, out var payload, out int original, out _);
        Assert.Equal(PacketParseStatus.Ok, status);
        Assert.Equal(20, payload.Length);
        Assert.Equal(1500, original);
    }

    [Fact]
    public void Without_a_packet_header_no_verdict_is_possible()
    {
        Assert.Equal(PacketParseStatus.MissingPacketHeader, Parse(PacketMessage(1, 2, Ip, header: false), out _, out _, out _, out _, out _));
    }

    [Fact]
    public void An_attribute_length_past_the_message_is_a_bad_attribute()
    {
        var datagram = PacketMessage(1, 2, Ip);
        // The payload attribute starts after nlmsghdr(16) + nfgenmsg(4) + packet hdr(12) + indev(8): claim more than is there.
        BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(16 + 4 + 12 + 8), 0x4000);
        Assert.Equal(PacketParseStatus.BadAttribute, Parse(datagram, out _, out _, out _, out _, out _));
    }

    [Fact]
    public void Another_subsystem_is_not_a_packet()
    {
        var datagram = PacketMessage(1, 2, Ip);
        BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(4), Nl.SubsysNftables << 8);
        Assert.Equal(PacketParseStatus.NotAPacket, Parse(datagram, out _, out _, out _, out _, out _));
    }

    [Fact]
    public void Mutated_messages_never_throw_and_an_ok_parse_stays_inside_the_datagram()
    {
        var random = new Random(7);
        var original = PacketMessage(42, 3, Ip, mark: 1, capLength: 20);
        int ok = 0;
        for (int i = 0; i < 20000; i++)
        {
            var d = (byte[])original.Clone();
            int flips = random.Next(1, 6);
            for (int f = 0; f < flips; f++) d[random.Next(d.Length)] = (byte)random.Next(256);
            if (random.Next(4) == 0) d = d[..random.Next(d.Length)];
            var reader = new NetlinkMessageReader(d);
            while (reader.TryRead(out var m))
            {
                if (QueuedPacketParser.Parse(m, out var p) == PacketParseStatus.Ok)
                {
                    ok++;
                    Assert.True(p.Payload.Length <= d.Length);
                    Assert.True(p.OriginalLength >= p.Payload.Length);
                }
            }
        }
        Assert.True(ok > 0, "some mutations keep the message readable");
    }
}
