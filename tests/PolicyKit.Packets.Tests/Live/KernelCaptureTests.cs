using PolicyKit.Packets.Capture;
using PolicyKit.Packets.Membership;
using PolicyKit.Packets.Tests.Support;

namespace PolicyKit.Packets.Tests.Live;

/// <summary>
/// Real kernel IGMP/MLD: a receiver namespace joins and leaves groups (socat for ASM, python3
/// with MCAST_JOIN_SOURCE_GROUP for SSM — this socat has no ip-add-source-membership) while the
/// other end of a veth pair is captured by tcpdump (pcap, Ethernet), dumpcap (pcapng) and
/// tcpdump -i any (Linux cooked SLL/SLL2). The decoder must find exactly the joins and leaves
/// made in every file, and tshark must read the same groups. With PK_PACKETS_CAPTURE_DIR set,
/// the files are copied there (that is how Captures/ was made).
/// </summary>
public sealed class KernelCaptureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pk-packets-live-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact] public void Igmpv3_asm_and_ssm_joins_and_leaves() => Run(Scenario.IgmpV3);
    [Fact] public void Igmpv2_joins_and_leaves() => Run(Scenario.IgmpV2);
    [Fact] public void Mldv2_asm_and_ssm_joins_and_leaves() => Run(Scenario.MldV2);
    [Fact] public void Mldv1_joins_and_leaves() => Run(Scenario.MldV1);

    private void Run(Scenario scenario)
    {
        var tcpdump = Tools.Require("tcpdump", "tcpdump");
        var dumpcap = Tools.Require("dumpcap", "tshark");
        var socat = Tools.Require("socat", "socat");
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : Tools.Require("python3", "python3");
        using var pair = new VethPair();

        if (scenario.ForceVersion is int version)
        {
            if (scenario.Family == IpFamily.V4) pair.Sysctl(pair.HostNs, $"net.ipv4.conf.{pair.HostIf}.force_igmp_version", $"{version}");
            else pair.Sysctl(pair.HostNs, $"net.ipv6.conf.{pair.HostIf}.force_mld_version", $"{version}");
        }

        var files = CaptureFiles.Of(scenario);
        var paths = files.Select(f => Path.Combine(_dir, f.File)).ToArray();
        var captures = new[]
        {
            pair.Start(pair.EdgeNs, tcpdump, "-i", pair.EdgeIf, "-U", "-n", "-w", paths[0]),
            pair.Start(pair.EdgeNs, dumpcap, "-i", pair.EdgeIf, "-q", "-w", paths[1]),
            files[2].LinkType == LinkType.LinuxSll
                ? pair.Start(pair.EdgeNs, tcpdump, "-i", "any", "-y", "LINUX_SLL", "-U", "-n", "-w", paths[2])
                : pair.Start(pair.EdgeNs, tcpdump, "-i", "any", "-U", "-n", "-w", paths[2]),
        };
        captures[0].WaitFor("listening on");
        captures[1].WaitFor("Capturing on");
        captures[2].WaitFor("listening on");

        var receivers = new List<BackgroundProcess>();
        var port = 5000;
        foreach (var g in scenario.AsmGroups)
        {
            var address = scenario.Family == IpFamily.V4
                ? $"UDP4-RECV:{port++},reuseaddr,ip-add-membership={g}:{pair.HostIf}"
                : $"UDP6-RECV:{port++},reuseaddr,ipv6-join-group=[{g}]:{pair.HostIf}";
            receivers.Add(pair.Start(pair.HostNs, socat, "-u", address, "-"));
        }
        var script = Path.Combine(_dir, "ssm.py");
        File.WriteAllText(script, SsmJoinScript);
        foreach (var (g, sources) in scenario.SsmJoins)
            receivers.Add(pair.Start(pair.HostNs, python, [script, pair.HostIf, g, .. sources]));
        foreach (var r in receivers.Where(r => r.Description.Contains("ssm.py"))) r.WaitFor("joined");

        // Wait (bounded) until tcpdump's file shows every join, then leave (closing the sockets
        // makes the kernel leave) and wait for every leave; a short grace lets the other two
        // capture tools, which saw the same packets, write them too.
        var expected = scenario.ExpectedChanges();
        WaitUntilCaptured(paths[0], scenario, expected.Where(c => c.StartsWith("join")).ToHashSet(), receivers);
        Thread.Sleep(300); // a retransmission or two
        foreach (var r in receivers) r.Stop();
        WaitUntilCaptured(paths[0], scenario, expected, []);
        Thread.Sleep(500);
        foreach (var c in captures) c.Stop(BackgroundProcess.SIGINT);

        for (var i = 0; i < files.Length; i++)
        {
            var found = MembershipCapture.Read(paths[i]).ToList();
            scenario.Verify(found, files[i].File);
            using (var reader = CaptureReader.Open(paths[i]))
            {
                Assert.Equal(files[i].Format, reader.Format);
                Assert.True(reader.TryReadNext(out var first));
                Assert.Equal(files[i].LinkType, first.LinkType);
            }
            if (files[i].Format == CaptureFormat.PcapNg) Assert.All(found, m => Assert.Equal(pair.EdgeIf, m.InterfaceName));
            if (files[i].LinkType == LinkType.LinuxSll2) Assert.All(found, m => Assert.Equal(pair.EdgeIfIndex, m.IfIndex));
            if (files[i].LinkType is LinkType.LinuxSll or LinkType.LinuxSll2)
            {
                // The receiver's reports arrive at the edge; the edge kernel's own (solicited-node MLD) go out.
                var theirs = found.Where(m => m.Message!.Changes.Any(c => scenario.Groups.Contains(c.Group))).ToList();
                Assert.NotEmpty(theirs);
                Assert.All(theirs, m => Assert.Equal(LinkPacketType.Multicast, m.PacketType));
            }
            AgreesWithTshark(paths[i], found);
        }

        var keep = Environment.GetEnvironmentVariable("PK_PACKETS_CAPTURE_DIR");
        if (!string.IsNullOrEmpty(keep))
            for (var i = 0; i < files.Length; i++) File.Copy(paths[i], Path.Combine(keep, files[i].File), overwrite: true);
    }

    private static void WaitUntilCaptured(string path, Scenario scenario, HashSet<string> wanted, List<BackgroundProcess> mustRun)
    {
        var deadline = Environment.TickCount64 + 20_000;
        var seen = new HashSet<string>();
        while (Environment.TickCount64 < deadline)
        {
            Assert.All(mustRun, r => Assert.False(r.HasExited, $"{r.Description} exited: {r.Output}"));
            seen = CapturedSoFar(path, scenario);
            if (wanted.IsSubsetOf(seen)) return;
            Thread.Sleep(100);
        }
        Assert.Fail($"within 20 s the capture showed only [{string.Join(", ", seen.Order())}] of [{string.Join(", ", wanted.Order())}]");
    }

    /// <summary>The scenario's changes in a capture still being written (a partly written last record ends the read).</summary>
    private static HashSet<string> CapturedSoFar(string path, Scenario scenario)
    {
        var seen = new HashSet<string>();
        if (!File.Exists(path)) return seen;
        try
        {
            foreach (var m in MembershipCapture.Read(path, includeMalformed: false))
                foreach (var c in m.Message!.Changes)
                    if (scenario.Groups.Contains(c.Group)) seen.Add(Decoded.Text(c));
        }
        catch (CaptureFormatException)
        {
        }
        return seen;
    }

    internal static void AgreesWithTshark(string path, List<CapturedMembership> found)
    {
        var dissected = Tshark.Dissect(path).ToDictionary(p => p.Number);
        foreach (var m in found)
        {
            var t = dissected[m.Number];
            var ours = m.Message!;
            var groups = ours.Kind == MembershipKind.RecordReport ? ours.Records.Select(r => r.Group.ToString()) : [ours.Group.ToString()];
            Assert.Equal(groups, t.Groups);
            Assert.Equal(ours.Records.SelectMany(r => r.Sources).Select(s => s.ToString()), t.Sources);
            Assert.True(ours.Family == IpFamily.V4 ? t.IgmpChecksum == "1" : t.Icmpv6Checksum == "1", $"tshark: bad checksum in #{m.Number}");
        }
    }

    /// <summary>Joins (S,G) channels on an interface with MCAST_JOIN_SOURCE_GROUP, then waits for a signal.</summary>
    private const string SsmJoinScript = """
        import socket, struct, sys, signal
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM, signal.SIGINT])
        ifname, group, sources = sys.argv[1], sys.argv[2], sys.argv[3:]
        v6 = ':' in group
        family = socket.AF_INET6 if v6 else socket.AF_INET
        def sockaddr(a):
            raw = socket.inet_pton(family, a)
            b = struct.pack('=HHI16sI', family, 0, 0, raw, 0) if v6 else struct.pack('=HH4s8x', family, 0, raw)
            return b + bytes(128 - len(b))
        index = socket.if_nametoindex(ifname)
        s = socket.socket(family, socket.SOCK_DGRAM)
        MCAST_JOIN_SOURCE_GROUP = 46
        for source in sources:
            s.setsockopt(socket.IPPROTO_IPV6 if v6 else socket.IPPROTO_IP, MCAST_JOIN_SOURCE_GROUP,
                         struct.pack('=I4x', index) + sockaddr(group) + sockaddr(source))
        print('joined', flush=True)
        signal.sigwait([signal.SIGTERM, signal.SIGINT])
        s.close()
        """;
}
