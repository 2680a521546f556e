using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Emit.Junos;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// Issue 18: a Junos firewall filter lists a rule's addresses in one term instead of writing a
/// term per (source, destination) pair. On random first-match filters — overlapping prefixes,
/// "any" written as 0.0.0.0/0, several protocols, ports, deny and permit — the merged terms decide
/// every probe packet as the pair-by-pair terms did, read with Junos's own term semantics
/// (conditions of one kind are alternatives, conditions of different kinds must all hold).
/// </summary>
public sealed class JunosTermMergeTests
{
    private static readonly SourceFile File = new("merge.mpol", new string(' ', 10_000));

    private static readonly IpPrefix[] Universe =
    [
        IpPrefix.Parse("10.0.0.0/8"), IpPrefix.Parse("10.1.0.0/16"), IpPrefix.Parse("10.1.2.0/24"), IpPrefix.Parse("10.2.0.0/16"),
        IpPrefix.Parse("10.2.3.0/24"), IpPrefix.Parse("192.0.2.0/24"), IpPrefix.Parse("192.0.2.128/25"), IpPrefix.AnyV4,
    ];

    private static readonly ProtocolMatch[] Protocols =
        [new(Protocol.Tcp, 6), new(Protocol.Udp, 17), new(Protocol.Icmp, 1), new(Protocol.Pim, 103), new(Protocol.Bgp, 6)];

    private sealed record Packet(UInt128 Source, UInt128 Destination, string Protocol, int SourcePort, int DestinationPort);

    [Fact]
    public void A_rule_over_two_sets_is_one_term_listing_every_address()
    {
        var span = new SourceSpan(File, 1, 1);
        IpPrefix a = IpPrefix.Parse("11.0.0.0/24"), b = IpPrefix.Parse("11.0.1.0/24"), c = IpPrefix.Parse("11.0.6.0/24"), d = IpPrefix.Parse("11.0.7.0/24");
        var pieces = new[] { (a, c), (a, d), (b, c), (b, d) }
            .Select(p => new LoweredRule(RuleAction.Permit, p.Item1, p.Item2, new ProtocolMatch(Protocol.Udp, 17), null, 1024, false, span));
        var term = Assert.Single(JunosTerms.FirewallTerms(pieces, IpFamily.V4));
        Assert.Equal(
            ["source-address 11.0.0.0/24", "source-address 11.0.1.0/24", "destination-address 11.0.6.0/24", "destination-address 11.0.7.0/24",
             "protocol udp", "destination-port 1024"],
            term.From);
        Assert.Equal(["accept"], term.Then);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(18)]
    [InlineData(2026)]
    public void Merged_terms_decide_every_packet_as_the_pair_by_pair_terms(int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 200; round++)
        {
            var pieces = RandomFilter(random);
            var pairByPair = pieces.Select(p => (JunosTerms.FirewallFrom(p, IpFamily.V4), JunosTerms.FirewallThen(p.Action, p.Log))).ToList();
            var merged = JunosTerms.FirewallTerms(pieces, IpFamily.V4).ToList();
            Assert.True(merged.Count <= pairByPair.Count);
            for (int probe = 0; probe < 300; probe++)
            {
                var packet = RandomPacket(random);
                Assert.Equal(Decide(pairByPair, packet), Decide(merged, packet));
            }
        }
    }

    /// <summary>A first-match filter lowered as FilterLowering does: per rule, sources × destinations × protocols, sharing the rule's span.</summary>
    private static List<LoweredRule> RandomFilter(Random random)
    {
        var pieces = new List<LoweredRule>();
        int rules = random.Next(1, 7);
        for (int r = 0; r < rules; r++)
        {
            var span = new SourceSpan(File, 10 * r + 1, 5);
            var sources = RandomAddresses(random);
            var destinations = RandomAddresses(random);
            ProtocolMatch?[] protocols = random.Next(3) == 0 ? [null] : Enumerable.Range(0, random.Next(1, 3)).Select(_ => (ProtocolMatch?)Protocols[random.Next(Protocols.Length)]).Distinct().ToArray();
            int? port = random.Next(3) == 0 ? null : 1000 + random.Next(3);
            var action = random.Next(2) == 0 ? RuleAction.Permit : RuleAction.Deny;
            bool log = random.Next(4) == 0;
            foreach (var s in sources)
            foreach (var d in destinations)
            foreach (var p in protocols)
                pieces.Add(new LoweredRule(action, s, d, p, null, port, log, span));
        }
        return pieces;
    }

    private static IpPrefix?[] RandomAddresses(Random random) =>
        random.Next(4) == 0 ? [null] : Enumerable.Range(0, random.Next(1, 4)).Select(_ => (IpPrefix?)Universe[random.Next(Universe.Length)]).Distinct().ToArray();

    private static Packet RandomPacket(Random random)
    {
        UInt128 Address()
        {
            var inside = Universe[random.Next(Universe.Length - 1)];
            return inside.Network + (UInt128)random.Next(0, 1 << Math.Min(16, 32 - inside.Length)) % (UInt128.One << (32 - inside.Length));
        }
        string[] protocols = ["tcp", "udp", "icmp", "pim"];
        int[] ports = [1000, 1001, 1002, 179, 80];
        return new Packet(Address(), Address(), protocols[random.Next(protocols.Length)], ports[random.Next(ports.Length)], ports[random.Next(ports.Length)]);
    }

    /// <summary>The first term whose conditions all hold decides (its first action word); no term: "none".</summary>
    private static string Decide(IEnumerable<(List<string> From, List<string> Then)> terms, Packet packet)
    {
        foreach (var (from, then) in terms)
        {
            if (from.GroupBy(Kind).All(kind => kind.Any(c => Holds(c, packet)))) return string.Join(" ", then);
        }
        return "none";
    }

    private static string Kind(string condition) => condition[..condition.LastIndexOf(' ')];

    private static bool Holds(string condition, Packet packet)
    {
        string value = condition[(condition.LastIndexOf(' ') + 1)..];
        int Port(string v) => v switch { "bgp" => 179, "msdp" => 639, _ => int.Parse(v) };
        return Kind(condition) switch
        {
            "source-address" => IpPrefix.Parse(value).Contains(packet.Source, IpFamily.V4),
            "destination-address" => IpPrefix.Parse(value).Contains(packet.Destination, IpFamily.V4),
            "protocol" => packet.Protocol == value,
            "destination-port" => packet.Protocol is "tcp" or "udp" && packet.DestinationPort == Port(value),
            "port" => packet.Protocol is "tcp" or "udp" && (packet.DestinationPort == Port(value) || packet.SourcePort == Port(value)),
            var other => throw new InvalidOperationException($"condition '{other}' not modelled by the test"),
        };
    }
}
