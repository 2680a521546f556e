using PolicyKit.Engine.Analysis;

namespace PolicyKit.Engine.Tests.Analysis;

/// <summary>
/// <see cref="RegionDelta.AdmittedOnlyBy"/>, which <c>mpolc diff --semantic</c> reports as ranges
/// newly admitted or denied: on random decisions over a small 2-D space (every point checked),
/// a point is in the delta exactly when one side admits it and the other does not, and the
/// delta's boxes do not overlap.
/// </summary>
public sealed class RegionDeltaTests
{
    private const int Size = 24;

    [Fact]
    public void The_delta_holds_exactly_the_points_one_side_admits_and_the_other_does_not()
    {
        var space = new Box(IntervalSet.Range(0, Size - 1), IntervalSet.Range(0, Size - 1));
        int differing = 0;
        for (int seed = 1; seed <= 200; seed++)
        {
            var random = new Random(seed);
            var these = Decide(random, space);
            var those = Decide(random, space);
            var delta = RegionDelta.AdmittedOnlyBy(space, these, those);
            for (uint x = 0; x < Size; x++)
            {
                for (uint y = 0; y < Size; y++)
                {
                    UInt128[] point = [x, y];
                    bool expected = Admits(these, point) && !Admits(those, point);
                    int holding = delta.Count(b => b.Contains(point));
                    Assert.True(holding == (expected ? 1 : 0), $"seed {seed}, point ({x},{y}): in {holding} delta boxes, expected {(expected ? 1 : 0)}");
                    if (expected) differing++;
                }
            }
        }
        Assert.True(differing > 1000, $"only {differing} differing points: the random decisions are too alike to test anything");
    }

    [Fact]
    public void Equal_decisions_split_differently_have_no_delta()
    {
        var space = new Box(IntervalSet.Range(0, 99), IntervalSet.Range(0, 99));
        var whole = new List<DecidedRegion> { new(new Box(IntervalSet.Range(10, 59), IntervalSet.Range(0, 99)), RegionDecision.Admit(RuleRef.None)) };
        var split = new List<DecidedRegion>
        {
            new(new Box(IntervalSet.Range(10, 29), IntervalSet.Range(0, 99)), RegionDecision.Admit(new RuleRef(RuleKind.FilterRule, 0, 1))),
            new(new Box(IntervalSet.Range(30, 59), IntervalSet.Range(0, 49)), RegionDecision.Admit(new RuleRef(RuleKind.FilterRule, 0, 0))),
            new(new Box(IntervalSet.Range(30, 59), IntervalSet.Range(50, 99)), RegionDecision.Admit(new RuleRef(RuleKind.FilterRule, 0, 2))),
            new(new Box(IntervalSet.Range(60, 99), IntervalSet.Range(0, 99)), RegionDecision.Deny(DenyReason.AccessFilter, RuleRef.None)),
        };
        Assert.Empty(RegionDelta.AdmittedOnlyBy(space, whole, split));
        Assert.Empty(RegionDelta.AdmittedOnlyBy(space, split, whole));
    }

    /// <summary>A random first-match decision of the space: a few random rectangles, admit or deny, split by FirstMatch.</summary>
    private static List<DecidedRegion> Decide(Random random, Box space)
    {
        var rules = new List<(Box Region, bool Admit)>();
        for (int i = random.Next(1, 6); i > 0; i--)
        {
            uint x = (uint)random.Next(Size), y = (uint)random.Next(Size);
            rules.Add((new Box(IntervalSet.Range(x, x + (uint)random.Next(Size - (int)x)), IntervalSet.Range(y, y + (uint)random.Next(Size - (int)y))), random.Next(2) == 0));
        }
        return FirstMatch.Evaluate(space, rules.Select((r, i) => new Candidate(r.Region, i)).ToList())
            .Select(p => new DecidedRegion(p.Region, p.Rule >= 0 && rules[p.Rule].Admit ? RegionDecision.Admit(RuleRef.None) : RegionDecision.Deny(DenyReason.AccessFilter, RuleRef.None)))
            .ToList();
    }

    private static bool Admits(List<DecidedRegion> regions, UInt128[] point) => regions.Single(r => r.Region.Contains(point)).Decision.IsAdmit;
}
