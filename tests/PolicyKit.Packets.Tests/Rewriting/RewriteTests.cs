using PolicyKit.Packets.Membership;
using PolicyKit.Packets.Tests.Support;

namespace PolicyKit.Packets.Tests.Rewriting;

public class RewriteTests
{
    private static (RewriteOutcome Outcome, byte[] Packet) Rewrite(byte[] packet, Func<MembershipChange, bool> keepChange,
        Action<bool[]>? adjust = null)
    {
        Assert.Equal(DecodeStatus.Ok, MembershipDecoder.Decode(packet, out var m));
        var keep = new bool[m.MaskLength];
        Array.Fill(keep, true);
        foreach (var c in m.Changes) if (!keepChange(c)) keep[c.MaskIndex] = false;
        adjust?.Invoke(keep);
        var destination = new byte[packet.Length];
        var outcome = ReportRewriter.Rewrite(m, keep, destination, out var written);
        if (outcome != RewriteOutcome.Rewritten) Assert.Equal(0, written);
        return (outcome, destination[..written]);
    }

    [Fact]
    public void Denied_asm_record_is_removed_from_a_packed_igmpv3_report()
    {
        var packet = Build.V4(Build.IgmpV3Report(Rec.Of(4, "239.1.1.1"), Rec.Of(4, "239.1.1.2"), Rec.Of(4, "239.1.1.3")));
        var (outcome, output) = Rewrite(packet, c => c.Group != PacketAddress.Parse("239.1.1.2"));
        Assert.Equal(RewriteOutcome.Rewritten, outcome);
        Assert.Equal(packet.Length - 8, output.Length);
        RewriteModel.AssertValid(output);
        var m = Decoded.Ok(output);
        Assert.Equal(["join(*,239.1.1.1)", "join(*,239.1.1.3)"], Decoded.Changes(m));
        Assert.True(m.HasRouterAlert); // options kept
        Assert.Equal(packet[..2], output[..2]);       // version/IHL, TOS
        Assert.Equal(packet[4..10], output[4..10]);   // id, flags, TTL, protocol
        Assert.Equal(packet[12..24], output[12..24]); // addresses and the RA option
    }

    [Fact]
    public void Denied_source_is_removed_and_the_source_count_updated()
    {
        var packet = Build.V4(Build.IgmpV3Report(new Rec(5, "232.1.1.1", ["192.0.2.1", "192.0.2.2", "192.0.2.3"], AuxWords: 1)));
        var (outcome, output) = Rewrite(packet, c => c.Source != PacketAddress.Parse("192.0.2.2"));
        Assert.Equal(RewriteOutcome.Rewritten, outcome);
        RewriteModel.AssertValid(output);
        var m = Decoded.Ok(output);
        Assert.Equal(["join(192.0.2.1,232.1.1.1)", "join(192.0.2.3,232.1.1.1)"], Decoded.Changes(m));
        Assert.Equal(4, m.Records[0].AuxDataLength);
        Assert.Equal(packet[^4..], output[^4..]); // aux data kept
    }

    [Theory]
    [InlineData(1)] // IS_IN
    [InlineData(5)] // ALLOW
    [InlineData(6)] // BLOCK
    public void A_source_record_with_every_source_denied_is_removed(int type)
    {
        var packet = Build.V4(Build.IgmpV3Report(Rec.Of(type, "232.1.1.1", "192.0.2.1", "192.0.2.2"), Rec.Of(4, "239.1.1.1")));
        var (outcome, output) = Rewrite(packet, c => c.Group != PacketAddress.Parse("232.1.1.1"));
        Assert.Equal(RewriteOutcome.Rewritten, outcome);
        var m = Decoded.Ok(output);
        Assert.Equal(["join(*,239.1.1.1)"], Decoded.Changes(m));
        Assert.Single(m.Records);
    }

    [Fact]
    public void To_in_with_every_source_denied_stays_a_leave()
    {
        var packet = Build.V4(Build.IgmpV3Report(Rec.Of(3, "232.1.1.1", "192.0.2.1", "192.0.2.2")));
        var (outcome, output) = Rewrite(packet, c => c.Kind == ChangeKind.Leave);
        Assert.Equal(RewriteOutcome.Rewritten, outcome);
        RewriteModel.AssertValid(output);
        Assert.Equal(["leave(*,232.1.1.1)"], Decoded.Changes(output));
    }

    [Fact]
    public void Exclude_record_sources_are_never_removed()
    {
        var packet = Build.V4(Build.IgmpV3Report(Rec.Of(2, "239.1.1.1", "192.0.2.1")));
        var (outcome, _) = Rewrite(packet, _ => true, keep => keep[1] = false);
        Assert.Equal(RewriteOutcome.Unchanged, outcome);
    }

    [Fact]
    public void Everything_denied_means_drop()
    {
        var packet = Build.V4(Build.IgmpV3Report(Rec.Of(4, "239.1.1.1"), Rec.Of(5, "232.1.1.1", "192.0.2.1")));
        Assert.Equal(RewriteOutcome.NothingKept, Rewrite(packet, _ => false).Outcome);
        Assert.Equal(RewriteOutcome.Unchanged, Rewrite(packet, _ => true).Outcome);
    }

    [Theory]
    [InlineData("igmpv2-report")]
    [InlineData("igmpv2-leave")]
    [InlineData("igmpv1-report")]
    [InlineData("mldv1-report")]
    [InlineData("mldv1-done")]
    public void Single_group_messages_are_kept_or_dropped_whole(string sample)
    {
        var packet = Samples.Get(sample);
        Assert.Equal(RewriteOutcome.Unchanged, Rewrite(packet, _ => true).Outcome);
        Assert.Equal(RewriteOutcome.NothingKept, Rewrite(packet, _ => false).Outcome);
    }

    [Fact]
    public void Queries_are_never_rewritten()
    {
        Assert.Equal(DecodeStatus.Ok, MembershipDecoder.Decode(Samples.Get("igmpv3-query"), out var m));
        Assert.Equal(RewriteOutcome.Unchanged, ReportRewriter.Rewrite(m, [], new byte[100], out _));
    }

    [Fact]
    public void Short_mask_and_short_destination_are_refused()
    {
        var packet = Samples.Get("igmpv3-mixed");
        Assert.Equal(DecodeStatus.Ok, MembershipDecoder.Decode(packet, out var m));
        var keep = new bool[m.MaskLength];
        Assert.Equal(RewriteOutcome.MaskTooShort, ReportRewriter.Rewrite(m, keep.AsSpan(1), new byte[packet.Length], out _));
        keep[0] = true;
        Assert.Equal(RewriteOutcome.DestinationTooSmall, ReportRewriter.Rewrite(m, keep, new byte[packet.Length - 1], out _));
    }

    [Fact]
    public void Mldv2_rewrite_keeps_extension_headers_and_fixes_length_and_checksum()
    {
        var packet = Samples.Get("mldv2-extension-headers");
        var (outcome, output) = Rewrite(packet, c => c.Source != PacketAddress.Parse("2001:db8::1"));
        Assert.Equal(RewriteOutcome.Rewritten, outcome);
        Assert.Equal(packet.Length - 16, output.Length);
        RewriteModel.AssertValid(output);
        Assert.Equal(packet[..(40 + 16)], output[..(40 + 16)].Select((b, i) => i is 4 or 5 ? packet[i] : b).ToArray());
        var m = Decoded.Ok(output);
        Assert.True(m.HasRouterAlert);
        Assert.Equal(["join(*,ff15::1)", "join(2001:db8::2,ff3e::2)"], Decoded.Changes(m));
    }

    [Fact]
    public void Additional_data_is_kept()
    {
        var packet = Samples.Get("igmpv3-additional-data");
        var (outcome, output) = Rewrite(packet, c => c.IsAsm);
        Assert.Equal(RewriteOutcome.Rewritten, outcome);
        RewriteModel.AssertValid(output);
        Assert.Equal(new byte[] { 9, 9, 9, 9 }, output[^4..]);
        Assert.Equal(["join(*,239.2.2.1)"], Decoded.Changes(output));
    }

    [Fact]
    public void Ethernet_padding_is_not_carried_into_the_rewrite()
    {
        var packet = Build.V4(Build.IgmpV3Report(Rec.Of(4, "239.1.1.1"), Rec.Of(4, "239.1.1.2")), padding: 10);
        var (outcome, output) = Rewrite(packet, c => c.Group == PacketAddress.Parse("239.1.1.1"));
        Assert.Equal(RewriteOutcome.Rewritten, outcome);
        Assert.Equal(packet.Length - 10 - 8, output.Length);
        RewriteModel.AssertValid(output);
    }

    /// <summary>
    /// Random keep masks over every sample: the rewrite decodes back to exactly the records the
    /// model keeps, its checksums are valid by the test's own code, and an in-place rewrite
    /// gives the same bytes as one into a separate buffer.
    /// </summary>
    [Fact]
    public void Random_masks_decode_back_to_exactly_the_kept_items()
    {
        var random = new Random(7);
        var checkedRewrites = 0;
        foreach (var name in Samples.Names)
        {
            var packet = Samples.Get(name);
            var original = Decoded.Ok(packet);
            for (var round = 0; round < 300; round++)
            {
                var keep = new bool[original.MaskLength];
                var denyRate = random.NextDouble();
                for (var i = 0; i < keep.Length; i++) keep[i] = random.NextDouble() >= denyRate;

                Assert.Equal(DecodeStatus.Ok, MembershipDecoder.Decode(packet, out var m));
                var output = new byte[packet.Length];
                var outcome = ReportRewriter.Rewrite(m, keep, output, out var written);

                var inPlace = (byte[])packet.Clone();
                Assert.Equal(DecodeStatus.Ok, MembershipDecoder.Decode(inPlace, out var m2));
                Assert.Equal(outcome, ReportRewriter.Rewrite(m2, keep, inPlace, out var written2));
                Assert.Equal(written, written2);
                Assert.Equal(output[..written], inPlace[..written2]);

                if (original.Kind != MembershipKind.RecordReport)
                {
                    var expected = original.MaskLength == 0 || keep[0] ? RewriteOutcome.Unchanged : RewriteOutcome.NothingKept;
                    Assert.Equal(expected, outcome);
                    continue;
                }
                var expectedRecords = RewriteModel.ExpectedRecords(original, keep);
                switch (outcome)
                {
                    case RewriteOutcome.Unchanged:
                        Assert.Equal(RewriteModel.Records(original), expectedRecords);
                        break;
                    case RewriteOutcome.NothingKept:
                        Assert.Empty(expectedRecords);
                        break;
                    case RewriteOutcome.Rewritten:
                        var rewritten = output[..written];
                        RewriteModel.AssertValid(rewritten);
                        var decoded = Decoded.Ok(rewritten);
                        Assert.Equal(expectedRecords, RewriteModel.Records(decoded));
                        Assert.NotEqual(RewriteModel.Records(original), expectedRecords);
                        // The changes of the rewrite are the kept changes of the original.
                        var keptChanges = original.Changes.Where(c => keep[c.MaskIndex] && keep[original.Records[c.RecordIndex].MaskIndex])
                            .Select(Decoded.Text);
                        Assert.Equal(keptChanges, Decoded.Changes(decoded));
                        checkedRewrites++;
                        break;
                    default:
                        Assert.Fail($"{name}: unexpected outcome {outcome}");
                        break;
                }
            }
        }
        Assert.True(checkedRewrites > 500, $"only {checkedRewrites} rewrites exercised");
    }
}
