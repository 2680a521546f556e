using System.Buffers.Binary;
using PolicyKit.Packets.Capture;
using PolicyKit.Packets.Membership;
using PolicyKit.Packets.Tests.Capture;
using PolicyKit.Packets.Tests.Live;
using PolicyKit.Packets.Tests.Support;

namespace PolicyKit.Packets.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing from valid seeds (the byte-vector samples and every IP packet of the
/// committed real captures): bit flips, byte overwrites, length-field rewrites, truncation and
/// extension. No exception may escape decoding, semantics, rewriting or link decoding; a
/// mutated capture file may only fail with <see cref="CaptureFormatException"/>. Seeded, so a
/// failure reproduces.
/// </summary>
public class MutationFuzzTests
{
    private static List<byte[]> PacketSeeds()
    {
        var seeds = Samples.Names.Select(Samples.Get).ToList();
        foreach (var s in Scenario.All)
            foreach (var f in CaptureFiles.Of(s))
                foreach (var r in ReadRecords(CommittedCaptureTests.PathOf(f.File)))
                    if (LinkDecoder.Decode(r.LinkType, r.Data.Span, out var frame) == LinkStatus.Ok) seeds.Add(frame.Payload.ToArray());
        return seeds;
    }

    private static List<CaptureRecord> ReadRecords(string path)
    {
        using var reader = CaptureReader.Open(path);
        return reader.ReadAll().ToList();
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var data = (byte[])seed.Clone();
        var mutations = 1 + random.Next(4);
        for (var i = 0; i < mutations; i++)
        {
            switch (random.Next(7))
            {
                case 0 when data.Length > 0:
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Length > 0:
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                    break;
                case 2 when data.Length > 2:
                    // A 16-bit field (lengths and counts live there) set to an interesting value.
                    var at = random.Next(data.Length - 1);
                    ushort[] values = [0, 1, 2, 0x7F, 0xFF, 0x100, 0x7FFF, 0xFFFF, (ushort)random.Next(65536)];
                    BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(at), values[random.Next(values.Length)]);
                    break;
                case 3 when data.Length > 0:
                    data = data[..random.Next(data.Length)];
                    break;
                case 4:
                    var extra = new byte[random.Next(1, 64)];
                    random.NextBytes(extra);
                    data = [.. data, .. extra];
                    break;
                case 5 when data.Length > 0:
                    // Bytes with a fixed meaning in IGMP/MLD (record type, aux length, counts).
                    data[random.Next(data.Length)] = (byte)random.Next(10);
                    break;
                default:
                    break;
            }
        }
        return data;
    }

    [Fact]
    public void Mutated_packets_never_throw_and_rewrites_of_decodable_ones_decode()
    {
        var seeds = PacketSeeds();
        Assert.True(seeds.Count > 100);
        var random = new Random(20260301);
        var buffer = new byte[70_000];
        var keep = new bool[20_000];
        int decoded = 0, rewritten = 0;
        const int Iterations = 120_000;
        for (var i = 0; i < Iterations; i++)
        {
            var packet = Mutate(seeds[random.Next(seeds.Count)], random);
            try
            {
                var status = MembershipDecoder.Decode(packet, out var m);
                _ = status.Describe();
                _ = IpHeader.Parse(packet, out _);
                foreach (var linkType in new[] { LinkType.Ethernet, LinkType.LinuxSll2, LinkType.Null })
                    _ = LinkDecoder.Decode(linkType, packet, out _);
                if (status != DecodeStatus.Ok) continue;
                decoded++;
                var changes = 0;
                foreach (var c in m.Changes)
                {
                    Assert.InRange(c.MaskIndex, 0, m.MaskLength - 1);
                    changes++;
                }
                var copy = m.ToDecoded();
                Assert.Equal(changes, copy.Changes.Count);
                for (var k = 0; k < m.MaskLength; k++) keep[k] = random.Next(2) == 0;
                var outcome = ReportRewriter.Rewrite(m, keep.AsSpan(0, m.MaskLength), buffer, out var n);
                if (outcome == RewriteOutcome.Rewritten)
                {
                    rewritten++;
                    var again = MembershipDecoder.Decode(buffer.AsSpan(0, n), out _);
                    Assert.True(again == DecodeStatus.Ok, $"iteration {i}: a rewrite does not decode ({again}): {Convert.ToHexString(packet)}");
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"iteration {i}: {e.GetType().Name}: {e.Message} for {Convert.ToHexString(packet)}");
            }
        }
        Assert.True(decoded > Iterations / 20, $"only {decoded} mutated packets still decoded: the fuzzer is not reaching deep code");
        Assert.True(rewritten > 1000, $"only {rewritten} rewrites");
    }

    [Fact]
    public void Mutated_capture_files_fail_only_with_capture_format_errors()
    {
        var files = Scenario.All.SelectMany(CaptureFiles.Of).Select(f => File.ReadAllBytes(CommittedCaptureTests.PathOf(f.File))).ToList();
        var random = new Random(777);
        int clean = 0, refused = 0, packets = 0;
        const int Iterations = 20_000;
        for (var i = 0; i < Iterations; i++)
        {
            var file = Mutate(files[random.Next(files.Count)], random);
            try
            {
                using var reader = new CaptureReader(new MemoryStream(file));
                foreach (var m in MembershipCapture.Read(reader)) { _ = m.ToString(); packets++; }
                clean++;
            }
            catch (CaptureFormatException e)
            {
                Assert.InRange(e.Offset, 0, file.Length);
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.Equal(Iterations, clean + refused);
        Assert.True(clean > 1000 && refused > 1000, $"clean {clean}, refused {refused}");
        Assert.True(packets > 10_000);
    }
}
