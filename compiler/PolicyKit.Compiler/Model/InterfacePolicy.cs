using System.Collections.Immutable;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Model;

public enum GroupProtocol
{
    /// <summary>IGMP: IPv4 group membership.</summary>
    Igmp,

    /// <summary>MLD: IPv6 group membership.</summary>
    Mld,
}

public enum LimitDirection
{
    /// <summary>States whose RPF (incoming) interface is this one (IOS <c>rpf</c>).</summary>
    Rpf,

    /// <summary>States that forward out of this interface (IOS <c>out</c>).</summary>
    Out,

    /// <summary>States of sources directly connected to this interface (IOS <c>connected</c>).</summary>
    Connected,
}

/// <summary>A count limit on group-membership entries, with entries that never count (except).</summary>
public sealed record GroupLimit(int Max, AddressMatch? Except, SourceSpan Span);

/// <summary>IGMP (or MLD) rules of an interface: ip igmp access-group / limit / version and the control list.</summary>
public sealed record GroupMembershipPolicy(
    GroupProtocol Protocol,
    int? MinimumVersion,
    Filter? Access,
    GroupLimit? Limit,
    bool DropQueries,
    Filter? Control,
    SourceSpan Span);

/// <summary>
/// A per-interface multicast state limit (IOS <c>ip multicast limit</c>). A count limit charges
/// each state 1; a bandwidth limit charges each state the cost of the first of
/// <see cref="Classes"/> that matches it, or <see cref="DefaultCost"/>.
/// </summary>
public sealed record StateLimit(
    LimitDirection Direction,
    long? MaxCount,
    Bandwidth? MaxBandwidth,
    AddressMatch? Groups,
    AddressMatch? Sources,
    ImmutableArray<TrafficClass> Classes,
    Bandwidth DefaultCost,
    SourceSpan Span)
{
    public bool IsCostBased => MaxBandwidth is not null;

    /// <summary>True when the policy wrote <c>default-cost</c> (otherwise it is the 1 kbps default).</summary>
    public bool DefaultCostIsExplicit { get; init; }

    public string Describe() => $"{Direction.ToString().ToLowerInvariant()} {(MaxBandwidth?.ToString() ?? MaxCount?.ToString())}";
}

/// <summary>ip multicast boundary: groups that never cross this interface (optionally Auto-RP announcements).</summary>
public sealed record Boundary(Filter Filter, bool FilterAutoRp, SourceSpan Span);

/// <summary>PIM on an interface: neighbor filter, BSR border, or PIM off.</summary>
public sealed record PimInterfacePolicy(bool NoNeighbors, AddressMatch? PermittedNeighbors, bool BsrBorder, bool Disabled, SourceSpan Span);

/// <summary>An interface of a device with the merged policy of its profiles and its own block.</summary>
public sealed record InterfacePolicy(
    string Name,
    ImmutableArray<string> Profiles,
    string? Description,
    GroupMembershipPolicy? Igmp,
    GroupMembershipPolicy? Mld,
    ImmutableArray<StateLimit> StateLimits,
    PimInterfacePolicy? Pim,
    ImmutableArray<Boundary> Boundaries,
    Filter? SourceFilter,
    bool RouterGuard,
    SourceSpan Span)
{
    public GroupMembershipPolicy? MembershipFor(GroupProtocol protocol) => protocol == GroupProtocol.Igmp ? Igmp : Mld;

    /// <summary>The site's ACLs/filters on this interface that PolicyKit's may replace (<c>takeover</c>).</summary>
    public ImmutableArray<SiteObject> TakeOver { get; init; } = [];
    /// <summary>
    /// Where <c>audit;</c> puts this interface in audit (in its own block, else in the last of its
    /// profiles that writes it); null when its rules are enforced. docs/language.md#audit.
    /// </summary>
    public SourceSpan? Audit { get; init; }
}
