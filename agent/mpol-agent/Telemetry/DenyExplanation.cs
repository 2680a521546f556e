using PolicyKit.Engine;
using PolicyKit.Engine.Compiled;

namespace PolicyKit.Agent.Telemetry;

/// <summary>The limit a deny was measured against, with its state at that moment.</summary>
public sealed record LimitExplanation(string Scope, string Rule, string Location, long Used, long Max, string Unit);

/// <summary>
/// Why the policy denied (or, in audit, would deny) an event, complete and in one shape for every
/// <see cref="DenyReason"/>: the reason, the rule that decided in words, the policy line that
/// writes it and, for a limit, the limit with its use and bound. A few reasons are decided by no
/// line of the policy (a malformed event, an MSDP peer the policy does not configure, an output
/// for state that does not exist); for those <see cref="Location"/> is empty and
/// <see cref="Basis"/> says what decided instead. docs/telemetry.md, "Deny events".
/// </summary>
public sealed record DenyExplanation(string Reason, bool Audit, string Rule, string Location, string? Basis, LimitExplanation? Limit)
{
    /// <summary>The reasons no policy line decides, with what decides them instead and the rule in words.</summary>
    public static (string Basis, string Rule)? Unlocated(DenyReason reason) => reason switch
    {
        DenyReason.InvalidEvent => ("protocol", "a well-formed event: source and group of one address family, a multicast group"),
        DenyReason.UnknownPeer => ("configuration", "only the MSDP peers the policy configures exchange SAs"),
        DenyReason.NoState => ("state", "an outgoing interface is added to state (S,G) that exists"),
        _ => null,
    };

    /// <summary>The explanation of a deny or would-deny decision (<see cref="Decision.IsDenyOrWouldDeny"/>).</summary>
    public static DenyExplanation Of(in Decision d)
    {
        var table = d.Table;
        string rule = d.RuleText;
        string location = d.LocationText;
        string? basis = null;
        if (Unlocated(d.Reason) is { } unlocated && rule.Length == 0)
        {
            basis = unlocated.Basis;
            rule = unlocated.Rule;
        }
        LimitExplanation? limit = null;
        if (!d.Limit.IsNone && table is not null)
        {
            limit = new LimitExplanation(LimitScope.Of(table, d.Limit).Path, table.Describe(d.Limit), table.LocationText(table.LocationOf(d.Limit)), d.Used, d.Max, Unit(table, d.Limit));
        }
        return new DenyExplanation(Decision.ReasonText(d.Reason), d.IsWouldDeny, rule, location, basis, limit);
    }

    /// <summary>What a limit's use and bound count: bits per second for a cost limit, registers per second for the register rate, else entries.</summary>
    public static string Unit(CompiledTable table, RuleRef limit) => limit.Kind switch
    {
        RuleKind.StateLimit when table.Interfaces[limit.Owner].StateLimits[limit.Item].Source.CostBased => "bps",
        RuleKind.RegisterRate => "registers/s",
        _ => "entries",
    };
}
