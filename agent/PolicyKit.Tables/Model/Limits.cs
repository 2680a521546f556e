using System.Collections.Immutable;

namespace PolicyKit.Tables.Model;

/// <summary>A count limit on membership entries; entries matching <see cref="Except"/> never count.</summary>
public sealed record GroupLimitEntry(int Max, RangeSet? Except, int Location);

/// <summary>IGMP or MLD policy of one interface, with the device default already applied.</summary>
public sealed record MembershipEntry(int MinVersion, int AccessFilter, GroupLimitEntry? Limit, bool DropQueries, int Location)
{
    /// <summary>No access filter (every join passes the access check).</summary>
    public const int NoFilter = -1;
}

public enum LimitDirection : byte
{
    Rpf = 0,
    Out = 1,
    Connected = 2,
}

/// <summary>A class of streams and what one stream costs, in bits per second.</summary>
public sealed record CostClass(string Name, RangeSet? Sources, RangeSet? Groups, long CostBps, int Location);

/// <summary>
/// A per-interface state limit. A count limit charges each state 1; a cost limit charges the
/// cost of the first class (in <see cref="Classes"/> order) that matches, else <see cref="DefaultCostBps"/>.
/// </summary>
public sealed record StateLimitEntry(
    LimitDirection Direction,
    bool CostBased,
    long Max,
    RangeSet? Sources,
    RangeSet? Groups,
    ImmutableArray<int> Classes,
    long DefaultCostBps,
    int Location)
{
    public bool Equals(StateLimitEntry? other) => other is not null && Direction == other.Direction && CostBased == other.CostBased &&
        Max == other.Max && Equals(Sources, other.Sources) && Equals(Groups, other.Groups) && Classes.SequenceEqual(other.Classes) &&
        DefaultCostBps == other.DefaultCostBps && Location == other.Location;

    public override int GetHashCode() => HashCode.Combine(Direction, Max, Location);
}
