using System.Collections.Immutable;

namespace PolicyKit.Tables.Model;

/// <summary>One interface the policy names, with everything the engine enforces on it.</summary>
public sealed record InterfaceEntry(
    string Name,
    MembershipEntry? Igmp,
    MembershipEntry? Mld,
    ImmutableArray<StateLimitEntry> StateLimits,
    int SourceFilter,
    int Location)
{
    /// <summary>
    /// Where the policy puts this interface in audit (<c>audit;</c> in the interface or one of its
    /// profiles): a location index, or -1 when its rules are enforced. In audit the agent reports a
    /// deny by the interface's own rules (minimum version, access filter, limit, state limits) as
    /// "would deny" and admits. Format 1.2, section audit.
    /// </summary>
    public int AuditLocation { get; init; } = -1;

    public bool InAudit => AuditLocation >= 0;

    public bool Equals(InterfaceEntry? other) => other is not null && Name == other.Name && Equals(Igmp, other.Igmp) && Equals(Mld, other.Mld) &&
        StateLimits.SequenceEqual(other.StateLimits) && SourceFilter == other.SourceFilter && Location == other.Location && AuditLocation == other.AuditLocation;

    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
}

/// <summary>Router-wide limits and filters.</summary>
public sealed record RouterEntry(
    int RouteLimit,
    int RouteWarn,
    int RouteLimitLocation,
    GroupLimitEntry? IgmpCap,
    GroupLimitEntry? MldCap,
    int GroupRangeFilter,
    RangeSet Ssm,
    int RegisterRatePerSecond,
    int RegisterRateLocation,
    int AcceptRegisterFilter)
{
    /// <summary>No limit configured (route limit, warning, register rate).</summary>
    public const int Unlimited = -1;

    /// <summary>
    /// The per-interface IGMP limit (<c>igmp default-limit</c>) of every interface the table does
    /// not name; named interfaces carry it in their own entry. Format 1.1, section membership-defaults.
    /// </summary>
    public GroupLimitEntry? IgmpDefault { get; init; }

    /// <summary>As <see cref="IgmpDefault"/>, for MLD.</summary>
    public GroupLimitEntry? MldDefault { get; init; }

    /// <summary>
    /// <c>ip msdp redistribute</c>: the filter over (S,G) for the SAs this RP originates (a filter
    /// index, -1 = every local source is announced). Format 1.1, section msdp-origination.
    /// </summary>
    public int MsdpRedistributeFilter { get; init; } = -1;

    /// <summary>True when the entry uses a field of format 1.1 (the table is then written as 1.1).</summary>
    public bool UsesMinor1 => IgmpDefault is not null || MldDefault is not null || MsdpRedistributeFilter != -1;

    /// <summary>
    /// Where the policy puts the whole device in audit (<c>audit;</c> in the device block): a location
    /// index, or -1 when the device enforces. In audit every deny of the table is reported as "would
    /// deny" and admitted. Format 1.2, section audit.
    /// </summary>
    public int AuditLocation { get; init; } = -1;
}

public sealed record MsdpPeerEntry(AddressFamily Family, UInt128 Address, long RemoteAs, int SaFilterIn, int SaFilterOut, int SaLimit, int Location);

public sealed record BgpPeerEntry(
    AddressFamily Family,
    UInt128 Address,
    long RemoteAs,
    int MaxPrefix,
    int WarnCount,
    int RestartSeconds,
    bool WarningOnly,
    int PrefixFilterIn,
    int Location);

/// <summary>RFC 2439 damping parameters (penalty units as routers use them: 1000 per flap).</summary>
public sealed record DampingEntry(int HalfLifeSeconds, int Reuse, int Suppress, int MaxSuppressSeconds, int Location);

/// <summary>Telemetry hints the agent uses when its own config says nothing.</summary>
public sealed record TelemetryEntry(string Site, int IntervalSeconds, int WarnPercent);

/// <summary>
/// What the table is and where it came from. <see cref="Serial"/> orders the tables of a device
/// (format 1.1): the agent does not reload a table with a lower serial than the one in force
/// (rollback protection). 0 means none; <c>mpolc compile</c> writes the signing time (Unix
/// seconds) when it signs, or <c>--serial N</c>.
/// </summary>
public sealed record TableHeader(string Device, string Platform, string PolicyHash, string CompilerVersion, long Serial = 0);
