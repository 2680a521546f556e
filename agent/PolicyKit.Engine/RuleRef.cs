namespace PolicyKit.Engine;

/// <summary>What kind of rule of the table made a decision (see <see cref="RuleRef"/>).</summary>
public enum RuleKind : byte
{
    /// <summary>No rule: the policy says nothing (admitted by default).</summary>
    None = 0,

    /// <summary>A rule of a first-match filter: Owner = filter index, Item = rule index.</summary>
    FilterRule,

    /// <summary>The implicit deny at the end of a filter: Owner = filter index.</summary>
    FilterDefault,

    /// <summary>The router's SSM range.</summary>
    SsmRange,

    /// <summary>An interface's minimum IGMP/MLD version: Owner = interface index, Item = 4 (IGMP) or 6 (MLD).</summary>
    MinimumVersion,

    /// <summary>An interface's membership limit: Owner = interface index, Item = 4 (IGMP) or 6 (MLD).</summary>
    InterfaceLimit,

    /// <summary>The router-wide membership cap: Item = 4 (IGMP) or 6 (MLD).</summary>
    RouterLimit,

    /// <summary>The router-wide route limit.</summary>
    RouteLimit,

    /// <summary>A per-interface state limit: Owner = interface index, Item = index among the interface's limits.</summary>
    StateLimit,

    /// <summary>An MSDP peer's SA limit: Owner = peer index.</summary>
    SaLimit,

    /// <summary>The register rate limit.</summary>
    RegisterRate,

    /// <summary>A BGP peer's max-prefix: Owner = peer index.</summary>
    MaxPrefix,

    /// <summary>A rule of a BGP prefix filter: Owner = prefix-filter index, Item = rule index.</summary>
    PrefixRule,

    /// <summary>The implicit deny of a BGP prefix filter: Owner = prefix-filter index.</summary>
    PrefixDefault,

    /// <summary>The device's per-interface default limit on an interface the table does not name: Item = 4 (IGMP) or 6 (MLD).</summary>
    DefaultLimit,
}

/// <summary>
/// A reference to the rule of a table that made a decision. Render it with
/// <see cref="Compiled.CompiledTable.Describe(RuleRef)"/> and locate it in the policy with
/// <see cref="Compiled.CompiledTable.LocationOf(RuleRef)"/>.
/// </summary>
public readonly record struct RuleRef(RuleKind Kind, int Owner, int Item)
{
    public static readonly RuleRef None = default;

    public bool IsNone => Kind == RuleKind.None;
}
