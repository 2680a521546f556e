using System.Collections.Immutable;
using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Bench;

/// <summary>
/// The benchmark's admission table, built directly with the table model: an IPTV edge with
/// <see cref="Interfaces"/> subscriber interfaces and <see cref="Lineups"/> channel line-ups
/// (IGMP access filters) of <see cref="RangesPerLineup"/> group ranges each — 10,000 per line-up,
/// every interface using one of them. Half of each line-up's rules are SSM channels (source
/// head-end /26 and a /28 of groups), half ASM group ranges; a few deny rules in between; the
/// last rule denies the rest of 232/8 and 239/8. Every interface has an IGMP limit of 64 except
/// the channel guide, an out cost limit; the router has a group range, a route limit and an IGMP cap.
/// </summary>
internal static class BenchTable
{
    public const int Interfaces = 2000;
    public const int Lineups = 4;
    public const int RangesPerLineup = 10_000;
    public const uint GroupBase = 0xE8000000;     // 232.0.0.0
    public const uint AsmBase = 0xEF000000;       // 239.0.0.0
    public const uint HeadendBase = 0xC6336400;   // 198.51.100.0
    public const uint ChannelGuide = 0xEFFFFFFE;  // 239.255.255.254

    public static string InterfaceName(int i) => $"GigabitEthernet{i / 48}/0/{i % 48}";

    /// <summary>The first group of rule <paramref name="rule"/> of a line-up (each rule covers a /28 of 16 groups).</summary>
    public static uint RuleGroup(int lineup, int rule) => (rule % 2 == 0 ? GroupBase : AsmBase) + (uint)(lineup * RangesPerLineup + rule) * 16;

    /// <summary>The head-end (a /26) of SSM rule <paramref name="rule"/>.</summary>
    public static uint RuleSource(int rule) => HeadendBase + (uint)(rule % 4) * 64;

    public static CompiledTable Build() => CompiledTable.Build(Table());

    /// <summary>Variants for experiments: drop the access filter, the limits, the group range.</summary>
    public static bool NoAccess, NoLimits, NoGroupRange;

    public static AdmissionTable Table()
    {
        var locations = ImmutableArray.CreateBuilder<string>();
        int Location(int line)
        {
            locations.Add($"bench.mpol:{line}:5");
            return locations.Count - 1;
        }
        static RangeSet V4(uint first, uint last) => RangeSet.From([new AddressRange(AddressFamily.V4, first, last)]);

        var filters = ImmutableArray.CreateBuilder<TableFilter>();
        for (int l = 0; l < Lineups; l++)
        {
            var rules = ImmutableArray.CreateBuilder<TableRule>();
            rules.Add(new TableRule(RuleAction.Permit, null, V4(ChannelGuide, ChannelGuide), Location(1)));
            for (int r = 0; r < RangesPerLineup; r++)
            {
                uint g = RuleGroup(l, r);
                var groups = V4(g, g + 15);
                if (r % 97 == 0) rules.Add(new TableRule(RuleAction.Deny, null, groups, Location(r + 2)));
                else if (r % 2 == 0) rules.Add(new TableRule(RuleAction.Permit, V4(RuleSource(r), RuleSource(r) + 63), groups, Location(r + 2)));
                else rules.Add(new TableRule(RuleAction.Permit, null, groups, Location(r + 2)));
            }
            rules.Add(new TableRule(RuleAction.Deny, null, RangeSet.From([new AddressRange(AddressFamily.V4, 0xE8000000, 0xE8FFFFFF), new AddressRange(AddressFamily.V4, 0xEF000000, 0xEFFFFFFF)]), Location(RangesPerLineup + 2)));
            filters.Add(new TableFilter($"lineup-{l}", rules.ToImmutable(), Location(0)));
        }
        // Group range: deny 224.0.1.0/24 (Auto-RP and friends) and 233.252.0.0/14, permit the rest.
        filters.Add(new TableFilter("group-range", [
            new TableRule(RuleAction.Deny, null, V4(0xE0000100, 0xE00001FF), Location(20_001)),
            new TableRule(RuleAction.Deny, null, V4(0xE9FC0000, 0xE9FFFFFF), Location(20_002)),
            new TableRule(RuleAction.Permit, null, null, Location(20_003)),
        ], Location(20_000)));
        int groupRange = filters.Count - 1;

        var classes = ImmutableArray.Create(
            new CostClass("sd", null, V4(GroupBase, GroupBase + 0x7FFFFF), 4_000_000, Location(30_000)),
            new CostClass("hd", null, V4(GroupBase + 0x800000, GroupBase + 0xFFFFFF), 18_000_000, Location(30_001)));
        var except = V4(ChannelGuide, ChannelGuide);
        var interfaces = ImmutableArray.CreateBuilder<InterfaceEntry>();
        for (int i = 0; i < Interfaces; i++)
        {
            int line = 40_000 + i;
            var igmp = new MembershipEntry(2, NoAccess ? -1 : i % Lineups, NoLimits ? null : new GroupLimitEntry(64, except, Location(line)), true, Location(line));
            var limit = new StateLimitEntry(LimitDirection.Out, true, 500_000_000, null, null, [0, 1], 1000, Location(line));
            interfaces.Add(new InterfaceEntry(InterfaceName(i), igmp, null, [limit], -1, Location(line)));
        }
        var router = new RouterEntry(1_000_000, 900_000, Location(10), NoLimits ? null : new GroupLimitEntry(1_000_000, except, Location(11)), null,
            NoGroupRange ? -1 : groupRange, V4(0xE8000000, 0xE8FFFFFF), RouterEntry.Unlimited, -1, -1);
        return new AdmissionTable(new TableHeader("bench-edge", "linux", "bench", "bench"), locations.ToImmutable(), filters.ToImmutable(), [],
            classes, router, interfaces.ToImmutable(), [], [], null, null);
    }
}
