using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Tests.Structures;

/// <summary>The compiled filter against a plain linear scan of its rules, on large random filters.</summary>
public sealed class FirstMatchIndexTests
{
    private static AddressRange V4(uint first, uint last) => new(AddressFamily.V4, first, last);

    private static RangeSet? RandomSet(Random random, uint baseAddress, int span, bool allowV6)
    {
        switch (random.Next(10))
        {
            case 0: return null;
            case 1: return RangeSet.Any;
        }
        var ranges = new List<AddressRange>();
        for (int i = 0, n = random.Next(4) == 0 ? random.Next(2, 5) : 1; i < n; i++)
        {
            uint first = baseAddress + (uint)random.Next(span);
            ranges.Add(V4(first, first + (uint)random.Next(span / 8 + 1)));
        }
        if (allowV6 && random.Next(6) == 0)
        {
            UInt128 v6 = (UInt128.One << 120) * 0xFF + (uint)random.Next(span);
            ranges.Add(new AddressRange(AddressFamily.V6, v6, v6 + (uint)random.Next(16)));
        }
        return RangeSet.From(ranges);
    }

    private static Address RandomAddress(Random random, uint baseAddress, int span, bool v6) =>
        v6 ? Address.V6((UInt128.One << 120) * 0xFF + (uint)random.Next(span)) : Address.V4(baseAddress + (uint)random.Next(span + span / 4));

    /// <summary>The semantics, written as plainly as possible.</summary>
    private static int Linear(TableFilter filter, Address group, Address source, Address host)
    {
        for (int i = 0; i < filter.Rules.Length; i++)
        {
            var r = filter.Rules[i];
            if (r.Groups is not null && !r.Groups.Contains(group.Family, group.Value)) continue;
            if (r.Sources is not null && !r.Sources.Contains(source.Family, source.Value)) continue;
            if (r.From is not null && !r.From.IsAny && (host.IsNone || !r.From.Contains(host.Family, host.Value))) continue;
            return i;
        }
        return -1;
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 40)]
    [InlineData(3, 300)]
    [InlineData(4, 1500)]
    public void Compiled_filter_finds_the_same_rule_as_a_linear_scan(int seed, int rules)
    {
        var random = new Random(seed);
        const uint groups = 0xE8010000, sources = 0x0A000000, hosts = 0xC0A80000;
        int span = Math.Max(64, rules * 8);
        var list = new List<TableRule>();
        for (int i = 0; i < rules; i++)
        {
            list.Add(new TableRule(
                random.Next(2) == 0 ? RuleAction.Permit : RuleAction.Deny,
                random.Next(3) == 0 ? null : RandomSet(random, sources, 64, allowV6: true),
                random.Next(8) == 0 ? null : RandomSet(random, groups, span, allowV6: true),
                i,
                random.Next(5) == 0 ? RandomSet(random, hosts, 32, allowV6: false) : null));
        }
        if (random.Next(2) == 0) list.Add(new TableRule(RuleAction.Deny, null, RangeSet.From([V4(groups, groups + (uint)span)]), rules));
        var filter = new TableFilter("random", [.. list], -1);
        var table = new AdmissionTable(new TableHeader("d", "linux", "", ""), [], [filter], [], [],
            new RouterEntry(-1, -1, -1, null, null, -1, RangeSet.Empty, -1, -1, -1), [], [], [], null, null);
        var compiled = CompiledTable.Build(table).Filters[0];

        for (int q = 0; q < 20_000; q++)
        {
            bool v6 = random.Next(10) == 0;
            var group = RandomAddress(random, groups, span, v6);
            var source = random.Next(5) == 0 ? Address.Wildcard(group.Family) : RandomAddress(random, sources, 64, v6);
            var host = random.Next(3) == 0 ? Address.None : RandomAddress(random, hosts, 32, false);
            int expected = Linear(filter, group, source, host);
            bool permit = compiled.Permits(group, source, host, out var rule);
            int actual = rule.Kind == RuleKind.FilterDefault ? -1 : rule.Item;
            if (expected != actual)
                Assert.Fail($"query {q}: group {group} source {source} host {host}: linear rule {expected}, compiled rule {actual}");
            Assert.Equal(expected >= 0 && filter.Rules[expected].Action == RuleAction.Permit, permit);
        }
    }

    [Fact]
    public void Ten_thousand_disjoint_ranges_compile_to_a_linear_number_of_intervals()
    {
        var rules = Enumerable.Range(0, 10_000)
            .Select(i => new TableRule(RuleAction.Permit, RangeSet.From([V4(0x0A000000, 0x0A0000FF)]), RangeSet.From([V4(0xE8000000u + (uint)i * 32, 0xE8000000u + (uint)i * 32 + 15)]), i))
            .Append(new TableRule(RuleAction.Deny, null, RangeSet.From([V4(0xE8000000, 0xE8FFFFFF)]), 10_000))
            .ToList();
        var filter = new TableFilter("lineup", [.. rules], -1);
        var table = new AdmissionTable(new TableHeader("d", "linux", "", ""), [], [filter], [], [],
            new RouterEntry(-1, -1, -1, null, null, -1, RangeSet.Empty, -1, -1, -1), [], [], [], null, null);
        var compiled = CompiledTable.Build(table).Filters[0];
        Assert.InRange(compiled.IntervalCount, 20_000, 20_004);
        Assert.True(compiled.Permits(Address.V4(0xE8000000u + 32 * 777 + 3), Address.V4(0x0A000005), Address.None, out var rule));
        Assert.Equal(777, rule.Item);
        Assert.False(compiled.Permits(Address.V4(0xE8000000u + 32 * 777 + 3), Address.V4(0x0B000005), Address.None, out rule));
        Assert.Equal(10_000, rule.Item);
        Assert.False(compiled.Permits(Address.V4(0xE8000000u + 32 * 777 + 20), Address.V4(0x0A000005), Address.None, out rule));
        Assert.Equal(10_000, rule.Item);
    }
}
