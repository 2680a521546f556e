using PolicyKit.Compiler.Emit.Frr;
using PolicyKit.Compiler.Emit.Junos;
using System.Text;
using PolicyKit.Compiler.Checks;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Tests.Diagnostics;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// The paths made linear for issue 18 answer exactly what the quadratic code they replaced
/// answered. Each test runs the new code and the old definition (every pair compared) on
/// random inputs with the cases that matter: nesting, equal prefixes, both families.
/// The scaling itself is measured in bench/ (ScalingBenchmarks), never in a test.
/// </summary>
public sealed class LinearPathEquivalenceTests
{
    /// <summary>A random prefix from a small space, so that nesting and repeats are frequent.</summary>
    private static IpPrefix RandomPrefix(Random random)
    {
        var family = random.Next(4) == 0 ? IpFamily.V6 : IpFamily.V4;
        int max = family == IpFamily.V4 ? 32 : 128;
        int length = random.Next(8, 13) + (random.Next(3) == 0 ? random.Next(0, max - 12) : 0);
        UInt128 top = family == IpFamily.V4 ? (UInt128)0x0A000000u : (UInt128)0x2001_0db8u << 96;
        UInt128 value = top | ((UInt128)(uint)random.Next(0, 1 << 12) << (max - 20));
        var mask = length == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - length) >> (128 - max);
        return new IpPrefix(family, value & mask, length);
    }

    [Fact]
    public void Junos_route_filters_nest_exactly_when_some_pair_nests()
    {
        var random = new Random(18);
        int nested = 0;
        for (int round = 0; round < 3000; round++)
        {
            var filters = new List<(IpPrefix Prefix, string Text)>();
            var texts = new HashSet<string>();
            int count = random.Next(1, 12);
            for (int i = 0; i < count; i++)
            {
                var prefix = RandomPrefix(random);
                // The same prefix with another length range is another route-filter.
                string text = $"{prefix} {(random.Next(3) == 0 ? "orlonger" : "exact")}";
                if (texts.Add(text)) filters.Add((prefix, text));
            }
            bool expected = filters.Any(a => filters.Any(b => a.Text != b.Text && a.Prefix.Contains(b.Prefix)));
            Assert.Equal(expected, JunosTerms.AnyNested(filters));
            if (expected) nested++;
        }
        // Both answers were exercised many times.
        Assert.InRange(nested, 300, 2700);
    }

    [Fact]
    public void Frr_an_entry_is_covered_exactly_when_some_earlier_entry_covers_it()
    {
        var random = new Random(1818);
        int covered = 0, total = 0;
        for (int round = 0; round < 400; round++)
        {
            var seen = new PrefixListCompiler.SeenRanges();
            var list = new List<PrefixRange>();
            for (int i = 0; i < 40; i++)
            {
                var prefix = RandomPrefix(random);
                int low = Math.Min(prefix.MaxLength, prefix.Length + (random.Next(2) == 0 ? 0 : random.Next(0, 8)));
                int high = random.Next(3) switch { 0 => low, 1 => prefix.MaxLength, _ => Math.Min(prefix.MaxLength, low + random.Next(0, 8)) };
                var range = new PrefixRange(prefix, low, high);
                bool expected = list.Any(s => PrefixListCompiler.Covers(s, range));
                Assert.Equal(expected, seen.AnyCovers(range));
                total++;
                if (expected)
                {
                    covered++;
                    continue;
                }
                seen.Add(range);
                list.Add(range);
            }
        }
        Assert.InRange(covered, total / 20, total - total / 20);
    }

    [Fact]
    public void Shadowed_rules_are_reported_against_the_first_earlier_rule_that_covers_them()
    {
        // Filters large enough for the index (16 rules and more), whose rules share addresses
        // and differ in port and protocol, with and without addresses: the index must find the
        // rule the pairwise definition finds, for every rule.
        var random = new Random(181818);
        int reported = 0;
        for (int round = 0; round < 40; round++)
        {
            var text = new StringBuilder("sources s1 { 10.1.0.0/24; }\nsources s2 { 10.1.0.0/16; }\ngroups g1 { 232.1.0.0/16; }\ngroups g2 { 232.1.1.0/24; }\nfilter f {\n");
            int count = random.Next(16, 60);
            for (int i = 0; i < count; i++)
            {
                // One action: opposite actions on the same traffic are an error (MP3009), and a
                // policy with errors has no model to compare with.
                text.Append("    permit");
                int before = text.Length;
                if (random.Next(3) > 0) text.Append(" sources s").Append(random.Next(1, 3));
                if (random.Next(3) > 0) text.Append(" groups g").Append(random.Next(1, 3));
                if (random.Next(2) == 0) text.Append(" protocol ").Append(random.Next(2) == 0 ? "udp" : "tcp").Append(random.Next(3) > 0 ? $" port {random.Next(1, 5)}" : "");
                if (text.Length == before) text.Append(" protocol udp");
                text.Append(";\n");
            }
            var result = PolicyAssert.Check(text.Append("}\n").ToString());
            PolicyAssert.NoErrors(result);
            var rules = result.Model!.Filters.Single(f => f.Name == "f").Rules;
            var expected = new List<(int Rule, int Earlier)>();
            for (int j = 1; j < rules.Length; j++)
            {
                for (int i = 0; i < j; i++)
                {
                    if (!MatchCoverage.Covers(rules[i].Match, rules[j].Match)) continue;
                    expected.Add((rules[j].Span.Start, rules[i].Span.Start));
                    break;
                }
            }
            var actual = result.Diagnostics.Where(d => d.Code == "MP3008")
                .Select(d => (d.Span.Start, d.Related[0].Span.Start)).ToList();
            Assert.Equal(expected, actual);
            reported += actual.Count;
        }
        Assert.True(reported > 100, $"only {reported} shadowed rules: the test would not see a difference");
    }
}
