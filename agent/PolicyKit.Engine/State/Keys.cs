using System.Runtime.CompilerServices;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.State;

internal static class KeyHash
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(UInt128 a) => Fold((ulong)a ^ (ulong)(a >> 64) * 0x9E3779B97F4A7C15UL);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Fold(ulong h)
    {
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        return (int)h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(UInt128 a) => (ulong)a ^ ((ulong)(a >> 64) * 0xC2B2AE3D27D4EB4FUL);
}

/// <summary>What the engine reads back from a membership key of either table.</summary>
internal interface IMembershipKey
{
    int Interface { get; }

    AddressFamily Family { get; }

    Address GroupAddress { get; }
}

/// <summary>
/// An IPv4 membership entry, the hot case, in 16 bytes: one per (interface, group) for ASM, per
/// (interface, source, group) for SSM.
/// </summary>
internal readonly struct Membership4Key(uint source, uint group, int iface, bool ssm) : IEquatable<Membership4Key>, IMembershipKey
{
    public readonly uint Source = source;
    public readonly uint Group = group;
    private readonly int _interface = iface;
    public readonly bool Ssm = ssm;

    public int Interface => _interface;

    public AddressFamily Family => AddressFamily.V4;

    public Address GroupAddress => Address.V4(Group);

    public bool Equals(Membership4Key other) => Group == other.Group && Source == other.Source && _interface == other._interface && Ssm == other.Ssm;

    public override bool Equals(object? obj) => obj is Membership4Key other && Equals(other);

    public override int GetHashCode() => KeyHash.Fold(
        ((((ulong)Group << 32) | Source) * 0x9E3779B97F4A7C15UL) ^ ((((ulong)(uint)_interface << 1) | (Ssm ? 1UL : 0)) * 0xC2B2AE3D27D4EB4FUL));
}

/// <summary>
/// A membership entry of either family (the engine uses it for IPv6): one per (interface, group)
/// for ASM, per (interface, source, group) for SSM. Addresses are held as 64-bit halves so the key is 8-byte aligned (40 bytes, no 16-byte padding)
/// and a record of the state table fits in one cache line.
/// </summary>
internal readonly struct MembershipKey : IEquatable<MembershipKey>, IMembershipKey
{
    private readonly ulong _groupLow;
    private readonly ulong _groupHigh;
    private readonly ulong _sourceLow;
    private readonly ulong _sourceHigh;
    private readonly int _interface;
    private readonly AddressFamily _family;
    public readonly bool Ssm;

    public int Interface => _interface;

    public AddressFamily Family => _family;

    public MembershipKey(UInt128 source, UInt128 group, int iface, AddressFamily family, bool ssm)
    {
        _groupLow = (ulong)group;
        _groupHigh = (ulong)(group >> 64);
        _sourceLow = (ulong)source;
        _sourceHigh = (ulong)(source >> 64);
        _interface = iface;
        _family = family;
        Ssm = ssm;
    }

    public UInt128 Group => new(_groupHigh, _groupLow);

    public UInt128 Source => new(_sourceHigh, _sourceLow);

    public Address GroupAddress => new(Family, Group);

    public Address SourceAddress => Ssm ? new Address(Family, Source) : Address.Wildcard(Family);

    public bool Equals(MembershipKey other) =>
        _groupLow == other._groupLow && _sourceLow == other._sourceLow && _interface == other._interface &&
        _groupHigh == other._groupHigh && _sourceHigh == other._sourceHigh && _family == other._family && Ssm == other.Ssm;

    public override bool Equals(object? obj) => obj is MembershipKey other && Equals(other);

    public override int GetHashCode() => KeyHash.Fold(
        (_groupLow ^ (_groupHigh * 0xC2B2AE3D27D4EB4FUL)) * 31 +
        (_sourceLow ^ (_sourceHigh * 0xC2B2AE3D27D4EB4FUL)) * 0x9E3779B97F4A7C15UL +
        (ulong)(uint)_interface * 0x100000001B3UL + (ulong)_family + (Ssm ? 0x80UL : 0));
}

/// <summary>A multicast route (S,G), or (*,G) with <see cref="HasSource"/> false and source 0.</summary>
internal readonly struct RouteKey(UInt128 source, UInt128 group, AddressFamily family, bool hasSource) : IEquatable<RouteKey>
{
    public readonly UInt128 Source = source;
    public readonly UInt128 Group = group;
    public readonly AddressFamily Family = family;
    public readonly bool HasSource = hasSource;

    public Address GroupAddress => new(Family, Group);

    public Address SourceAddress => new(Family, Source);

    public bool Equals(RouteKey other) => Group == other.Group && Source == other.Source && Family == other.Family && HasSource == other.HasSource;

    public override bool Equals(object? obj) => obj is RouteKey other && Equals(other);

    public override int GetHashCode() => KeyHash.Fold(KeyHash.Mix(Group) * 31 + KeyHash.Mix(Source) * 0x9E3779B97F4A7C15UL + (ulong)Family + (HasSource ? 0x80UL : 0));
}

/// <summary>An outgoing interface of a route (by the route's slot).</summary>
internal readonly record struct OutputKey(int Route, int Interface);

/// <summary>An SA cache entry learned from a peer.</summary>
internal readonly struct SaKey(Address peer, UInt128 source, UInt128 group, AddressFamily family) : IEquatable<SaKey>
{
    public readonly Address Peer = peer;
    public readonly UInt128 Source = source;
    public readonly UInt128 Group = group;
    public readonly AddressFamily Family = family;

    public bool Equals(SaKey other) => Group == other.Group && Source == other.Source && Family == other.Family && Peer == other.Peer;

    public override bool Equals(object? obj) => obj is SaKey other && Equals(other);

    public override int GetHashCode() => KeyHash.Fold(KeyHash.Mix(Group) * 31 + KeyHash.Mix(Source) * 0x9E3779B97F4A7C15UL + KeyHash.Mix(Peer.Value) * 0x100000001B3UL + (ulong)Family);
}

/// <summary>A BGP route: a prefix from a peer.</summary>
internal readonly struct PrefixKey(Address peer, Address network, byte length) : IEquatable<PrefixKey>
{
    public readonly Address Peer = peer;
    public readonly Address Network = network;
    public readonly byte Length = length;

    public bool Equals(PrefixKey other) => Network == other.Network && Length == other.Length && Peer == other.Peer;

    public override bool Equals(object? obj) => obj is PrefixKey other && Equals(other);

    public override int GetHashCode() => KeyHash.Fold(KeyHash.Mix(Network.Value) * 31 + KeyHash.Mix(Peer.Value) * 0x9E3779B97F4A7C15UL + Length + ((ulong)Network.Family << 8));
}

/// <summary>A route's own data: its incoming interface, whether its source is connected there, and its outgoing interfaces (a list through the output table).</summary>
internal struct RouteValue
{
    public int Rpf;
    public bool Connected;
    public int FirstOutput;
}

/// <summary>An outgoing interface in its route's doubly linked list.</summary>
internal struct OutputValue
{
    public int Previous;
    public int Next;
}

/// <summary>A register token bucket: tokens in units of 1/TicksPerSecond, and when they were last refilled.</summary>
internal struct Bucket
{
    public long Tokens;
    public long Refilled;
}

/// <summary>
/// What a membership entry remembers of its last full check: the table generation it was checked
/// under and the access rule that permitted it (-1: no filter decided). Group range, SSM range and
/// access filter depend only on the table and (S,G) — and on the host only when the filter has
/// host terms — so a refresh under the same table need not match them again.
/// </summary>
internal struct MembershipMemo
{
    public int Generation;
    public int Rule;
}
