using System.Buffers.Binary;
using PolicyKit.Packets.Membership;
using PolicyKit.Packets.Tests.Support;

namespace PolicyKit.Packets.Tests.Decoding;

public class MalformedTests
{
    public static TheoryData<string> ValidPackets() => new(Samples.Names);

    [Theory]
    [MemberData(nameof(ValidPackets))]
    public void Every_truncation_is_a_status_not_an_exception(string name)
    {
        var packet = Samples.Get(name);
        Assert.Equal(DecodeStatus.Ok, Decoded.Status(packet));
        for (var length = 0; length < packet.Length; length++)
        {
            var status = Decoded.Status(packet[..length]);
            Assert.True(status is not (DecodeStatus.Ok or DecodeStatus.NotMembership), $"{name} cut to {length}: {status}");
            Assert.False(string.IsNullOrEmpty(status.Describe()));
        }
    }

    [Fact]
    public void Record_count_too_large()
    {
        var packet = Build.V4(Build.Records(false, [Rec.Of(4, "239.1.1.1")], declaredCount: 2));
        Assert.Equal(DecodeStatus.RecordOverrun, Decoded.Status(packet));
        var mld = Build.V6(Build.Records(true, [Rec.Of(4, "ff15::1")], declaredCount: 3));
        Assert.Equal(DecodeStatus.RecordOverrun, Decoded.Status(mld));
    }

    [Fact]
    public void Source_count_too_large()
    {
        var igmp = Build.IgmpV3Report(Rec.Of(5, "232.1.1.1", "192.0.2.1"));
        BinaryPrimitives.WriteUInt16BigEndian(igmp.AsSpan(8 + 2), 2);
        Build.SetChecksum(igmp, 2);
        Assert.Equal(DecodeStatus.RecordOverrun, Decoded.Status(Build.V4(igmp)));
    }

    [Fact]
    public void Aux_data_length_too_large()
    {
        var igmp = Build.IgmpV3Report(Rec.Of(4, "239.1.1.1"));
        igmp[8 + 1] = 1; // one aux word that is not there
        Build.SetChecksum(igmp, 2);
        Assert.Equal(DecodeStatus.RecordOverrun, Decoded.Status(Build.V4(igmp)));
    }

    [Fact]
    public void Query_with_impossible_length_or_too_many_sources()
    {
        Assert.Equal(DecodeStatus.BadMessageLength, Decoded.Status(Build.V4(Build.Igmp(0x11, 10, "0.0.0.0", [1, 2]))));
        var query = Build.IgmpV3Query("232.1.1.1", 10, "192.0.2.1");
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(10), 2);
        Build.SetChecksum(query, 2);
        Assert.Equal(DecodeStatus.RecordOverrun, Decoded.Status(Build.V4(query)));

        var mld = new byte[26];
        mld[0] = 130;
        Assert.Equal(DecodeStatus.BadMessageLength, Decoded.Status(Build.V6(mld)));
    }

    [Fact]
    public void Too_short_messages()
    {
        Assert.Equal(DecodeStatus.MessageTooShort, Decoded.Status(Build.V4(Build.Igmp(0x16, 0, "239.0.0.1")[..6].WithChecksum(2))));
        var mld = Build.Mld(131, "ff15::1")[..20];
        Assert.Equal(DecodeStatus.MessageTooShort, Decoded.Status(Build.V6(mld)));
        Assert.Equal(DecodeStatus.MessageTooShort, Decoded.Status(Build.V4([0x16, 0])));
    }

    [Fact]
    public void Ipv4_header_defects()
    {
        var good = Build.V4(Build.Igmp(0x16, 0, "239.0.0.1"));
        var ihl = (byte[])good.Clone();
        ihl[0] = 0x44;
        Assert.Equal(DecodeStatus.BadIpHeaderLength, Decoded.Status(ihl));
        var total = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(total.AsSpan(2), 10);
        Build.SetChecksum(total.AsSpan(0, 24), 10);
        Assert.Equal(DecodeStatus.BadIpLength, Decoded.Status(total));
        var version = (byte[])good.Clone();
        version[0] = 0x56;
        Assert.Equal(DecodeStatus.BadIpVersion, Decoded.Status(version));
        var option = Build.V4(Build.Igmp(0x16, 0, "239.0.0.1"), options: [148, 0, 0, 0]); // option length 0
        Assert.Equal(DecodeStatus.BadIpOptions, Decoded.Status(option));
        var overrun = Build.V4(Build.Igmp(0x16, 0, "239.0.0.1"), options: [7, 9, 0, 0]); // option past the header
        Assert.Equal(DecodeStatus.BadIpOptions, Decoded.Status(overrun));
    }

    [Fact]
    public void Ipv6_header_defects()
    {
        var good = Build.V6(Build.Mld(131, "ff15::1"));
        var jumbo = (byte[])good.Clone();
        jumbo[4] = 0;
        jumbo[5] = 0;
        Assert.Equal(DecodeStatus.BadIpLength, Decoded.Status(jumbo));
        var ext = (byte[])good.Clone();
        ext[41] = 200; // hop-by-hop length past the packet
        Assert.Equal(DecodeStatus.BadExtensionHeader, Decoded.Status(ext));
        var option = (byte[])good.Clone();
        option[43] = 9; // router alert option length past its header
        Assert.Equal(DecodeStatus.BadExtensionHeader, Decoded.Status(option));
    }
}

internal static class ByteArrayExtensions
{
    public static byte[] WithChecksum(this byte[] message, int at)
    {
        Build.SetChecksum(message, at);
        return message;
    }
}
