using System.Text;
using PolicyKit.Bmp.Analysis;
using PolicyKit.Bmp.Wire;
using static PolicyKit.Bmp.Tests.Support.Vectors;

namespace PolicyKit.Bmp.Tests.Origins;

/// <summary>RFC 6811 route origin validation over an <see cref="OriginTable"/>, and the origin AS of a path (RFC 6811 §2, RFC 6793).</summary>
public sealed class OriginValidationTests
{
    private static OriginTable Vrps(string json) => VrpJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json");

    private static readonly OriginTable Table = Vrps("""
        {"metadata":{"counts":6},"roas":[
          {"prefix":"203.0.113.0/24","maxLength":24,"asn":"AS64500"},
          {"prefix":"198.51.0.0/16","maxLength":20,"asn":64501},
          {"prefix":"198.51.0.0/16","maxLength":24,"asn":"AS64502"},
          {"prefix":"192.0.2.0/24","maxLength":24,"asn":"AS0"},
          {"prefix":"10.0.0.0/8","maxLength":8,"asn":"as4200000000"},
          {"prefix":"2001:db8::/32","maxLength":48,"asn":"AS64500"},
          {"prefix":"0.0.0.0/0","maxLength":0,"asn":"AS64999"}
        ]}
        """);

    [Theory]
    // Exact match, AS and length.
    [InlineData("203.0.113.0/24", 64500u, OriginState.Valid)]
    // Covered, another AS: invalid (the hijack).
    [InlineData("203.0.113.0/24", 64666u, OriginState.Invalid)]
    // More specific than maxLength: invalid even from the right AS.
    [InlineData("203.0.113.128/25", 64500u, OriginState.Invalid)]
    // Two covering ROAs: either may make it valid; maxLength per ROA.
    [InlineData("198.51.16.0/20", 64501u, OriginState.Valid)]
    [InlineData("198.51.16.0/24", 64501u, OriginState.Invalid)]
    [InlineData("198.51.16.0/24", 64502u, OriginState.Valid)]
    // AS 0 (RFC 6483 §4): covers, never matches — not even a route whose origin is 0.
    [InlineData("192.0.2.0/24", 0u, OriginState.Invalid)]
    // 4-octet AS.
    [InlineData("10.0.0.0/8", 4200000000u, OriginState.Valid)]
    [InlineData("10.0.0.0/8", 64500u, OriginState.Invalid)]
    // The 0.0.0.0/0-0 entry covers only the default route (maxLength 0), but it does cover every prefix: invalid elsewhere.
    [InlineData("0.0.0.0/0", 64999u, OriginState.Valid)]
    [InlineData("11.0.0.0/8", 64500u, OriginState.Invalid)]
    // IPv6.
    [InlineData("2001:db8:1::/48", 64500u, OriginState.Valid)]
    [InlineData("2001:db8:1::/49", 64500u, OriginState.Invalid)]
    [InlineData("2001:db8::/32", 64501u, OriginState.Invalid)]
    [InlineData("2001:db9::/32", 64501u, OriginState.NotFound)]
    [InlineData("2001:db8::/31", 64500u, OriginState.NotFound)]
    public void Rfc6811(string prefix, uint origin, OriginState expected) =>
        Assert.Equal(expected, Table.Validate(P(prefix), RouteOrigin.Of(origin)));

    [Fact]
    public void NotCoveredIsNotFound()
    {
        var noDefault = Vrps("""{"roas":[{"prefix":"203.0.113.0/24","maxLength":24,"asn":"AS64500"}]}""");
        Assert.Equal(OriginState.NotFound, noDefault.Validate(P("11.0.0.0/8"), RouteOrigin.Of(64500)));
        Assert.Equal(OriginState.NotFound, noDefault.Validate(P("203.0.112.0/23"), RouteOrigin.Of(64500))); // less specific than the ROA
        Assert.Equal(OriginState.NotFound, OriginTable.Empty.Validate(P("203.0.113.0/24"), RouteOrigin.Of(64500)));
    }

    [Fact]
    public void AnOriginOfNoneIsInvalidWhereCoveredAndNotFoundElsewhere()
    {
        var noDefault = Vrps("""{"roas":[{"prefix":"203.0.113.0/24","maxLength":24,"asn":"AS64500"}]}""");
        Assert.Equal(OriginState.Invalid, noDefault.Validate(P("203.0.113.0/24"), RouteOrigin.None));
        Assert.Equal(OriginState.NotFound, noDefault.Validate(P("11.0.0.0/8"), RouteOrigin.None));
    }

    [Fact]
    public void CoveringListsTheEntriesAnEventShows()
    {
        var covering = Table.Covering(P("198.51.16.0/24"));
        Assert.Equal(["0.0.0.0/0-0 AS64999", "198.51.0.0/16-20 AS64501", "198.51.0.0/16-24 AS64502"], covering.Select(c => c.ToString()).Order(StringComparer.Ordinal));
    }

    /// <summary>3,000 entries of many lengths; 30,000 of few (IPv4 runs over 4,096 entries of one length use the per-/16 block index).</summary>
    [Theory]
    [InlineData(3000, 8, 6811)]
    [InlineData(30000, 1, 16)]
    public void TheTableAgreesWithALinearScanOnRandomEntries(int count, int spread, int seed)
    {
        var random = new Random(seed);
        var entries = new List<OriginEntry>();
        for (int i = 0; i < count; i++)
        {
            bool v6 = random.Next(4) == 0;
            int width = v6 ? 128 : 32;
            int length = v6 ? random.Next(16, 49) : 24 - random.Next(0, spread * 2 + 1);
            UInt128 bits = v6 ? new UInt128(0x2001_0db8_0000_0000UL | (ulong)random.Next(0, 1 << 16) << 16, 0) : (uint)random.Next(0, 1 << 20) << 12;
            bits = RoutePrefix.Mask(bits, length, v6);
            entries.Add(new OriginEntry(new RoutePrefix(v6 ? RouteFamily.Ipv6Unicast : RouteFamily.Ipv4Unicast, bits, (byte)length, 0),
                (byte)random.Next(length, Math.Min(width, length + 8) + 1), (uint)random.Next(64500, 64510)));
        }
        var table = OriginTable.Build(entries);
        Assert.Equal(count, table.Count);
        for (int i = 0; i < 3000; i++)
        {
            var e = entries[random.Next(entries.Count)];
            bool v6 = e.Prefix.Family.IsIpv6();
            int length = random.Next(e.Prefix.Length, (v6 ? 64 : 32) + 1);
            var bits = RoutePrefix.Mask(e.Prefix.Bits | (v6 ? (UInt128)random.NextInt64() << 40 : (uint)random.Next() & 0xfff), length, v6);
            var route = new RoutePrefix(e.Prefix.Family, bits, (byte)length, 0);
            var origin = RouteOrigin.Of((uint)random.Next(64500, 64510));
            if (i % (count / 3000) != 0) continue;
            var covering = entries.Where(c => c.Prefix.Family == route.Family && c.Prefix.Length <= route.Length && RoutePrefix.Mask(route.Bits, c.Prefix.Length, v6) == c.Prefix.Bits).ToList();
            var expected = covering.Count == 0 ? OriginState.NotFound
                : covering.Any(c => c.As == origin.As && route.Length <= c.MaxLength) ? OriginState.Valid : OriginState.Invalid;
            Assert.Equal(expected, table.Validate(route, origin));
        }
    }

    [Fact]
    public void BuildRefusesEntriesItCannotHold()
    {
        Assert.Throws<ArgumentException>(() => OriginTable.Build([new OriginEntry(P("203.0.113.0/24"), 23, 64500)]));
        Assert.Throws<ArgumentException>(() => OriginTable.Build([new OriginEntry(new RoutePrefix(RouteFamily.Ipv4Unicast, 0xCB007101, 24, 0), 24, 64500)]));
    }

    // ── The origin AS of a path ──────────────────────────────────────────────────────────

    private static byte[] Segment(byte type, bool fourOctet, params uint[] ases)
    {
        var s = AsPath.Sequence(fourOctet, ases);
        s[0] = type;
        return s;
    }

    [Fact]
    public void TheOriginIsTheLastAsOfAFinalSequence()
    {
        Assert.Equal(RouteOrigin.Of(64500), RouteOrigin.From(AsPath.Sequence(true, 64496, 64510, 64500), true, default, 64496));
        Assert.Equal(RouteOrigin.Of(64500), RouteOrigin.From(Concat(Segment(AsPath.AsSet, true, 1, 2), AsPath.Sequence(true, 64500)), true, default, 1));
    }

    [Fact]
    public void AFinalAsSetIsNone() =>
        Assert.Equal(RouteOrigin.None, RouteOrigin.From(Concat(AsPath.Sequence(true, 64510), Segment(AsPath.AsSet, true, 64500, 64501)), true, default, 64496));

    [Fact]
    public void AnEmptyPathOrAFinalConfederationSegmentIsTheSpeakersOwnAs()
    {
        Assert.Equal(RouteOrigin.Of(64496), RouteOrigin.From(default, true, default, 64496));
        Assert.Equal(RouteOrigin.Of(64496), RouteOrigin.From(Concat(AsPath.Sequence(true, 64510), Segment(AsPath.ConfedSequence, true, 65001)), true, default, 64496));
    }

    [Fact]
    public void OnATwoOctetSessionTheOriginComesFromTheAs4Path()
    {
        var path = AsPath.Sequence(false, 64510, 23456);
        Assert.Equal(RouteOrigin.Of(4200000000), RouteOrigin.From(path, false, AsPath.Sequence(true, 4200000000), 64496));
        Assert.Equal(RouteOrigin.Of(23456), RouteOrigin.From(path, false, default, 64496));
        // An AS4_PATH longer than the AS_PATH is ignored (RFC 6793 §4.2.3).
        Assert.Equal(RouteOrigin.Of(23456), RouteOrigin.From(path, false, AsPath.Sequence(true, 1, 2, 3), 64496));
    }

    [Fact]
    public void AMalformedPathIsNone() => Assert.Equal(RouteOrigin.None, RouteOrigin.From([2, 3, 0, 1], true, default, 64496));
}
