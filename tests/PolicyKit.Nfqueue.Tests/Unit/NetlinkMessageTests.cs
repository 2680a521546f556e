using System.Buffers.Binary;
using PolicyKit.Nfqueue.Netlink;

namespace PolicyKit.Nfqueue.Tests.Unit;

public class NetlinkMessageTests
{
    [Fact]
    public void A_written_message_reads_back_with_its_header_nfgenmsg_and_padded_attributes()
    {
        var buffer = new byte[256];
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(0x0302, Nl.FRequest | Nl.FAck, 77, 2, 0x1234);
        w.Attribute(1, [1, 2, 3]);                // 3 bytes: padded to 8 in all
        w.AttributeBigEndian32(2, 0xdeadbeef);
        int nest = w.BeginNested(3);
        w.AttributeString(1, "policykit_x");
        w.EndNested(nest);
        w.EndMessage();

        Assert.Equal((uint)w.Length, BinaryPrimitives.ReadUInt32LittleEndian(buffer));
        var reader = new NetlinkMessageReader(buffer.AsSpan(0, w.Length));
        Assert.True(reader.TryRead(out var m));
        Assert.Equal(0x0302, m.Type);
        Assert.Equal(3, m.Subsystem);
        Assert.Equal(2, m.Kind);
        Assert.Equal(77u, m.Sequence);
        Assert.Equal(2, m.Body[0]);                                           // family
        Assert.Equal(0x1234, BinaryPrimitives.ReadUInt16BigEndian(m.Body[2..])); // res_id, big-endian

        var attributes = new NetlinkAttributeReader(m.Body[Nl.NfGenLength..]);
        Assert.True(attributes.TryRead(out var a1));
        Assert.Equal(1, a1.Type);
        Assert.Equal(new byte[] { 1, 2, 3 }, a1.Value.ToArray());
        Assert.True(attributes.TryRead(out var a2));
        Assert.Equal(0xdeadbeefu, BinaryPrimitives.ReadUInt32BigEndian(a2.Value));
        Assert.True(attributes.TryRead(out var a3));
        Assert.True(a3.Nested);
        Assert.Equal(3, a3.Type);
        var inner = new NetlinkAttributeReader(a3.Value);
        Assert.True(inner.TryRead(out var name));
        Assert.Equal("policykit_x\0", System.Text.Encoding.ASCII.GetString(name.Value));
        Assert.False(attributes.TryRead(out _));
        Assert.False(attributes.Malformed);
        Assert.False(reader.TryRead(out _));
        Assert.False(reader.Malformed);
    }

    [Theory]
    [InlineData(8)]     // shorter than nlmsghdr
    [InlineData(15)]
    public void A_datagram_shorter_than_a_header_is_malformed_not_a_crash(int length)
    {
        var reader = new NetlinkMessageReader(new byte[length]);
        Assert.False(reader.TryRead(out _));
        Assert.True(reader.Malformed);
    }

    [Theory]
    [InlineData(4u)]      // below the header's own 16 bytes
    [InlineData(1000u)]   // past the datagram
    public void A_message_length_that_is_impossible_ends_the_walk(uint declared)
    {
        var datagram = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(datagram, declared);
        var reader = new NetlinkMessageReader(datagram);
        Assert.False(reader.TryRead(out _));
        Assert.True(reader.Malformed);
    }

    [Fact]
    public void An_attribute_running_past_its_message_is_malformed()
    {
        var attributes = new byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(attributes, 40);    // claims 40 bytes, 12 there
        BinaryPrimitives.WriteUInt16LittleEndian(attributes.AsSpan(2), 10);
        var reader = new NetlinkAttributeReader(attributes);
        Assert.False(reader.TryRead(out _));
        Assert.True(reader.Malformed);
    }

    [Fact]
    public void An_error_message_gives_its_errno_and_the_sequence_it_answers()
    {
        var datagram = new byte[36];
        BinaryPrimitives.WriteUInt32LittleEndian(datagram, 36);
        BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(4), Nl.Error);
        BinaryPrimitives.WriteInt32LittleEndian(datagram.AsSpan(16), -16);           // -EBUSY
        BinaryPrimitives.WriteUInt32LittleEndian(datagram.AsSpan(20), 16);           // echoed header: length
        BinaryPrimitives.WriteUInt32LittleEndian(datagram.AsSpan(28), 4242);         // echoed sequence
        var reader = new NetlinkMessageReader(datagram);
        Assert.True(reader.TryRead(out var m));
        Assert.True(m.TryGetError(out int error));
        Assert.Equal(-16, error);
        Assert.True(m.TryGetErrorSequence(out uint sequence));
        Assert.Equal(4242u, sequence);
    }

    [Fact]
    public void A_netlink_exception_names_the_operation_and_the_error_in_words()
    {
        var e = new NetlinkException("bind NFQUEUE 3", 16, "another program holds this queue number");
        Assert.Contains("bind NFQUEUE 3", e.Message);
        Assert.Contains("busy", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("errno 16", e.Message);
        Assert.Equal(16, e.Errno);
    }
}
