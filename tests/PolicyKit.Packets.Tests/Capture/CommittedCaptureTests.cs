using PolicyKit.Packets.Capture;
using PolicyKit.Packets.Membership;
using PolicyKit.Packets.Tests.Live;
using PolicyKit.Packets.Tests.Support;

namespace PolicyKit.Packets.Tests.Capture;

/// <summary>
/// Replays the captures committed under Captures/ (real kernel traffic, see Captures/README.md):
/// no root needed. Each must hold exactly its scenario's joins and leaves.
/// </summary>
public class CommittedCaptureTests
{
    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Captures", file);

    public static TheoryData<string, string> Files()
    {
        var data = new TheoryData<string, string>();
        foreach (var s in Scenario.All)
            foreach (var f in CaptureFiles.Of(s)) data.Add(s.Name, f.File);
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Capture_holds_exactly_the_scenarios_joins_and_leaves(string scenario, string file)
    {
        var s = Scenario.Named(scenario);
        var expected = CaptureFiles.Of(s).Single(f => f.File == file);
        var path = PathOf(file);
        Assert.True(File.Exists(path), $"{path} is missing");
        using (var reader = CaptureReader.Open(path))
        {
            Assert.Equal(expected.Format, reader.Format);
            var records = 0;
            while (reader.TryReadNext(out var r))
            {
                Assert.Equal(expected.LinkType, r.LinkType);
                records++;
            }
            Assert.True(records >= 4, $"{file}: only {records} packets");
        }
        var found = MembershipCapture.Read(path).ToList();
        s.Verify(found, file);
        if (expected.Format == CaptureFormat.PcapNg) Assert.All(found, m => Assert.StartsWith("pke", m.InterfaceName));
        if (expected.LinkType == LinkType.LinuxSll2) Assert.All(found, m => Assert.True(m.IfIndex > 0));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Tshark_reads_the_same_groups(string scenario, string file)
    {
        _ = scenario;
        KernelCaptureTests.AgreesWithTshark(PathOf(file), MembershipCapture.Read(PathOf(file)).ToList());
    }

    /// <summary>
    /// Every real kernel report in the committed captures, rewritten under random keep masks:
    /// decodes back to exactly the kept records, and tshark finds every checksum good.
    /// </summary>
    [Fact]
    public void Real_reports_rewrite_to_the_kept_items_with_checksums_tshark_accepts()
    {
        var random = new Random(5);
        var rewritten = new List<byte[]>();
        foreach (var s in Scenario.All)
            foreach (var f in CaptureFiles.Of(s))
            {
                using var reader = CaptureReader.Open(PathOf(f.File));
                while (reader.TryReadNext(out var record))
                {
                    if (LinkDecoder.Decode(record.LinkType, record.Data.Span, out var frame) != LinkStatus.Ok) continue;
                    var packet = frame.Payload.ToArray();
                    var original = DecodedMembership.TryDecode(packet, out _);
                    if (original is null || original.Kind != MembershipKind.RecordReport) continue;
                    for (var round = 0; round < 10; round++)
                    {
                        var keep = Enumerable.Range(0, original.MaskLength).Select(_ => random.Next(3) != 0).ToArray();
                        Assert.Equal(DecodeStatus.Ok, MembershipDecoder.Decode(packet, out var m));
                        var output = new byte[packet.Length];
                        var outcome = ReportRewriter.Rewrite(m, keep, output, out var n);
                        var expected = RewriteModel.ExpectedRecords(original, keep);
                        if (outcome == RewriteOutcome.NothingKept) { Assert.Empty(expected); continue; }
                        if (outcome == RewriteOutcome.Unchanged) { Assert.Equal(RewriteModel.Records(original), expected); continue; }
                        Assert.Equal(RewriteOutcome.Rewritten, outcome);
                        var bytes = output[..n];
                        RewriteModel.AssertValid(bytes);
                        Assert.Equal(expected, RewriteModel.Records(Decoded.Ok(bytes)));
                        rewritten.Add(bytes);
                    }
                }
            }
        Assert.True(rewritten.Count >= 20, $"only {rewritten.Count} real reports rewritten");

        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "real-rewritten.pcap");
        using (var writer = PcapWriter.Create(file, LinkType.Raw))
            foreach (var p in rewritten) writer.Write(DateTime.UtcNow, p);
        var dissected = Tshark.Dissect(file);
        Assert.Equal(rewritten.Count, dissected.Count);
        Assert.All(dissected, t => Assert.True(t.IgmpChecksum == "1" || t.Icmpv6Checksum == "1", $"frame {t.Number}: bad checksum"));
        Assert.All(dissected.Where(t => t.IgmpChecksum != ""), t => Assert.Equal("1", t.IpChecksum));
    }
}
