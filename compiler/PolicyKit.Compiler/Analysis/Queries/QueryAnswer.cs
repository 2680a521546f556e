using PolicyKit.Engine;

namespace PolicyKit.Compiler.Analysis.Queries;

/// <summary>What a question asserts (<c>--expect</c>, a test's <c>expect</c>): every event of its space is admitted, or none is.</summary>
public enum Expectation
{
    None,
    Admit,
    Deny,
}

/// <summary>One decision of an event: the verdict, why, the deciding rule and the limit it was measured against.</summary>
public sealed record AnswerDecision(string Event, Verdict Verdict, DenyReason Reason, RuleInfo? Rule, AnswerLimit? Limit, IReadOnlyList<string> Notes)
{
    public bool IsAdmit => Verdict == Verdict.Admit;

    public string VerdictText => IsAdmit ? "admit" : $"deny ({Decision.ReasonText(Reason)})";
}

/// <summary>A limit and its use: entries, states, or bits per second (<see cref="IsBandwidth"/>); <see cref="Max"/> -1 when unlimited.</summary>
public sealed record AnswerLimit(RuleInfo Rule, long Used, long Max, bool IsBandwidth)
{
    public long Left => Max < 0 ? -1 : Math.Max(0, Max - Used);

    /// <summary>For a cost limit: each class it charges, its cost, and how many more streams of it fit.</summary>
    public IReadOnlyList<ClassFit> Classes { get; init; } = [];

    /// <summary>What the next refusal will be, in words ("the 14th more mpeg2-hd stream").</summary>
    public string? NextRefused { get; init; }
}

/// <summary>A stream class of a cost limit: what one stream costs and how many more fit.</summary>
public sealed record ClassFit(string Class, long CostBps, long Fits);

/// <summary>
/// One axis of a region: its name, every prefix it holds (exact), and a short form for people
/// ("any", "any except 198.51.100.0/26").
/// </summary>
public sealed record RegionAxis(string Axis, IReadOnlyList<string> Values, string Text);

/// <summary>A part of a question's space and the decision every event in it gets.</summary>
public sealed record AnswerRegion(Verdict Verdict, DenyReason Reason, RuleInfo? Rule, IReadOnlyList<RegionAxis> Axes)
{
    public bool IsAdmit => Verdict == Verdict.Admit;

    public string VerdictText => IsAdmit ? "admit" : $"deny ({Decision.ReasonText(Reason)})";
}

/// <summary>Whether the expectation holds, with a counterexample (it does not) or a witness (it does).</summary>
public sealed record ExpectationResult(Expectation Expected, bool Holds, AnswerDecision? Example);

/// <summary>
/// The answer to one question of <c>mpolc query</c>: point decisions (a join, a list of
/// streams), regions of the space with their decisions, limits with what is left, notes on what
/// the answer leaves out, and the checked expectation.
/// </summary>
public sealed record QueryAnswer(string Question, string Subject)
{
    public IReadOnlyList<AnswerDecision> Decisions { get; init; } = [];

    public IReadOnlyList<AnswerRegion> Regions { get; init; } = [];

    public IReadOnlyList<AnswerLimit> Limits { get; init; } = [];

    public IReadOnlyList<string> Notes { get; init; } = [];

    public ExpectationResult? Expectation { get; init; }

    /// <summary>True when there is no expectation or it holds.</summary>
    public bool Holds => Expectation is null || Expectation.Holds;
}
