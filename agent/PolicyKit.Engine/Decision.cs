using PolicyKit.Engine.Compiled;

namespace PolicyKit.Engine;

public enum Verdict : byte
{
    Admit = 0,
    Deny = 1,
}

/// <summary>
/// The outcome of one event: the verdict, why (<see cref="Reason"/>, <see cref="Flags"/>), the
/// rule that decided (<see cref="Rule"/>, with its policy location through <see cref="Location"/>),
/// and the limit involved with its use after the decision (<see cref="Limit"/>, <see cref="Used"/>,
/// <see cref="Max"/>). A plain value: making one allocates nothing. It keeps the table it was made
/// with, so it renders correctly after a swap.
/// </summary>
public readonly struct Decision
{
    internal Decision(CompiledTable table, Verdict verdict, DenyReason reason, DecisionFlags flags, RuleRef rule, RuleRef limit, long used, long max)
    {
        Table = table;
        Verdict = verdict;
        Reason = reason;
        Flags = flags;
        Rule = rule;
        Limit = limit;
        Used = used;
        Max = max;
    }

    public CompiledTable Table { get; }

    public Verdict Verdict { get; }

    public DenyReason Reason { get; }

    public DecisionFlags Flags { get; }

    /// <summary>The rule that decided: for a deny the rule or limit that refused; for an admit the permitting rule if a filter decided, else the limit.</summary>
    public RuleRef Rule { get; }

    /// <summary>The limit this decision was measured against (for a limit deny, the same as <see cref="Rule"/>).</summary>
    public RuleRef Limit { get; }

    /// <summary>The use of <see cref="Limit"/> after the decision (entries, states, or bits per second).</summary>
    public long Used { get; }

    /// <summary>The maximum of <see cref="Limit"/>; -1 when there is none.</summary>
    public long Max { get; }

    public bool IsAdmit => Verdict == Verdict.Admit;

    /// <summary>The policy would deny this event, but its scope is in audit: it is admitted and reported as "would deny".</summary>
    public bool IsWouldDeny => (Flags & DecisionFlags.Audit) != 0;

    /// <summary>A deny, enforced or (in audit) only reported: <see cref="Reason"/> says why.</summary>
    public bool IsDenyOrWouldDeny => Verdict == Verdict.Deny || IsWouldDeny;

    public bool Has(DecisionFlags flag) => (Flags & flag) == flag;

    /// <summary>The index of the deciding rule's location in the table (-1 when none).</summary>
    public int Location => Table is null ? -1 : Table.LocationOf(Rule);

    /// <summary>"file:line:col" of the deciding rule, or "" when no rule decided.</summary>
    public string LocationText => Table is null ? string.Empty : Table.LocationText(Location);

    /// <summary>The deciding rule in words.</summary>
    public string RuleText => Table is null ? string.Empty : Table.Describe(Rule);

    /// <summary>For logs and explain: "deny (interface-limit) test.mpol:12:5: igmp limit 2 on eth1 [2/2]"; in audit "admit (audit: would deny (interface-limit)) …".</summary>
    public override string ToString()
    {
        string verdict = IsWouldDeny ? $"admit (audit: would deny ({ReasonText(Reason)}))"
            : Verdict == Verdict.Admit ? "admit" : $"deny ({ReasonText(Reason)})";
        string where = LocationText;
        string rule = RuleText;
        string usage = Limit.IsNone ? string.Empty : $" [{Used}/{(Max < 0 ? "-" : Max.ToString(System.Globalization.CultureInfo.InvariantCulture))}]";
        var shown = Flags & ~DecisionFlags.Audit;
        string flags = shown == DecisionFlags.None ? string.Empty : $" {{{shown}}}";
        return rule.Length == 0 ? $"{verdict}{flags}" : $"{verdict}{flags} {(where.Length > 0 ? where + ": " : string.Empty)}{rule}{usage}";
    }

    /// <summary>The kebab-case name of a reason, as explain and telemetry print it.</summary>
    public static string ReasonText(DenyReason reason) => reason switch
    {
        DenyReason.None => "none",
        DenyReason.InvalidEvent => "invalid-event",
        DenyReason.GroupRange => "group-range",
        DenyReason.SsmRangeNeedsSource => "ssm-range-needs-source",
        DenyReason.MinimumVersion => "minimum-version",
        DenyReason.AccessFilter => "access-filter",
        DenyReason.InterfaceLimit => "interface-limit",
        DenyReason.RouterLimit => "router-limit",
        DenyReason.RouteLimit => "route-limit",
        DenyReason.StateLimit => "state-limit",
        DenyReason.NoState => "no-state",
        DenyReason.UnknownPeer => "unknown-peer",
        DenyReason.SaFilterIn => "sa-filter-in",
        DenyReason.SaFilterOut => "sa-filter-out",
        DenyReason.SaLimit => "sa-limit",
        DenyReason.AcceptRegister => "accept-register",
        DenyReason.RegisterRate => "register-rate-limit",
        DenyReason.PrefixFilter => "prefix-filter",
        DenyReason.MaxPrefix => "max-prefix",
        DenyReason.SaRedistribute => "sa-redistribute",
        _ => reason.ToString(),
    };
}
