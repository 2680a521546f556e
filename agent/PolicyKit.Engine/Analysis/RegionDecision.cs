namespace PolicyKit.Engine.Analysis;

/// <summary>What the engine decides for every point of a piece: verdict, reason and the deciding rule (as a <see cref="Decision"/> names them).</summary>
public readonly record struct RegionDecision(Verdict Verdict, DenyReason Reason, RuleRef Rule)
{
    public bool IsAdmit => Verdict == Verdict.Admit;

    public static RegionDecision Admit(RuleRef rule) => new(Verdict.Admit, DenyReason.None, rule);

    public static RegionDecision Deny(DenyReason reason, RuleRef rule) => new(Verdict.Deny, reason, rule);
}

/// <summary>A part of a question's space and the decision every point in it gets.</summary>
public readonly record struct DecidedRegion(Box Region, RegionDecision Decision);
