using PolicyKit.Bmp.Wire;
using static PolicyKit.Bmp.Tests.Support.Vectors;
using static PolicyKit.Bmp.Wire.BmpEncoder;

namespace PolicyKit.Bmp.Tests.Wire;

/// <summary>UPDATE decoding (RFC 4271, 4760, 6793, 7911) and every RFC 7606 error case, as byte vectors.</summary>
public sealed class UpdateDecoderTests
{
    private static readonly UpdateContext Four = UpdateContext.Default;
    private static readonly byte[] Wk = [];

    private static UpdateDecoder Decode(byte[] update, UpdateContext? context = null)
    {
        var decoder = new UpdateDecoder();
        decoder.Decode(update, context ?? Four);
        return decoder;
    }

    private static byte[] Base(params byte[][] more) => Concat([Origin(0), AsPathAttribute(true, 64500, 64501), NextHop(A("192.0.2.1")), .. more]);

    private static string[] Texts(PrefixList list) => list.AsSpan().ToArray().Select(p => p.ToString()).ToArray();

    [Fact]
    public void Ipv4AnnouncementsAndWithdrawals()
    {
        var d = Decode(Update([P("11.0.0.0/8")], [Base()], [P("12.1.0.0/16"), P("12.2.3.0/24"), P("0.0.0.0/0")]));
        Assert.Equal(UpdateAction.Apply, d.Action);
        Assert.Equal(["12.1.0.0/16", "12.2.3.0/24", "0.0.0.0/0"], Texts(d.Announced));
        Assert.Equal(["11.0.0.0/8"], Texts(d.Withdrawn));
        Assert.Equal(0, d.Origin);
        Assert.Equal("192.0.2.1", d.NextHop.ToString());
        Assert.Equal("64500 64501", d.AsPathText);
        Assert.False(d.IsEndOfRib);
    }

    [Fact]
    public void HostBitsBeyondTheLengthAreCleared()
    {
        // 10.1.2.3/16 on the wire is 16 0A 01; a sloppy encoder may send 24 bits: 10.1.2/16 becomes 10.1.0.0/16.
        var d = Decode(UpdateRaw([], Base(), Hex("10 0A01")));
        Assert.Equal(["10.1.0.0/16"], Texts(d.Announced));
        var bits = Decode(UpdateRaw([], Base(), Hex("0F 0A03")));
        Assert.Equal(["10.2.0.0/15"], Texts(bits.Announced));
    }

    [Fact]
    public void MpReachAndMpUnreachCarryIpv6()
    {
        var nextHop = Hex("20010DB8000000000000000000000001");
        var d = Decode(Update([], [Origin(0), AsPathAttribute(true, 64501), MpReach(2, 1, nextHop, [P("2001:db8:1::/48"), P("2a00::/12")]), MpUnreach(2, 1, [P("2a01:4f8::/32")])], []));
        Assert.Equal(UpdateAction.Apply, d.Action);
        Assert.Equal(["2001:db8:1::/48", "2a00::/12"], Texts(d.Announced));
        Assert.Equal(["2a01:4f8::/32"], Texts(d.Withdrawn));
        Assert.Equal("2001:db8::1", d.NextHop.ToString());
        Assert.Equal(RouteFamily.Ipv6Unicast, d.Announced[0].Family);
    }

    [Fact]
    public void MulticastSafiIsItsOwnFamily()
    {
        var d = Decode(Update([], [Origin(0), AsPathAttribute(true, 64501), MpReach(1, 2, U32(0x0A000001), [P("232.0.0.0/8")])], []));
        Assert.Equal(RouteFamily.Ipv4Multicast, Assert.Single(d.Announced.AsSpan().ToArray()).Family);
    }

    [Fact]
    public void AddPathIdentifiersAreReadWhenNegotiated()
    {
        var update = Update([P("11.0.0.0/8", 7)], [Base()], [P("12.0.0.0/8", 1), P("12.0.0.0/8", 2)], addPath: true);
        var d = Decode(update, new UpdateContext(true, AddPathFamilies.Ipv4Unicast, false));
        Assert.Equal(["12.0.0.0/8 path 1", "12.0.0.0/8 path 2"], Texts(d.Announced));
        Assert.Equal(["11.0.0.0/8 path 7"], Texts(d.Withdrawn));
        // Without ADD-PATH the same bytes are nonsense: a path id read as prefix lengths is refused.
        Assert.Equal(UpdateAction.SessionReset, Decode(update).Action);
    }

    [Fact]
    public void AddPathInMpReachIsPerFamily()
    {
        var nextHop = Hex("20010DB8000000000000000000000001");
        var update = Update([], [Origin(0), AsPathAttribute(true, 64501), MpReach(2, 1, nextHop, [P("2001:db8:1::/48", 9)], addPath: true)], []);
        var d = Decode(update, new UpdateContext(true, AddPathFamilies.Ipv6Unicast, false));
        Assert.Equal(["2001:db8:1::/48 path 9"], Texts(d.Announced));
    }

    [Fact]
    public void TwoOctetAsPathsWithAs4PathAreMergedPerRfc6793()
    {
        // AS_PATH 64500 23456 23456 (2-octet, AS_TRANS for the 4-octet ASes), AS4_PATH 4200000001 4200000002.
        var as4 = Attribute(PathAttribute.FlagOptional | PathAttribute.FlagTransitive, PathAttribute.As4Path, AsPath.Sequence(true, 4_200_000_001, 4_200_000_002));
        var update = Update([], [Origin(0), AsPathAttribute(false, 64500, 23456, 23456), NextHop(A("192.0.2.1")), as4], [P("12.0.0.0/8")]);
        var d = Decode(update, new UpdateContext(false, AddPathFamilies.None, false));
        Assert.Equal(UpdateAction.Apply, d.Action);
        Assert.Equal("64500 4200000001 4200000002", d.AsPathText);
        // Read as 4-octet, the same 2-octet path is malformed: treat-as-withdraw.
        Assert.Equal(UpdateAction.TreatAsWithdraw, Decode(update).Action);
    }

    [Fact]
    public void AsSetsAndConfederationsRender()
    {
        byte[] path = [.. AsPath.Sequence(true, 65001), 3, 1, 0, 0, 0xFD, 0xE9, 1, 2, 0, 0, 0xFB, 0xF4, 0, 0, 0xFB, 0xF5];
        Assert.Equal("65001 (65001) {64500,64501}", AsPath.Render(path, true, default));
        Assert.Equal(0u, AsPath.OriginAs(path, 4)); // ends in a set: no single origin
        Assert.Equal(64501u, AsPath.OriginAs(AsPath.Sequence(true, 64500, 64501), 4));
    }

    [Fact]
    public void EndOfRibMarkers()
    {
        Assert.True(Decode(UpdateRaw([], [], [])).IsEndOfRib);
        Assert.True(Decode(Update([], [MpUnreach(2, 1, [])], [])).IsEndOfRib);
        Assert.False(Decode(Update([], [MpUnreach(2, 1, [P("2001:db8::/32")])], [])).IsEndOfRib);
    }

    [Fact]
    public void EqualPathsHaveEqualAttributeKeysAndTheMpNextHopIsPartOfIt()
    {
        var a = Decode(Update([], [Base(Med(5))], [P("12.0.0.0/8")])).AttributeKey.ToArray();
        var b = Decode(Update([], [Base(Med(5))], [P("12.1.0.0/16"), P("12.2.0.0/16")])).AttributeKey.ToArray();
        var c = Decode(Update([], [Base(Med(6))], [P("12.0.0.0/8")])).AttributeKey.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        var nh1 = Decode(Update([], [Origin(0), AsPathAttribute(true, 1), MpReach(2, 1, Hex("20010DB8000000000000000000000001"), [P("2a00::/12")])], [])).AttributeKey.ToArray();
        var nh2 = Decode(Update([], [Origin(0), AsPathAttribute(true, 1), MpReach(2, 1, Hex("20010DB8000000000000000000000002"), [P("2a00::/12")])], [])).AttributeKey.ToArray();
        Assert.NotEqual(nh1, nh2);
    }

    // ── RFC 7606 ─────────────────────────────────────────────────────────────────────────

    private const byte Wt = PathAttribute.FlagTransitive;
    private const byte Ont = PathAttribute.FlagOptional;
    private const byte Ot = PathAttribute.FlagOptional | PathAttribute.FlagTransitive;

    public static TheoryData<string, byte[], BgpError, UpdateAction> Malformed => new()
    {
        // name, attributes (ORIGIN/AS_PATH/NEXT_HOP are added unless the case replaces them), error, action
        { "origin length 2", [.. Attribute(Wt, 1, [0, 0]), .. AsPathAttribute(true, 1), .. NextHop(A("192.0.2.1"))], BgpError.MalformedOrigin, UpdateAction.TreatAsWithdraw },
        { "origin value 3", [.. Attribute(Wt, 1, [3]), .. AsPathAttribute(true, 1), .. NextHop(A("192.0.2.1"))], BgpError.MalformedOrigin, UpdateAction.TreatAsWithdraw },
        { "origin marked optional", [.. Attribute(Ot, 1, [0]), .. AsPathAttribute(true, 1), .. NextHop(A("192.0.2.1"))], BgpError.AttributeFlagsConflict, UpdateAction.TreatAsWithdraw },
        { "as-path segment type 5", [.. Origin(0), .. Attribute(Wt, 2, [5, 1, 0, 0, 0, 1]), .. NextHop(A("192.0.2.1"))], BgpError.MalformedAsPath, UpdateAction.TreatAsWithdraw },
        { "as-path segment count 0", [.. Origin(0), .. Attribute(Wt, 2, [2, 0]), .. NextHop(A("192.0.2.1"))], BgpError.MalformedAsPath, UpdateAction.TreatAsWithdraw },
        { "as-path segment overrun", [.. Origin(0), .. Attribute(Wt, 2, [2, 2, 0, 0, 0, 1]), .. NextHop(A("192.0.2.1"))], BgpError.MalformedAsPath, UpdateAction.TreatAsWithdraw },
        { "next-hop length 5", [.. Origin(0), .. AsPathAttribute(true, 1), .. Attribute(Wt, 3, [1, 2, 3, 4, 5])], BgpError.MalformedNextHop, UpdateAction.TreatAsWithdraw },
        { "med length 3", Base(Attribute(Ont, 4, [0, 0, 1])), BgpError.MalformedMed, UpdateAction.TreatAsWithdraw },
        { "local-pref length 2", Base(Attribute(Wt, 5, [0, 1])), BgpError.MalformedLocalPref, UpdateAction.TreatAsWithdraw },
        { "atomic-aggregate length 1", Base(Attribute(Wt, 6, [1])), BgpError.MalformedAtomicAggregate, UpdateAction.AttributeDiscard },
        { "aggregator length 6 on a 4-octet session", Base(Attribute(Ot, 7, [0, 1, 1, 2, 3, 4])), BgpError.MalformedAggregator, UpdateAction.AttributeDiscard },
        { "communities length 3", Base(Attribute(Ot, 8, [0, 0, 1])), BgpError.MalformedCommunities, UpdateAction.TreatAsWithdraw },
        { "communities empty", Base(Attribute(Ot, 8, [])), BgpError.MalformedCommunities, UpdateAction.TreatAsWithdraw },
        { "originator-id length 3", Base(Attribute(Ont, 9, [1, 2, 3])), BgpError.MalformedOriginatorId, UpdateAction.TreatAsWithdraw },
        { "cluster-list length 6", Base(Attribute(Ont, 10, [1, 2, 3, 4, 5, 6])), BgpError.MalformedClusterList, UpdateAction.TreatAsWithdraw },
        { "extended communities length 7", Base(Attribute(Ot, 16, new byte[7])), BgpError.MalformedExtendedCommunities, UpdateAction.TreatAsWithdraw },
        { "as4-path segment type 9", Base(Attribute(Ot, 17, [9, 1, 0, 0, 0, 1])), BgpError.MalformedAs4Path, UpdateAction.AttributeDiscard },
        { "as4-aggregator length 6", Base(Attribute(Ot, 18, new byte[6])), BgpError.MalformedAs4Aggregator, UpdateAction.AttributeDiscard },
        { "large communities length 8", Base(Attribute(Ot, 32, new byte[8])), BgpError.MalformedLargeCommunities, UpdateAction.TreatAsWithdraw },
        { "only-to-customer length 2", Base(Attribute(Ot, 35, [0, 1])), BgpError.MalformedOnlyToCustomer, UpdateAction.TreatAsWithdraw },
        { "med marked transitive", Base(Attribute(Ot, 4, [0, 0, 0, 1])), BgpError.AttributeFlagsConflict, UpdateAction.TreatAsWithdraw },
        { "duplicate med", Base(Med(1), Med(2)), BgpError.DuplicateAttribute, UpdateAction.AttributeDiscard },
        { "duplicate mp-reach", Base(MpReach(2, 1, new byte[16], []), MpReach(2, 1, new byte[16], [])), BgpError.DuplicateMpAttribute, UpdateAction.SessionReset },
        { "mp-reach next hop length 5", Base(Attribute(Ont, 14, [0, 2, 1, 5, 1, 2, 3, 4, 5, 0])), BgpError.MalformedMpReach, UpdateAction.SessionReset },
        { "mp-reach next hop past the end", Base(Attribute(Ont, 14, [0, 2, 1, 16, 1, 2])), BgpError.MalformedMpReach, UpdateAction.SessionReset },
        { "mp-reach bad nlri", Base(Attribute(Ont, 14, [0, 2, 1, 16, .. new byte[16], 0, 129, 1])), BgpError.MalformedMpReach, UpdateAction.SessionReset },
        { "mp-reach marked transitive", Base(Attribute(Ot, 14, [0, 2, 1, 16, .. new byte[16], 0])), BgpError.AttributeFlagsConflict, UpdateAction.SessionReset },
        { "mp-unreach of 2 bytes", Base(Attribute(Ont, 15, [0, 2])), BgpError.MalformedMpUnreach, UpdateAction.SessionReset },
        { "mp-unreach bad nlri", Base(Attribute(Ont, 15, [0, 1, 1, 33, 1, 2, 3, 4, 5])), BgpError.MalformedMpUnreach, UpdateAction.SessionReset },
        { "unrecognized well-known 99", Base(Attribute(Wt, 99, [1])), BgpError.UnrecognizedWellKnown, UpdateAction.SessionReset },
        { "no next-hop with ipv4 nlri", [.. Origin(0), .. AsPathAttribute(true, 1)], BgpError.MissingWellKnown, UpdateAction.TreatAsWithdraw },
        { "no as-path", [.. Origin(0), .. NextHop(A("192.0.2.1"))], BgpError.MissingWellKnown, UpdateAction.TreatAsWithdraw },
        { "no attributes at all", [], BgpError.MissingWellKnown, UpdateAction.TreatAsWithdraw },
        { "attribute runs past the attributes", [.. Base(), 0x40, 5, 4, 0, 0], BgpError.AttributeHeaderOverrun, UpdateAction.TreatAsWithdraw },
        { "attribute header cut", [.. Base(), 0x40, 5], BgpError.AttributeHeaderOverrun, UpdateAction.TreatAsWithdraw },
        { "extended length cut", [.. Base(), 0x50, 5, 0], BgpError.AttributeHeaderOverrun, UpdateAction.TreatAsWithdraw },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Rfc7606Handling(string name, byte[] attributes, BgpError error, UpdateAction action)
    {
        var d = Decode(UpdateRaw(Prefixes([P("11.0.0.0/8")], false), attributes, Prefixes([P("12.0.0.0/8"), P("12.1.0.0/16")], false)));
        Assert.True(d.Errors.Contains(error), $"{name}: errors {string.Join(",", d.Errors.ToArray())}");
        Assert.Equal(action, d.Action);
        switch (action)
        {
            case UpdateAction.AttributeDiscard:
                Assert.Equal(["12.0.0.0/8", "12.1.0.0/16"], Texts(d.Announced));
                Assert.Equal(["11.0.0.0/8"], Texts(d.Withdrawn));
                Assert.True(d.DiscardedAttributes > 0);
                break;
            case UpdateAction.TreatAsWithdraw:
                Assert.Empty(Texts(d.Announced));
                Assert.Equal(["11.0.0.0/8", "12.0.0.0/8", "12.1.0.0/16"], Texts(d.Withdrawn));
                Assert.Equal(2, d.TreatedAsWithdraw);
                break;
            case UpdateAction.SessionReset:
                Assert.Empty(Texts(d.Announced));
                Assert.Empty(Texts(d.Withdrawn));
                break;
        }
    }

    [Fact]
    public void TheDiscardedAttributeIsNotInThePath()
    {
        var clean = Decode(Update([], [Base()], [P("12.0.0.0/8")])).AttributeKey.ToArray();
        var discarded = Decode(Update([], [Base(Attribute(Wt, 6, [1]))], [P("12.0.0.0/8")])).AttributeKey.ToArray();
        Assert.Equal(clean, discarded);
    }

    [Theory]
    [InlineData("0000 0004 0000", BgpError.AttributesLengthOverrun)]      // attributes length 4, 2 bytes left
    [InlineData("0006 0A00 0000", BgpError.WithdrawnLengthOverrun)]       // withdrawn length 6, 4 bytes left
    [InlineData("0000 0010 40010100", BgpError.AttributesLengthOverrun)]
    [InlineData("0000 0000 21 0A000000 00", BgpError.InvalidNlri)]         // /33
    [InlineData("0000 0000 18 0A00", BgpError.InvalidNlri)]                // /24 with 2 of 3 bytes
    [InlineData("0002 2100 0000", BgpError.InvalidNlri)]                   // withdrawn /33
    public void FramingErrorsInsideTheUpdateAreASessionReset(string bodyHex, BgpError error)
    {
        var d = Decode(Bgp(BgpMessageType.Update, Hex(bodyHex)));
        Assert.Equal(error, d.FirstError);
        Assert.Equal(UpdateAction.SessionReset, d.Action);
        Assert.Empty(Texts(d.Announced));
    }

    [Fact]
    public void AnUpdateHeaderThatIsNotAnUpdateIsReported()
    {
        Assert.Equal(BgpError.BadType, Decode(Bgp(BgpMessageType.Keepalive, [])).FirstError);
        Assert.Equal(BgpError.MarkerNotAllOnes, Decode(new byte[23]).FirstError);
    }

    [Fact]
    public void UnknownOptionalAttributesAreKeptAndCounted()
    {
        var d = Decode(Update([], [Base(Attribute(Ot, 250, [1, 2, 3]), Attribute(Ont, 251, []))], [P("12.0.0.0/8")]));
        Assert.Equal(UpdateAction.Apply, d.Action);
        Assert.Equal(2, d.UnknownAttributes);
        Assert.Equal(0, d.ErrorCount);
    }

    [Fact]
    public void OtherFamiliesAreCountedNotStored()
    {
        // AFI 1 SAFI 128 (VPNv4): validated at the attribute level only.
        var d = Decode(Update([], [Origin(0), AsPathAttribute(true, 1), Attribute(Ont, 14, [0, 1, 128, 12, .. new byte[12], 0, 88, 1, 2, 3]), Attribute(Ont, 15, [0, 1, 128, 5])], []));
        Assert.Equal(UpdateAction.Apply, d.Action);
        Assert.Equal(2, d.OtherFamilyAttributes);
        Assert.Empty(Texts(d.Announced));
    }

    [Fact]
    public void AnExtendedLengthAttributeOfAnyLengthIsRead()
    {
        var communities = Attribute(Ot, 8, Enumerable.Range(0, 100).SelectMany(i => U32((uint)i)).ToArray(), extendedLength: true);
        var d = Decode(Update([], [Base(communities)], [P("12.0.0.0/8")]));
        Assert.Equal(UpdateAction.Apply, d.Action);
        Assert.Equal(0, d.ErrorCount);
    }

    [Fact]
    public void ExtendedMessageUpdatesNeedTheCapability()
    {
        var nlri = Enumerable.Range(0, 1500).Select(i => P($"12.{i / 256}.{i % 256}.0/24")).ToList();
        var update = Update([], [Base()], nlri);
        Assert.True(update.Length > 4096);
        Assert.Equal(BgpError.BadLength, Decode(update).FirstError);
        var d = Decode(update, new UpdateContext(true, AddPathFamilies.None, true));
        Assert.Equal(UpdateAction.Apply, d.Action);
        Assert.Equal(1500, d.Announced.Count);
    }
}
