using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Analysis;

/// <summary>What the axes of a question's boxes are.</summary>
public enum SpaceKind
{
    /// <summary>IGMP/MLD joins: source (0 = the (*,G) wildcard), group, reporting host.</summary>
    Join,

    /// <summary>MSDP SAs and PIM registers: source, group.</summary>
    Channel,

    /// <summary>BGP prefixes: network, prefix length.</summary>
    Prefix,
}

/// <summary>The axes of each <see cref="SpaceKind"/> and their full ranges per address family.</summary>
public static class Space
{
    public const int Source = 0, Group = 1, Host = 2;
    public const int Network = 0, Length = 1;

    public static UInt128 MaxAddress(AddressFamily family) => family == AddressFamily.V4 ? uint.MaxValue : UInt128.MaxValue;

    public static int Bits(AddressFamily family) => family == AddressFamily.V4 ? 32 : 128;

    public static IntervalSet Addresses(AddressFamily family) => IntervalSet.Range(0, MaxAddress(family));

    /// <summary>224.0.0.0/4 or ff00::/8.</summary>
    public static IntervalSet Multicast(AddressFamily family) => family == AddressFamily.V4
        ? IntervalSet.Range(0xE000_0000u, 0xEFFF_FFFFu)
        : IntervalSet.Range((UInt128)0xFF << 120, UInt128.MaxValue);

    /// <summary>Every join of a family: any source or (*,G), any multicast group, any reporting host.</summary>
    public static Box Joins(AddressFamily family) => new(Addresses(family), Multicast(family), Addresses(family));

    /// <summary>Every (S,G) of a family.</summary>
    public static Box Channels(AddressFamily family) => new(Addresses(family), Multicast(family));

    /// <summary>Every prefix of a family (network × length 0…32 or 0…128).</summary>
    public static Box Prefixes(AddressFamily family) => new(Addresses(family), IntervalSet.Range(0, (UInt128)Bits(family)));

    /// <summary>A table's range set on one family's axis; null (not written) and any are the whole axis.</summary>
    public static IntervalSet Of(RangeSet? set, AddressFamily family)
    {
        if (set is null || set.IsAny) return Addresses(family);
        return IntervalSet.From(set.Ranges.Where(r => r.Family == family).Select(r => (r.First, r.Last)));
    }

    /// <summary>The addresses of a prefix.</summary>
    public static IntervalSet OfPrefix(AddressFamily family, UInt128 network, int length)
    {
        int host = Bits(family) - length;
        UInt128 mask = host >= 128 ? UInt128.MaxValue : (UInt128.One << host) - 1;
        return IntervalSet.Range(network & ~mask, (network & ~mask) | mask);
    }
}
