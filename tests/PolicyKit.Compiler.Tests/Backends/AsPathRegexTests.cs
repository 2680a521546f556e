using System.Text.RegularExpressions;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// The ASN-range regular expressions every Cisco-style and FRR platform gets: an alternation
/// matches exactly the numbers of its ranges — checked at every range edge and on random
/// numbers against the ranges themselves.
/// </summary>
public sealed class AsPathRegexTests
{
    private static bool Matches(string alternation, ulong number) =>
        Regex.IsMatch(number.ToString(System.Globalization.CultureInfo.InvariantCulture), "^(" + alternation + ")$");

    [Theory]
    [InlineData(AsnClass.Bogon)]
    [InlineData(AsnClass.Private)]
    public void A_class_matches_exactly_its_ranges(AsnClass kind)
    {
        var ranges = AsnRanges.Of(kind);
        string alternation = string.Join("|", ranges.SelectMany(r => AsPathRegex.Range(r.Low, r.High)));
        var samples = new List<ulong> { 0, 1, 9, 10, 99, 100, 23455, 23456, 23457, 64495, 64511, 64512, 65534, 65535, 65536, 131071, 131072,
            4199999999, 4200000000, 4294967294, 4294967295 };
        var random = new Random(20);
        for (int i = 0; i < 20000; i++) samples.Add((ulong)random.NextInt64(0, 4294967296L));
        for (int i = 0; i < 2000; i++) samples.Add((ulong)random.NextInt64(60000, 140000));
        foreach (var n in samples)
        {
            bool inside = ranges.Any(r => n >= r.Low && n <= r.High);
            Assert.True(inside == Matches(alternation, n), $"{kind}: {n} is {(inside ? "in" : "outside")} the ranges, but the regex says otherwise");
        }
    }

    [Fact]
    public void A_path_regex_finds_the_asn_anywhere_and_only_whole()
    {
        // FRR and IOS turn '_' into an AS boundary; here a space or either end stands for it.
        string regex = AsPathRegex.Carrying(AsnClass.Private).Replace("_", "(^| |$)", StringComparison.Ordinal);
        Assert.Matches(regex, "3333 65001 174");
        Assert.Matches(regex, "65001");
        Assert.DoesNotMatch(regex, "3333 165001");
        Assert.DoesNotMatch(regex, "3333 174");
        string longer = AsPathRegex.LongerThan(3).Replace("_", "(^| |$)", StringComparison.Ordinal);
        Assert.Matches(longer, "1 2 3 4");
        Assert.DoesNotMatch(longer, "1 2 3");
    }
}
