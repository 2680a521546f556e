using System.Buffers.Binary;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Engine;
using PolicyKit.Engine.Compiled;
using PolicyKit.Nfqueue.Enforcement;
using PolicyKit.Nfqueue.Queue;
using PolicyKit.Packets;
using PolicyKit.Packets.Membership;

namespace PolicyKit.Nfqueue.Tests.Unit;

/// <summary>
/// The join enforcer on crafted packets, without a kernel: IGMPv3 and MLDv2 reports decided per
/// record and rewritten, queries dropped by policy, malformed packets dropped and reported.
/// (The live tests cover IGMP end to end; MLD is covered here.)
/// </summary>
public class JoinEnforcerTests
{
    private const string Policy = """
        groups tv { 239.1.0.0/16; ff0e::1:0/112; }
        filter joins { permit groups tv; }
        device r1 platform ios-xe {
            interface "eth0" {
                igmp { access joins; limit 1; queries drop; }
                mld { access joins; limit 1; queries drop; }
            }
        }
        """;

    private readonly AdmissionEngine _engine;
    private readonly EnforcerCounters _counters = new();
    private readonly JoinEnforcer _joins;
    private readonly ResolvedInterface _eth0;

    public JoinEnforcerTests()
    {
        var result = PolicyCompiler.Check("t.mpol", new CompilationOptions { AllowUnsupported = true },
            new InMemoryPolicyFileReader(new Dictionary<string, string> { ["t.mpol"] = Policy }));
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var table = new AgentTableBuilder(result.Model!, result.Model!.FindDevice("r1")!).Build();
        _engine = new AdmissionEngine(CompiledTable.Build(table));
        var gate = new object();
        _joins = new JoinEnforcer(_engine, gate, _counters, dropMalformed: true);
        _eth0 = new ResolvedInterface(2, "eth0", "eth0", _engine.Interface("eth0"), []);
    }

    private (HandlerResult Result, byte[] Output, OutcomeBuffer Outcomes) Handle(byte[] packet)
    {
        var outcomes = new OutcomeBuffer();
        var rewrite = new byte[packet.Length + 64];
        var queued = new QueuedPacket(0, 1, 0x0800, 0, 2, 0, 0, false, packet, packet.Length);
        var result = _joins.Handle(queued, _eth0, rewrite, now: 1, outcomes);
        return (result, result.RewrittenLength >= 0 ? rewrite[..result.RewrittenLength] : packet, outcomes);
    }

    private static List<string> Changes(byte[] packet)
    {
        Assert.Equal(DecodeStatus.Ok, MembershipDecoder.Decode(packet, out var m));   // checksums verified
        var list = new List<string>();
        foreach (var c in m.Changes) list.Add($"{c.Kind} {c.Source} {c.Group}");
        return list;
    }

    [Fact]
    public void An_igmpv3_report_keeps_its_admitted_records_and_loses_the_denied_ones()
    {
        // 239.1.0.1 admitted (limit 1), 239.1.0.2 over the limit, 238.1.0.1 outside the access list, 224.0.0.251 link-local (passes unjudged).
        var report = Igmpv3([(4, "239.1.0.1"), (4, "239.1.0.2"), (4, "238.1.0.1"), (4, "224.0.0.251")]);
        var (result, output, outcomes) = Handle(report);
        Assert.Equal(PacketVerdict.Accept, result.Verdict);
        Assert.True(result.RewrittenLength > 0);
        Assert.Equal(["Join * 239.1.0.1", "Join * 224.0.0.251"], Changes(output));
        Assert.Equal([DenyReason.None, DenyReason.InterfaceLimit, DenyReason.AccessFilter], outcomes.Memberships.Select(m => m.Decision.Reason));
        Assert.Equal(1, _counters.ReportsRewritten);
    }

    [Fact]
    public void In_audit_a_report_passes_whole_and_its_records_say_what_would_be_denied()
    {
        // The same port in audit (issue 19): nothing is cut from the report, nothing dropped.
        var result = PolicyCompiler.Check("t.mpol", new CompilationOptions { AllowUnsupported = true },
            new InMemoryPolicyFileReader(new Dictionary<string, string> { ["t.mpol"] = Policy.Replace("mld { access joins; limit 1; queries drop; }", "mld { access joins; limit 1; queries drop; } audit;", StringComparison.Ordinal) }));
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var engine = new AdmissionEngine(CompiledTable.Build(new AgentTableBuilder(result.Model!, result.Model!.FindDevice("r1")!).Build()));
        Assert.True(engine.Table.InterfaceAudit(0));
        var joins = new JoinEnforcer(engine, new object(), new EnforcerCounters(), dropMalformed: true);
        var eth0 = new ResolvedInterface(2, "eth0", "eth0", engine.Interface("eth0"), []);

        var report = Igmpv3([(4, "239.1.0.1"), (4, "239.1.0.2"), (4, "238.1.0.1")]);
        var outcomes = new OutcomeBuffer();
        var handled = joins.Handle(new QueuedPacket(0, 1, 0x0800, 0, 2, 0, 0, false, report, report.Length), eth0, new byte[report.Length + 64], now: 1, outcomes);
        Assert.Equal(PacketVerdict.Accept, handled.Verdict);
        Assert.Equal(-1, handled.RewrittenLength);
        var decisions = outcomes.Memberships.Select(m => m.Decision).ToList();
        Assert.Equal([DenyReason.None, DenyReason.InterfaceLimit, DenyReason.AccessFilter], decisions.Select(d => d.Reason));
        Assert.Equal([false, true, true], decisions.Select(d => d.IsWouldDeny));
        Assert.All(decisions, d => Assert.True(d.IsAdmit));
    }

    [Fact]
    public void A_report_with_nothing_admitted_is_dropped_and_a_leave_frees_the_entry()
    {
        Assert.Equal(PacketVerdict.Accept, Handle(Igmpv3([(4, "239.1.0.1")])).Result.Verdict);
        Assert.Equal(PacketVerdict.Drop, Handle(Igmpv3([(4, "239.1.0.2")])).Result.Verdict);
        // TO_IN({}) (type 3, no sources) is the v3 leave: it passes and frees the slot.
        var leave = Handle(Igmpv3([(3, "239.1.0.1")]));
        Assert.Equal(PacketVerdict.Accept, leave.Result.Verdict);
        Assert.Equal(-1, leave.Result.RewrittenLength);
        Assert.Equal(PacketVerdict.Accept, Handle(Igmpv3([(4, "239.1.0.2")])).Result.Verdict);
    }

    [Fact]
    public void An_mldv2_report_is_decided_per_record_and_rewritten_with_its_icmpv6_checksum()
    {
        var report = Mldv2([(4, "ff0e::1:1"), (4, "ff0e::1:2"), (4, "ff0e::9:1")]);
        Assert.Equal(["Join * ff0e::1:1", "Join * ff0e::1:2", "Join * ff0e::9:1"], Changes(report));
        var (result, output, outcomes) = Handle(report);
        Assert.True(result.RewrittenLength > 0, $"{result} " + string.Join("; ", outcomes.Memberships.Select(m => m.Decision.ToString())) + string.Join("; ", outcomes.Problems.Select(p => p.What)));
        Assert.Equal(["Join * ff0e::1:1"], Changes(output));
        Assert.Equal([DenyReason.None, DenyReason.InterfaceLimit, DenyReason.AccessFilter], outcomes.Memberships.Select(m => m.Decision.Reason));
        Assert.Equal(1, _engine.MembershipCount(_eth0.Id, PolicyKit.Tables.Model.AddressFamily.V6));
    }

    [Fact]
    public void A_query_from_a_host_is_dropped_where_the_policy_says_queries_drop()
    {
        var query = new byte[] { 0x46, 0, 0, 36, 0, 0, 0, 0, 1, 2, 0, 0, 10, 0, 0, 2, 224, 0, 0, 1, 0x94, 4, 0, 0,
                                 0x11, 10, 0, 0, 0, 0, 0, 0, 2, 125, 0, 0 };
        Fix(query, 24);
        var (result, _, outcomes) = Handle(query);
        Assert.Equal(PacketVerdict.Drop, result.Verdict);
        Assert.True(Assert.Single(outcomes.Queries).Dropped);
    }

    [Fact]
    public void A_malformed_report_is_dropped_and_reported_without_touching_the_engine()
    {
        var report = Igmpv3([(4, "239.1.0.1")]);
        report[^1] ^= 0xff;                          // IGMP checksum now wrong
        var (result, _, outcomes) = Handle(report);
        Assert.Equal(PacketVerdict.Drop, result.Verdict);
        Assert.Contains("checksum", Assert.Single(outcomes.Problems).What);
        Assert.Equal(0, _engine.MembershipEntries);
    }

    /// <summary>IGMPv3 report from 10.0.0.2 with (type, group) records and no sources.</summary>
    private static byte[] Igmpv3((byte Type, string Group)[] records)
    {
        var p = new byte[24 + 8 + records.Length * 8];
        new byte[] { 0x46, 0xc0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 10, 0, 0, 2, 224, 0, 0, 22, 0x94, 4, 0, 0 }.CopyTo(p, 0);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(10), InternetChecksum.Compute(p.AsSpan(0, 24)));
        p[24] = 0x22;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(30), (ushort)records.Length);
        for (int i = 0; i < records.Length; i++)
        {
            p[32 + i * 8] = records[i].Type;
            System.Net.IPAddress.Parse(records[i].Group).GetAddressBytes().CopyTo(p, 32 + i * 8 + 4);
        }
        Fix(p, 24);
        return p;
    }

    private static void Fix(byte[] p, int at)
    {
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(at + 2), 0);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(at + 2), InternetChecksum.Compute(p.AsSpan(at)));
    }

    /// <summary>MLDv2 report from fe80::2 to ff02::16 (hop-by-hop router alert) with (type, group) records and no sources.</summary>
    private static byte[] Mldv2((byte Type, string Group)[] records)
    {
        int icmp = 8 + records.Length * 20;
        var p = new byte[40 + 8 + icmp];
        p[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)(8 + icmp));
        p[6] = 0;        // next: hop-by-hop
        p[7] = 1;
        System.Net.IPAddress.Parse("fe80::2").GetAddressBytes().CopyTo(p, 8);
        System.Net.IPAddress.Parse("ff02::16").GetAddressBytes().CopyTo(p, 24);
        new byte[] { 58, 0, 5, 2, 0, 0, 1, 0 }.CopyTo(p, 40);   // next ICMPv6; router alert (MLD); PadN
        int m = 48;
        p[m] = 143;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(m + 6), (ushort)records.Length);
        for (int i = 0; i < records.Length; i++)
        {
            p[m + 8 + i * 20] = records[i].Type;
            System.Net.IPAddress.Parse(records[i].Group).GetAddressBytes().CopyTo(p, m + 8 + i * 20 + 4);
        }
        // ICMPv6 checksum over the pseudo-header: source, destination, upper-layer length, next header 58.
        ulong sum = InternetChecksum.Add(0, p.AsSpan(8, 32));
        sum = InternetChecksum.AddUInt32(sum, (uint)icmp);
        sum = InternetChecksum.AddUInt32(sum, 58);
        sum = InternetChecksum.Add(sum, p.AsSpan(m));
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(m + 2), InternetChecksum.Finish(sum));
        return p;
    }
}
