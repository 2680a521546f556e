using PolicyKit.Packets.Capture;
using PolicyKit.Packets.Membership;

namespace PolicyKit.Packets.Tests.Live;

/// <summary>
/// What a receiver does in a capture scenario — the groups it joins (ASM) and the channels
/// (SSM, source + group), each joined then left — and the membership changes that must
/// therefore be found in a capture of its reports. Shared by the live tests that make the
/// traffic and the replay tests of the captures committed from them.
/// </summary>
public sealed record Scenario(string Name, IpFamily Family, int? ForceVersion, string[] AsmGroups, (string Group, string[] Sources)[] SsmJoins)
{
    public static readonly Scenario IgmpV3 = new("igmpv3", IpFamily.V4, null,
        ["239.77.1.1", "239.77.1.2", "239.77.1.3"],
        [("232.77.1.4", ["192.0.2.1", "192.0.2.2"]), ("232.77.1.5", ["192.0.2.3"])]);

    public static readonly Scenario IgmpV2 = new("igmpv2", IpFamily.V4, 2, ["239.77.2.1", "239.77.2.2"], []);

    public static readonly Scenario MldV2 = new("mldv2", IpFamily.V6, null,
        ["ff15::77:1", "ff15::77:2", "ff15::77:3"],
        [("ff3e::77:4", ["2001:db8::1", "2001:db8::2"])]);

    public static readonly Scenario MldV1 = new("mldv1", IpFamily.V6, 1, ["ff15::77:11", "ff15::77:12"], []);

    public static readonly Scenario[] All = [IgmpV3, IgmpV2, MldV2, MldV1];

    public static Scenario Named(string name) => All.Single(s => s.Name == name);

    public HashSet<PacketAddress> Groups =>
        AsmGroups.Concat(SsmJoins.Select(j => j.Group)).Select(PacketAddress.Parse).ToHashSet();

    /// <summary>Every join and leave the scenario makes, as "join(S,G)" text.</summary>
    public HashSet<string> ExpectedChanges()
    {
        var set = new HashSet<string>();
        foreach (var g in AsmGroups)
        {
            set.Add($"join(*,{PacketAddress.Parse(g)})");
            set.Add($"leave(*,{PacketAddress.Parse(g)})");
        }
        foreach (var (g, sources) in SsmJoins)
            foreach (var s in sources)
            {
                set.Add($"join({PacketAddress.Parse(s)},{PacketAddress.Parse(g)})");
                set.Add($"leave({PacketAddress.Parse(s)},{PacketAddress.Parse(g)})");
            }
        return set;
    }

    /// <summary>
    /// Checks the membership messages read from one capture of this scenario: nothing malformed,
    /// exactly the expected joins and leaves for the scenario's groups (each leave after its
    /// join), only link-local-scope kernel groups besides them, the expected report version, and
    /// for v3/MLDv2 at least one report packing several of the scenario's records.
    /// </summary>
    public void Verify(IReadOnlyList<CapturedMembership> found, string file)
    {
        Assert.NotEmpty(found);
        Assert.All(found, m => Assert.True(m.Status == DecodeStatus.Ok, $"{file}: {m}"));
        var messages = found.Where(m => m.Message!.Family == Family).ToList();
        var reports = messages.Where(m => m.Message!.Kind is MembershipKind.Report or MembershipKind.RecordReport or MembershipKind.Leave).ToList();
        var ours = Groups;
        var firstJoin = new Dictionary<string, DateTime>();
        var lastLeave = new Dictionary<string, DateTime>();
        foreach (var m in reports)
        {
            foreach (var c in m.Message!.Changes)
            {
                if (!ours.Contains(c.Group))
                {
                    Assert.True(IsLinkLocalScope(c.Group), $"{file}: change for a group the scenario did not join: {c} in {m}");
                    continue;
                }
                var text = $"{(c.Kind == ChangeKind.Join ? "join" : "leave")}({c.Source},{c.Group})";
                var times = c.Kind == ChangeKind.Join ? firstJoin : lastLeave;
                if (c.Kind == ChangeKind.Join) times.TryAdd(text, m.Timestamp);
                else times[text] = m.Timestamp;
            }
        }
        var seen = firstJoin.Keys.Concat(lastLeave.Keys).ToHashSet();
        Assert.True(ExpectedChanges().SetEquals(seen),
            $"{file}: expected [{string.Join(", ", ExpectedChanges().Order())}] found [{string.Join(", ", seen.Order())}]");
        foreach (var (leave, at) in lastLeave)
            Assert.True(firstJoin[leave.Replace("leave(", "join(")] <= at, $"{file}: {leave} before its join");

        var ourReports = reports.Where(m => m.Message!.Changes.Any(c => ours.Contains(c.Group))).ToList();
        var expectedVersion = ForceVersion ?? (Family == IpFamily.V4 ? 3 : 2);
        Assert.All(ourReports, m => Assert.Equal(expectedVersion, m.Message!.Version));
        Assert.All(ourReports, m => Assert.True(m.Message!.HasRouterAlert || m.Message.Version == 1, $"{file}: no router alert: {m}"));
        if (ForceVersion is null)
        {
            var packed = ourReports.Max(m => m.Message!.Records.Count(r => ours.Contains(r.Group)));
            Assert.True(packed >= 2, $"{file}: no report packs several of the scenario's group records");
        }
        if (Family == IpFamily.V4)
            Assert.All(ourReports, m => Assert.Equal(PacketAddress.Parse("10.77.0.2"), m.Message!.Source));
    }

    private static bool IsLinkLocalScope(PacketAddress group) => group.Family == IpFamily.V4
        ? (group.Value >> 8) == 0xE00000 // 224.0.0.0/24
        : (group.Value >> 112) == 0xFF02;  // ff02::/16 (solicited-node groups the kernel joins itself)
}

public static class CaptureFiles
{
    /// <summary>The capture files of a scenario: Ethernet pcap (tcpdump), pcapng (dumpcap), Linux cooked (tcpdump -i any).</summary>
    public static (string File, CaptureFormat Format, LinkType LinkType)[] Of(Scenario s) =>
    [
        ($"{s.Name}-eth.pcap", CaptureFormat.Pcap, LinkType.Ethernet),
        ($"{s.Name}-eth.pcapng", CaptureFormat.PcapNg, LinkType.Ethernet),
        // SLL v1 for the v1/v2 scenarios, SLL2 (tcpdump's default for "any") for the others.
        s.ForceVersion is null ? ($"{s.Name}-any-sll2.pcap", CaptureFormat.Pcap, LinkType.LinuxSll2)
                               : ($"{s.Name}-any-sll.pcap", CaptureFormat.Pcap, LinkType.LinuxSll),
    ];
}
