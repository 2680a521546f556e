using PolicyKit.Packets.Membership;
using PolicyKit.Packets.Tests.Support;

namespace PolicyKit.Packets.Tests.Decoding;

public class IgmpDecodeTests
{
    [Fact]
    public void V1_report_is_an_asm_join()
    {
        var m = Decoded.Ok(Build.V4(Build.Igmp(0x12, 0, "239.1.2.3"), dst: "239.1.2.3", routerAlert: false));
        Assert.Equal(MembershipKind.Report, m.Kind);
        Assert.Equal(1, m.Version);
        Assert.Equal(PacketAddress.Parse("239.1.2.3"), m.Group);
        Assert.False(m.HasRouterAlert);
        Assert.Equal(1, m.MaskLength);
        Assert.Equal(["join(*,239.1.2.3)"], Decoded.Changes(m));
        var c = Assert.Single(m.Changes);
        Assert.Equal((0, -1, 0), (c.RecordIndex, c.SourceIndex, c.MaskIndex));
        Assert.False(c.IsFromRecord);
    }

    [Fact]
    public void V2_report_and_leave()
    {
        var report = Decoded.Ok(Build.V4(Build.Igmp(0x16, 0, "239.0.0.9"), dst: "239.0.0.9"));
        Assert.Equal((MembershipKind.Report, 2), (report.Kind, report.Version));
        Assert.True(report.HasRouterAlert);
        Assert.Equal(1, report.HopLimit);
        Assert.Equal(PacketAddress.Parse("10.0.0.2"), report.Source);
        Assert.Equal(["join(*,239.0.0.9)"], Decoded.Changes(report));

        var leave = Decoded.Ok(Build.V4(Build.Igmp(0x17, 0, "239.0.0.9"), dst: "224.0.0.2"));
        Assert.Equal((MembershipKind.Leave, 2), (leave.Kind, leave.Version));
        Assert.Equal(PacketAddress.Parse("224.0.0.2"), leave.Destination);
        Assert.Equal(["leave(*,239.0.0.9)"], Decoded.Changes(leave));
    }

    [Theory]
    [InlineData(0, 1)]   // 8 bytes, max resp 0: IGMPv1 query (RFC 3376 §7.1)
    [InlineData(100, 2)] // 8 bytes, max resp ≠ 0: IGMPv2
    public void V1_and_v2_queries(byte maxResp, int version)
    {
        var m = Decoded.Ok(Build.V4(Build.Igmp(0x11, maxResp, "0.0.0.0"), dst: "224.0.0.1"));
        Assert.Equal((MembershipKind.Query, version), (m.Kind, m.Version));
        Assert.Equal(PacketAddress.Parse("0.0.0.0"), m.Group);
        Assert.Empty(m.Changes);
        Assert.Equal(0, m.MaskLength);
    }

    [Fact]
    public void V3_group_and_source_specific_query()
    {
        var packet = Build.V4(Build.IgmpV3Query("232.1.1.1", 50, "192.0.2.1", "192.0.2.2"), dst: "232.1.1.1");
        Assert.Equal(DecodeStatus.Ok, MembershipDecoder.Decode(packet, out var m));
        Assert.Equal((MembershipKind.Query, 3), (m.Kind, m.Version));
        Assert.Equal(PacketAddress.Parse("232.1.1.1"), m.Group);
        Assert.Equal(2, m.QuerySourceCount);
        Assert.Equal(PacketAddress.Parse("192.0.2.2"), m.QuerySources[1]);
        Assert.Equal(50, m.MaxResponseCode);
        Assert.Equal(0, MembershipSemantics.Count(m));
    }

    [Fact]
    public void V3_report_with_several_records_sources_and_aux_data()
    {
        var packet = Build.V4(Build.IgmpV3Report(
            new Rec(4, "239.1.1.1", []),
            new Rec(5, "232.1.1.1", ["192.0.2.1", "192.0.2.2"], AuxWords: 2),
            new Rec(6, "232.1.1.2", ["192.0.2.3"])));
        Assert.Equal(DecodeStatus.Ok, MembershipDecoder.Decode(packet, out var m));
        Assert.Equal((MembershipKind.RecordReport, 3, 3), (m.Kind, m.Version, m.RecordCount));
        Assert.Equal(1 + 3 + 2, m.MaskLength);

        var seen = new List<string>();
        foreach (var r in m.Records)
            seen.Add($"{r.Index}:{GroupRecordTypes.ShortName(r.Type)}:{r.Group}:{r.SourceCount}:{r.AuxDataLength}:{r.MaskIndex}:{r.Length}");
        Assert.Equal(["0:to_ex:239.1.1.1:0:0:0:8", "1:allow:232.1.1.1:2:8:1:24", "2:block:232.1.1.2:1:0:4:12"], seen);

        Assert.Equal(["join(*,239.1.1.1)", "join(192.0.2.1,232.1.1.1)", "join(192.0.2.2,232.1.1.1)", "leave(192.0.2.3,232.1.1.2)"],
            Decoded.Changes(Decoded.Ok(packet)));
        var slots = new List<(int, int, int)>();
        foreach (var c in m.Changes) slots.Add((c.RecordIndex, c.SourceIndex, c.MaskIndex));
        Assert.Equal([(0, -1, 0), (1, 0, 2), (1, 1, 3), (2, 0, 5)], slots);
    }

    [Fact]
    public void Ipv4_options_are_walked_and_router_alert_found_among_others()
    {
        // NOP, Router Alert, End of options, padding.
        var packet = Build.V4(Build.Igmp(0x16, 0, "239.0.0.1"), options: [1, 148, 4, 0, 0, 0, 0, 0]);
        Assert.True(Decoded.Ok(packet).HasRouterAlert);
        Assert.Equal(DecodeStatus.Ok, IpHeader.Parse(packet, out var ip));
        Assert.Equal(28, ip.HeaderLength);
        Assert.Equal(8, ip.PayloadLength);
    }

    [Fact]
    public void Link_padding_after_the_ip_length_is_ignored()
    {
        var packet = Build.V4(Build.Igmp(0x16, 0, "239.0.0.1"), padding: 18);
        Assert.Equal(DecodeStatus.Ok, MembershipDecoder.Decode(packet, out var m));
        Assert.Equal(packet.Length - 18, m.Packet.Length);
    }

    [Fact]
    public void Additional_data_after_records_is_covered_by_the_checksum_and_otherwise_ignored()
    {
        var packet = Build.V4(Build.Records(false, [Rec.Of(4, "239.1.1.1")], additional: [1, 2, 3, 4, 5]));
        Assert.Equal(["join(*,239.1.1.1)"], Decoded.Changes(packet));
        packet[^1] ^= 0xFF;
        Assert.Equal(DecodeStatus.BadChecksum, Decoded.Status(packet));
    }

    [Fact]
    public void Bad_igmp_checksum_is_refused()
    {
        var packet = Build.V4(Build.Igmp(0x16, 0, "239.0.0.1"));
        packet[^1] ^= 1; // group changes, checksum does not
        Assert.Equal(DecodeStatus.BadChecksum, Decoded.Status(packet));
        Assert.Equal(DecodeStatus.Ok, Decoded.Status(packet, DecodeOptions.SkipMessageChecksum));
    }

    [Fact]
    public void Bad_ipv4_header_checksum_is_refused_unless_skipped()
    {
        var packet = Build.V4(Build.Igmp(0x16, 0, "239.0.0.1"));
        packet[8] = 2; // TTL changed, header checksum not updated
        Assert.Equal(DecodeStatus.BadIpChecksum, Decoded.Status(packet));
        Assert.Equal(DecodeStatus.Ok, Decoded.Status(packet, DecodeOptions.SkipIpv4HeaderChecksum));
    }

    [Theory]
    [InlineData(0x13)] // DVMRP
    [InlineData(0x14)] // PIMv1
    [InlineData(0x1e)] // mtrace response
    public void Other_igmp_types_are_recognised_as_other(byte type)
    {
        var m = Decoded.Ok(Build.V4(Build.Igmp(type, 0, "0.0.0.0")));
        Assert.Equal(MembershipKind.OtherIgmp, m.Kind);
        Assert.Equal(type, m.MessageType);
        Assert.Empty(m.Changes);
    }

    [Fact]
    public void Udp_is_not_membership_and_a_fragment_is_refused()
    {
        Assert.Equal(DecodeStatus.NotMembership, Decoded.Status(Build.V4(new byte[12], protocol: 17, routerAlert: false)));
        var fragment = Build.V4(Build.Igmp(0x16, 0, "239.0.0.1"));
        fragment[6] = 0x20; // more fragments
        Build.SetChecksum(fragment.AsSpan(0, 24), 10);
        Assert.Equal(DecodeStatus.Fragmented, Decoded.Status(fragment));
    }

    [Fact]
    public void Unknown_record_type_is_kept_as_a_record_and_means_nothing()
    {
        var packet = Build.V4(Build.IgmpV3Report(Rec.Of(7, "239.1.1.1", "192.0.2.1"), Rec.Of(4, "239.1.1.2")));
        var m = Decoded.Ok(packet);
        Assert.Equal(2, m.Records.Count);
        Assert.Equal(7, m.Records[0].RawType);
        Assert.Equal(["join(*,239.1.1.2)"], Decoded.Changes(m));
        Assert.Equal(2, m.Changes[0].MaskIndex);
    }
}
