using PolicyKit.Bmp.Wire;
using static PolicyKit.Bmp.Tests.Support.Vectors;

namespace PolicyKit.Bmp.Tests.Wire;

public sealed class FramingAndHeaderTests
{
    [Fact]
    public void AWholeMessageIsFramedWithItsLengthAndType()
    {
        var bytes = Hex("03 00000006 04");
        Assert.Equal(FrameStatus.Complete, BmpCommonHeader.TryFrame(bytes, 1 << 20, out var header, out var error));
        Assert.Equal(new BmpCommonHeader(3, 6, 4), header);
        Assert.Equal(BmpMessageType.Initiation, header.MessageType);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("03")]
    [InlineData("03 000000")]
    [InlineData("03 0000000A 04 0000")] // 7 of 10 bytes
    public void APartialMessageNeedsMore(string hex) =>
        Assert.Equal(FrameStatus.NeedMore, BmpCommonHeader.TryFrame(Hex(hex), 1 << 20, out _, out _));

    [Theory]
    [InlineData("01 00000006 04", "version 1")]
    [InlineData("02 00000006 04", "version 2")]
    [InlineData("16 0301 0200", "version 22")] // a TLS ClientHello on a plaintext port
    [InlineData("03 00000005 04", "length 5")]
    [InlineData("03 00000000 00", "length 0")]
    [InlineData("03 00200001 00", "length 2097153")]
    public void ABadVersionOrLengthLosesTheFraming(string hex, string expected)
    {
        Assert.Equal(FrameStatus.Invalid, BmpCommonHeader.TryFrame(Hex(hex), 1 << 20, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void AnUnknownTypeWithASaneLengthIsFramedForTheCallerToSkip()
    {
        Assert.Equal(FrameStatus.Complete, BmpCommonHeader.TryFrame(Hex("03 00000008 2A 0000"), 1 << 20, out var header, out _));
        Assert.Equal(42, header.Type);
    }

    [Fact]
    public void AnIpv4PerPeerHeaderReadsEveryField()
    {
        var bytes = Hex("00 00 0000000000000000 00000000000000000000000000000000 0000FBF4 C0000201 6553F100 00000005");
        bytes[25] = 1; bytes[22] = 192; bytes[23] = 0; bytes[24] = 2; // 192.0.2.1 in the last 4 bytes of the address
        Assert.True(PerPeerHeader.TryRead(bytes, out var h));
        Assert.Equal(BmpPeerType.Global, h.PeerType);
        Assert.Equal("192.0.2.1", h.Address.ToString());
        Assert.Equal(64500u, h.PeerAs);
        Assert.Equal(0xC0000201u, h.BgpId);
        Assert.Equal(0x6553F100u, h.TimestampSeconds);
        Assert.Equal(5u, h.TimestampMicroseconds);
        Assert.Equal(RibView.AdjRibInPre, h.View);
        Assert.False(h.IsLegacyAsPath);
    }

    [Theory]
    [InlineData(BmpPeerType.Global, 0x80, RibView.AdjRibInPre, true, false)]
    [InlineData(BmpPeerType.Global, 0x40, RibView.AdjRibInPost, false, false)]
    [InlineData(BmpPeerType.RdInstance, 0x20, RibView.AdjRibInPre, false, true)]
    [InlineData(BmpPeerType.Global, 0x10, RibView.AdjRibOutPre, false, false)]
    [InlineData(BmpPeerType.Global, 0x50, RibView.AdjRibOutPost, false, false)]
    [InlineData(BmpPeerType.LocRib, 0x80, RibView.LocRib, false, false)] // F (filtered) is not V on a Loc-RIB header
    public void FlagsSelectTheViewTheFamilyAndTheAsPathSize(BmpPeerType type, byte flags, RibView view, bool v6, bool legacy)
    {
        var bytes = new byte[42];
        bytes[0] = (byte)type;
        bytes[1] = flags;
        Assert.True(PerPeerHeader.TryRead(bytes, out var h));
        Assert.Equal(view, h.View);
        Assert.Equal(v6, h.IsIpv6);
        Assert.Equal(legacy, h.IsLegacyAsPath);
        Assert.Equal(v6 ? "::" : "0.0.0.0", h.Address.ToString());
    }

    [Fact]
    public void AnIpv6PeerAndADistinguisherRead()
    {
        var bytes = BmpEncoder.PerPeer(BmpPeerType.RdInstance, 0, 0x0000FBF400000001UL, A("2001:db8::1"), 64500, 1);
        Assert.True(PerPeerHeader.TryRead(bytes, out var h));
        Assert.Equal("2001:db8::1", h.Address.ToString());
        Assert.Equal("64500:1", PerPeerHeader.DistinguisherText(h.Distinguisher));
        Assert.Equal("192.0.2.1:7", PerPeerHeader.DistinguisherText(0x0001C00002010007UL));
        Assert.Equal("0", PerPeerHeader.DistinguisherText(0));
    }

    [Fact]
    public void FrrsLocalRouteHeaderIsAllZero()
    {
        Assert.True(PerPeerHeader.TryRead(new byte[42], out var h));
        Assert.True(h.IsAllZero);
        Assert.False(PerPeerHeader.TryRead(new byte[41], out _));
    }

    public static TheoryData<string, BgpError, bool> BgpHeaders => new()
    {
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0013 04", BgpError.None, false },                  // KEEPALIVE
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00 0013 04", BgpError.MarkerNotAllOnes, false },
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0012 04", BgpError.BadLength, false },             // 18 < 19
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 1001 02", BgpError.BadLength, false },             // 4097 without extended messages
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 1001 02", BgpError.Truncated, true },              // allowed with them, but not all here
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0013 00", BgpError.BadType, false },
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0013 06", BgpError.BadType, false },
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 001C 01 04FDE8005AC0000201", BgpError.BadLength, false }, // OPEN of 28 < 29
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0016 02 000000", BgpError.BadLength, false },          // UPDATE of 22 < 23
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0014 03 06", BgpError.NotificationTooShort, false },  // NOTIFICATION of 20 < 21
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0014 04 00", BgpError.KeepaliveBadLength, false },    // KEEPALIVE of 20
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0018 05 0001000000", BgpError.RouteRefreshBadLength, false },
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0017 05 00010001", BgpError.None, false },         // ROUTE-REFRESH
        { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 00", BgpError.Truncated, false },
    };

    [Theory]
    [MemberData(nameof(BgpHeaders))]
    public void BgpHeadersAreCheckedPerRfc4271(string hex, BgpError expected, bool extended) =>
        Assert.Equal(expected, BgpMessage.CheckHeader(Hex(hex), extended, out _, out _));

    [Fact]
    public void ExtendedMessagesAllowLengthsUpTo65535()
    {
        var update = BmpEncoder.UpdateRaw([], [], new byte[5000].Select((_, i) => (byte)(i % 2 == 0 ? 8 : 11)).ToArray());
        Assert.Equal(BgpError.BadLength, BgpMessage.CheckHeader(update, extended: false, out _, out _));
        Assert.Equal(BgpError.None, BgpMessage.CheckHeader(update, extended: true, out int length, out var type));
        Assert.Equal(update.Length, length);
        Assert.Equal(BgpMessageType.Update, type);
    }
}
