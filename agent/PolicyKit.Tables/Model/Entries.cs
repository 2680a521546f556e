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
    public bool Equals(InterfaceEntry? other) => other is not null && Name == other.Name && Equals(Igmp, other.Igmp) && Equals(Mld, other.Mld) &&
        StateLimits.SequenceEqual(other.StateLimits) && SourceFilter == other.SourceFilter && Location == other.Location;

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
