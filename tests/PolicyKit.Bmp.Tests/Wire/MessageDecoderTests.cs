using PolicyKit.Bmp.Wire;
using static PolicyKit.Bmp.Tests.Support.Vectors;
using static PolicyKit.Bmp.Wire.BmpEncoder;

namespace PolicyKit.Bmp.Tests.Wire;

/// <summary>Byte vectors for every BMP message type other than Route Monitoring, well formed and malformed.</summary>
public sealed class MessageDecoderTests
{
    private static ReadOnlySpan<byte> Body(byte[] message) => message.AsSpan(BmpWire.CommonHeaderLength);

    [Fact]
    public void InitiationKeepsSysNameSysDescrStringsAndUnknownTlvs()
    {
        var message = Initiation("edge-2", "FRRouting 8.4.4", Tlv(0, "hello"), Tlv(9, [1, 2, 3]));
        var info = BmpMessages.DecodeInitiation(Body(message));
        Assert.Equal("edge-2", info.SysName);
        Assert.Equal("FRRouting 8.4.4", info.SysDescr);
        Assert.Equal(["hello"], info.Strings);
        var unknown = Assert.Single(info.Unknown);
        Assert.Equal(9, unknown.Type);
        Assert.Equal(new byte[] { 1, 2, 3 }, unknown.Value);
        Assert.Null(info.Error);
    }

    [Fact]
    public void InitiationWithATlvPastTheEndIsMalformedButKeepsWhatCameBefore()
    {
        var body = Concat(Tlv(2, "r1"), Hex("0001 0010 41"));
        var info = BmpMessages.DecodeInitiation(body);
        Assert.Equal("r1", info.SysName);
        Assert.NotNull(info.Error);
    }

    [Fact]
    public void ControlCharactersInStringsAreNeutralised()
    {
        var info = BmpMessages.DecodeInitiation(Tlv(2, "r1\u001b[31m\n"));
        Assert.Equal("r1?[31m?", info.SysName);
    }

    [Fact]
    public void TerminationReadsReasonAndText()
    {
        var info = BmpMessages.DecodeTermination(Body(Termination(2, "out of resources")));
        Assert.Equal((ushort)2, info.Reason);
        Assert.Equal(["out of resources"], info.Strings);
        Assert.NotNull(BmpMessages.DecodeTermination(Tlv(1, [0, 0, 1])).Error); // reason of 3 bytes
    }

    [Fact]
    public void PeerUpReadsBothOpensWithTheirCapabilities()
    {
        var message = PeerUpFor("192.0.2.1", 4_200_000_000, 0, AddPathCapability(1, 1, 3), Capability(6));
        var up = BmpMessages.DecodePeerUp(Body(message));
        Assert.Null(up.Error);
        Assert.Equal("192.0.2.1", up.Header.Address.ToString());
        Assert.Equal("192.0.2.254", up.LocalAddress.ToString());
        Assert.Equal(179, up.LocalPort);
        Assert.Equal(40000, up.RemotePort);
        var received = up.ReceivedOpen!;
        Assert.True(received.IsValid);
        Assert.Equal(4, received.Version);
        Assert.Equal(23456, received.MyAs); // AS_TRANS for a 4-octet AS
        Assert.True(received.FourOctetAs);
        Assert.Equal(4_200_000_000u, received.As);
        Assert.Equal(90, received.HoldTime);
        Assert.True(received.ExtendedMessage);
        Assert.Contains(((ushort)2, (byte)1), received.Multiprotocol);
        Assert.Equal(new AddPathEntry(1, 1, 3), Assert.Single(received.AddPath));
        Assert.Equal(AddPathFamilies.Ipv4Unicast, BgpOpen.AddPathFrom(received, up.SentOpen));
    }

    [Fact]
    public void AddPathNeedsSendOnOneSideAndReceiveOnTheOther()
    {
        var sendOnly = BgpOpen.Decode(Open(1, 90, 1, AddPathCapability(1, 1, 2)));
        var receiveOnly = BgpOpen.Decode(Open(2, 90, 2, AddPathCapability(1, 1, 1), AddPathCapability(2, 1, 1)));
        Assert.Equal(AddPathFamilies.Ipv4Unicast, BgpOpen.AddPathFrom(sendOnly, receiveOnly));
        Assert.Equal(AddPathFamilies.None, BgpOpen.AddPathFrom(receiveOnly, sendOnly));
    }

    [Fact]
    public void PeerUpWithAnRfc9069TableNameAndUnknownTlvs()
    {
        var sent = Open(64496, 90, 1);
        var message = PeerUp(PeerHeader("0.0.0.0", 0, 0, BmpPeerType.LocRib), A("0.0.0.0"), 0, 0, sent, sent, Tlv(3, "default"), Tlv(77, [7]));
        var up = BmpMessages.DecodePeerUp(Body(message));
        Assert.Null(up.Error);
        Assert.Equal("default", up.TableName);
        Assert.Equal(77, Assert.Single(up.Unknown).Type);
    }

    [Theory]
    [InlineData(41, "shorter than its per-peer header")]
    [InlineData(50, "without local address and ports")]
    public void PeerUpTooShort(int length, string error) =>
        Assert.Contains(error, BmpMessages.DecodePeerUp(new byte[length]).Error);

    [Fact]
    public void PeerUpWhoseSentOpenHeaderIsBrokenCannotLocateTheRest()
    {
        var good = PeerUpFor("192.0.2.1");
        var bad = (byte[])good.Clone();
        bad[BmpWire.CommonHeaderLength + 42 + 20] = 0; // first marker byte of the sent OPEN
        Assert.Contains("sent OPEN: marker-not-all-ones", BmpMessages.DecodePeerUp(Body(bad)).Error);
        var notOpen = PeerUp(PeerHeader("192.0.2.1"), A("192.0.2.254"), 179, 1, Bgp(BgpMessageType.Keepalive, []), Open(1, 90, 1));
        Assert.Contains("sent OPEN: bad-type", BmpMessages.DecodePeerUp(Body(notOpen)).Error);
    }

    public static TheoryData<string, BgpError> Opens => new()
    {
        { "03 FDE8 005A C0000201 00", BgpError.OpenUnsupportedVersion },
        { "04 FDE8 0001 C0000201 00", BgpError.OpenUnacceptableHoldTime },
        { "04 FDE8 0002 C0000201 00", BgpError.OpenUnacceptableHoldTime },
        { "04 FDE8 0000 C0000201 00", BgpError.None },                       // hold time 0: no keepalives, allowed
        { "04 FDE8 0003 C0000201 00", BgpError.None },
        { "04 FDE8 005A 00000000 00", BgpError.OpenBadBgpId },
        { "04 FDE8 005A C0000201 05 0206 0104", BgpError.OpenMalformedParameters }, // declares 5, carries 4
        { "04 FDE8 005A C0000201 04 0206 0104", BgpError.OpenMalformedParameters }, // parameter value runs past
        { "04 FDE8 005A C0000201 04 0202 0108", BgpError.OpenMalformedCapability }, // capability value runs past
        { "04 FDE8 005A C0000201 05 0203 410100", BgpError.OpenMalformedCapability }, // AS4 capability of 1 byte
        { "04 FDE8 005A C0000201 04 0102 0000", BgpError.None },              // deprecated authentication parameter: counted
    };

    [Theory]
    [MemberData(nameof(Opens))]
    public void OpenChecksPerRfc4271(string bodyHex, BgpError expected) =>
        Assert.Equal(expected, BgpOpen.Decode(Bgp(BgpMessageType.Open, Hex(bodyHex))).Error);

    [Fact]
    public void Rfc9072ExtendedOptionalParametersAreRead()
    {
        // Non-Ext OP Len 255, Non-Ext OP Type 255, then a 2-byte length and parameters with 2-byte lengths.
        var caps = Concat(FourOctetAsCapability(65551), AddPathCapability(2, 1, 2));
        var parameter = Concat([2, 0, (byte)caps.Length], caps);
        var body = Concat(Hex("04 5BA0 005A C0000201 FF FF"), [0, (byte)parameter.Length], parameter);
        var open = BgpOpen.Decode(Bgp(BgpMessageType.Open, body));
        Assert.Equal(BgpError.None, open.Error);
        Assert.Equal(65551u, open.As);
        Assert.True(Assert.Single(open.AddPath).CanSend);
    }

    [Theory]
    [InlineData(1, "local-notification cease/administrative-shutdown")]
    [InlineData(3, "remote-notification cease/administrative-shutdown")]
    public void PeerDownWithANotification(byte reason, string text)
    {
        var down = BmpMessages.DecodePeerDown(Body(PeerDown(PeerHeader("192.0.2.1"), reason, Notification(6, 2))));
        Assert.Null(down.Error);
        Assert.Equal(reason, down.Reason);
        Assert.Equal(text, down.ReasonText);
    }

    [Fact]
    public void PeerDownReasonsWithoutANotification()
    {
        var fsm = BmpMessages.DecodePeerDown(Body(PeerDown(PeerHeader("192.0.2.1"), 2, 0, 18)));
        Assert.Equal((ushort)18, fsm.FsmEvent);
        Assert.Equal("local-no-notification fsm-event 18", fsm.ReasonText);
        Assert.Equal("remote-no-data", BmpMessages.DecodePeerDown(Body(PeerDown(PeerHeader("192.0.2.1"), 4))).ReasonText);
        Assert.Equal("peer-deconfigured", BmpMessages.DecodePeerDown(Body(PeerDown(PeerHeader("192.0.2.1"), 5))).ReasonText);
        var locRib = BmpMessages.DecodePeerDown(Body(PeerDown(PeerHeader("0.0.0.0", 0, 0, BmpPeerType.LocRib), 6, Tlv(3, "default"))));
        Assert.Null(locRib.Error);
        Assert.Equal("local-system-closed", locRib.ReasonText);
        Assert.Single(locRib.Unknown);
        var unknown = BmpMessages.DecodePeerDown(Body(PeerDown(PeerHeader("192.0.2.1"), 99)));
        Assert.True(unknown.UnknownReason);
        Assert.Null(unknown.Error);
    }

    [Fact]
    public void MalformedPeerDowns()
    {
        Assert.NotNull(BmpMessages.DecodePeerDown(Body(PeerDown(PeerHeader("192.0.2.1"), 1, Hex("FFFF")))).Error); // not a NOTIFICATION
        Assert.NotNull(BmpMessages.DecodePeerDown(Body(PeerDown(PeerHeader("192.0.2.1"), 2, 1))).Error);           // FSM code of 1 byte
        Assert.NotNull(BmpMessages.DecodePeerDown(new byte[42]).Error);                                             // no reason
    }

    [Fact]
    public void StatisticsKeepCountersGaugesPerFamilyGaugesAndVendorTypes()
    {
        var report = Statistics(PeerHeader("192.0.2.1"),
            (0, U32(3)), (7, U64(1_000_000)), (9, [0, 2, 1, .. U64(42)]), (65531, U32(17)), (12, U32(2)));
        var stats = BmpMessages.DecodeStatistics(Body(report));
        Assert.Null(stats.Error);
        Assert.Equal(5u, stats.DeclaredCount);
        Assert.Contains(new Statistic(0, 3, 0, 0), stats.Counters);
        Assert.Contains(new Statistic(7, 1_000_000, 0, 0), stats.Counters);
        Assert.Contains(new Statistic(9, 42, 2, 1), stats.Counters);
        Assert.Contains(new Statistic(12, 2, 0, 0), stats.Counters);
        var vendor = Assert.Single(stats.Unknown);
        Assert.Equal(65531, vendor.Type);
    }

    [Fact]
    public void StatisticsOfTheWrongSizeOrCountAreKeptAndFlagged()
    {
        var wrongSize = BmpMessages.DecodeStatistics(Body(Statistics(PeerHeader("192.0.2.1"), (7, U32(5)))));
        Assert.Contains("type 7 has 4 bytes", wrongSize.Error);
        Assert.Single(wrongSize.Unknown);

        var body = Body(Statistics(PeerHeader("192.0.2.1"), (0, U32(1)))).ToArray();
        body[45] = 3; // declares 3 counters, carries 1
        Assert.Contains("declares 3", BmpMessages.DecodeStatistics(body).Error);
        Assert.Contains("past the end", BmpMessages.DecodeStatistics(Concat(PeerHeader("192.0.2.1"), U32(1), Hex("0000 0008 0000"))).Error);
        Assert.NotNull(BmpMessages.DecodeStatistics(new byte[44]).Error);
    }

    [Fact]
    public void RouteMirroringChecksTheMirroredPdusAndReadsInformationCodes()
    {
        var keepalive = Bgp(BgpMessageType.Keepalive, []);
        var broken = (byte[])keepalive.Clone();
        broken[0] = 0;
        var message = RouteMirroring(PeerHeader("192.0.2.1"), Tlv(0, keepalive), Tlv(0, broken), Tlv(1, [0, 1]), Tlv(5, [9]));
        var mirror = BmpMessages.DecodeRouteMirroring(Body(message));
        Assert.Null(mirror.Error);
        Assert.Equal([(BgpError.None, BgpMessageType.Keepalive), (BgpError.MarkerNotAllOnes, (BgpMessageType)0)], mirror.Messages);
        Assert.Equal([(ushort)1], mirror.InformationCodes);
        Assert.Single(mirror.Unknown);
        Assert.NotNull(BmpMessages.DecodeRouteMirroring(new byte[10]).Error);
    }
}
