namespace PolicyKit.Engine.Analysis;

/// <summary>
/// How two decisions over one space differ: the part one of them admits and the other does not.
/// Worked out by <see cref="FirstMatch"/> itself — the other side's admitted regions as the first
/// rule, this side's as the second: what the second rule decides is admitted here and not there.
/// </summary>
public static class RegionDelta
{
    /// <summary>The regions of <paramref name="space"/> that <paramref name="these"/> admit and <paramref name="those"/> do not.</summary>
    public static List<Box> AdmittedOnlyBy(Box space, IReadOnlyList<DecidedRegion> these, IReadOnlyList<DecidedRegion> those)
    {
        var candidates = new List<Candidate>();
        foreach (var r in those)
        {
            if (r.Decision.IsAdmit) candidates.Add(new Candidate(r.Region, 0));
        }
        foreach (var r in these)
        {
            if (r.Decision.IsAdmit) candidates.Add(new Candidate(r.Region, 1));
        }
        if (!candidates.Exists(c => c.Rule == 1)) return [];
        return FirstMatch.Evaluate(space, candidates).Where(p => p.Rule == 1).Select(p => p.Region).ToList();
    }
}
