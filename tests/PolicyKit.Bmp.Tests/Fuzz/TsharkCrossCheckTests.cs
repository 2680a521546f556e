using PolicyKit.Bmp.Recording;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Tests.Fuzz;

/// <summary>
/// The decoder against Wireshark's BMP dissector on the recorded streams: each recording is
/// written as a pcap (one BMP message per TCP segment), tshark decodes it with
/// <c>-d tcp.port==P,bmp</c>, and for every message the type, the peer address and AS, and the
/// announced and withdrawn prefixes must be the same as the station's decoder reads them.
/// </summary>
public sealed class TsharkCrossCheckTests
{
    private const ushort Port = 11019;

    private sealed record Reading(int Type, string Peer, string As, string Announced, string Withdrawn);

    [Theory]
    [MemberData(nameof(RecordingTests.Files), MemberType = typeof(RecordingTests))]
    public void TheDecoderAgreesWithWireshark(string name)
    {
        string tshark = Tools.Require("tshark", "tshark");
        using var temp = new TempDirectory();
        var stream = Recordings.Read(name);
        string pcap = temp.File_(name + ".pcap");
        PcapWriter.Write(pcap, stream, Port);

        var result = Tools.Run(tshark, ["-r", pcap, "-d", $"tcp.port=={Port},bmp", "-Y", "bmp", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,",
            "-e", "bmp.type", "-e", "bmp.peer.ip.addr", "-e", "bmp.peer.ipv6.addr", "-e", "bmp.peer.asn",
            "-e", "bgp.nlri_prefix", "-e", "bgp.mp_reach_nlri_ipv6_prefix", "-e", "bgp.withdrawn_prefix", "-e", "bgp.mp_unreach_nlri_ipv6_prefix"], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.Output);
        var theirs = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("Running as user", StringComparison.Ordinal))
            .Select(line =>
            {
                var f = line.Split('\t');
                string peer = f[1].Length > 0 ? f[1] : f[2];
                return new Reading(int.Parse(f[0]), peer, f[3], Join(f[4], f[5]), Join(f[6], f[7]));
            }).ToList();
        var ours = PcapWriter.Messages(stream).Select(m => Decode(m.ToArray())).ToList();

        Assert.Equal(ours.Count, theirs.Count);
        for (int i = 0; i < ours.Count; i++) Assert.True(ours[i] == theirs[i], $"message {i}: ours {ours[i]}, Wireshark {theirs[i]}");
        Assert.Contains(ours, r => r.Type == 0 && r.Announced.Length > 0);
    }

    private static string Join(params string[] parts) => string.Join(",", parts.Where(p => p.Length > 0).SelectMany(p => p.Split(',')));

    /// <summary>What the station's decoder reads from one message, in tshark's terms.</summary>
    private static Reading Decode(byte[] message)
    {
        Assert.Equal(FrameStatus.Complete, BmpCommonHeader.TryFrame(message, 1 << 20, out var header, out _));
        var body = message.AsSpan(BmpWire.CommonHeaderLength);
        if (header.MessageType is BmpMessageType.Initiation or BmpMessageType.Termination || !PerPeerHeader.TryRead(body, out var peer))
            return new Reading(header.Type, "", "", "", "");
        string address = peer.Address.ToString();
        string announced = "", withdrawn = "";
        if (header.MessageType == BmpMessageType.RouteMonitoring)
        {
            var decoder = new UpdateDecoder();
            // As the monitor reads it: a Loc-RIB instance's locally originated route may come without AS_PATH (RFC 9069; GoBGP).
            decoder.Decode(body[BmpWire.PerPeerHeaderLength..], new UpdateContext(!peer.IsLegacyAsPath, AddPathFamilies.None, true, peer.PeerType == BmpPeerType.LocRib));
            Assert.Equal(UpdateAction.Apply, decoder.Action);
            announced = string.Join(",", decoder.Announced.AsSpan().ToArray().Select(p => p.Network.ToString()));
            withdrawn = string.Join(",", decoder.Withdrawn.AsSpan().ToArray().Select(p => p.Network.ToString()));
        }
        return new Reading(header.Type, address, peer.PeerAs.ToString(), announced, withdrawn);
    }
}
