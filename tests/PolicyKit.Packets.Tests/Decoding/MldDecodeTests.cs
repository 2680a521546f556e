using PolicyKit.Packets.Membership;
using PolicyKit.Packets.Tests.Support;

namespace PolicyKit.Packets.Tests.Decoding;

public class MldDecodeTests
{
    [Fact]
    public void Mldv1_report_and_done()
    {
        var report = Decoded.Ok(Build.V6(Build.Mld(131, "ff15::1"), dst: "ff15::1"));
        Assert.Equal((IpFamily.V6, MembershipKind.Report, 1), (report.Family, report.Kind, report.Version));
        Assert.True(report.HasRouterAlert);
        Assert.Equal(PacketAddress.Parse("fe80::2"), report.Source);
        Assert.Equal(["join(*,ff15::1)"], Decoded.Changes(report));

        var done = Decoded.Ok(Build.V6(Build.Mld(132, "ff15::1"), dst: "ff02::2"));
        Assert.Equal(MembershipKind.Leave, done.Kind);
        Assert.Equal(["leave(*,ff15::1)"], Decoded.Changes(done));
    }

    [Fact]
    public void Mld_queries_v1_and_v2()
    {
        var v1 = Decoded.Ok(Build.V6(Build.Mld(130, "::", 1000), src: "fe80::1", dst: "ff02::1"));
        Assert.Equal((MembershipKind.Query, 1), (v1.Kind, v1.Version));
        Assert.Equal(PacketAddress.Parse("::"), v1.Group);

        var packet = Build.V6(Build.MldV2Query("ff3e::8000:1", "2001:db8::1"), src: "fe80::1", dst: "ff3e::8000:1");
        Assert.Equal(DecodeStatus.Ok, MembershipDecoder.Decode(packet, out var v2));
        Assert.Equal((MembershipKind.Query, 2, 1), (v2.Kind, v2.Version, v2.QuerySourceCount));
        Assert.Equal(PacketAddress.Parse("2001:db8::1"), v2.QuerySources[0]);
        Assert.Equal(1000, v2.MaxResponseCode);
    }

    [Fact]
    public void Mldv2_report_with_all_record_types()
    {
        var m = Decoded.Ok(Build.V6(Build.MldV2Report(
            Rec.Of(1, "ff3e::1", "2001:db8::1"),
            Rec.Of(2, "ff15::2", "2001:db8::9"),
            Rec.Of(3, "ff15::3", "2001:db8::3"),
            Rec.Of(4, "ff15::4"),
            Rec.Of(5, "ff3e::5", "2001:db8::5", "2001:db8::6"),
            Rec.Of(6, "ff3e::6", "2001:db8::7"))));
        Assert.Equal((MembershipKind.RecordReport, 2, 6), (m.Kind, m.Version, m.Records.Count));
        Assert.Equal(
        [
            "join(2001:db8::1,ff3e::1)",
            "join(*,ff15::2)",
            "leave(*,ff15::3)", "join(2001:db8::3,ff15::3)",
            "join(*,ff15::4)",
            "join(2001:db8::5,ff3e::5)", "join(2001:db8::6,ff3e::5)",
            "leave(2001:db8::7,ff3e::6)",
        ], Decoded.Changes(m));
    }

    [Fact]
    public void Extension_headers_are_skipped_generically()
    {
        // hop-by-hop (RA) → destination options (PadN) → routing (type 0, 0 segments left) → fragment (atomic) → ICMPv6
        var packet = Build.V6(Build.MldV2Report(Rec.Of(4, "ff15::7")), extra:
        [
            (60, [1, 4, 0, 0, 0, 0]),
            (43, [0, 0, 0, 0, 0, 0]),
        ]);
        var m = Decoded.Ok(packet);
        Assert.Equal(["join(*,ff15::7)"], Decoded.Changes(m));
        Assert.Equal(DecodeStatus.Ok, IpHeader.Parse(packet, out var ip));
        Assert.Equal(40 + 8 + 8 + 8, ip.PayloadOffset);
        Assert.Equal(IpHeader.ProtocolIcmpV6, ip.Protocol);
    }

    [Fact]
    public void Without_hop_by_hop_there_is_no_router_alert()
    {
        var m = Decoded.Ok(Build.V6(Build.Mld(131, "ff15::1"), dst: "ff15::1", hopByHopRouterAlert: false));
        Assert.False(m.HasRouterAlert);
    }

    [Fact]
    public void Checksum_covers_the_pseudo_header()
    {
        var packet = Build.V6(Build.Mld(131, "ff15::1"), dst: "ff15::1");
        Assert.Equal(DecodeStatus.Ok, Decoded.Status(packet));
        packet[23] ^= 1; // source address changes: the pseudo-header no longer matches
        Assert.Equal(DecodeStatus.BadChecksum, Decoded.Status(packet));
        Assert.Equal(DecodeStatus.Ok, Decoded.Status(packet, DecodeOptions.SkipMessageChecksum));
    }

    [Theory]
    [InlineData(135)] // neighbour solicitation
    [InlineData(128)] // echo request
    public void Other_icmpv6_is_not_membership(byte type)
    {
        var icmp = new byte[24];
        icmp[0] = type;
        Assert.Equal(DecodeStatus.NotMembership, Decoded.Status(Build.V6(icmp, hopByHopRouterAlert: false)));
    }

    [Fact]
    public void A_non_atomic_fragment_is_refused()
    {
        var packet = Build.V6(Build.Mld(131, "ff15::1"), extra: [(44, [0, 1, 0, 0, 0, 1])]); // more fragments
        Assert.Equal(DecodeStatus.Fragmented, Decoded.Status(packet));
    }
}
