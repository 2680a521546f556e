using System.Runtime.CompilerServices;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Rib;

/// <summary>A route key for IPv6 and ADD-PATH routes (IPv4 without ADD-PATH packs into a ulong, see <see cref="ViewRib"/>).</summary>
internal readonly struct RouteKey(UInt128 bits, uint pathId, byte length, RouteFamily family) : IEquatable<RouteKey>
{
    public readonly UInt128 Bits = bits;
    public readonly uint PathId = pathId;
    public readonly byte Length = length;
    public readonly RouteFamily Family = family;

    public static RouteKey Of(in RoutePrefix p) => new(p.Bits, p.PathId, p.Length, p.Family);

    public static RouteKey PrefixOnly(in RoutePrefix p) => new(p.Bits, 0, p.Length, p.Family);

    public RoutePrefix Prefix => new(Family, Bits, Length, PathId);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(RouteKey other) => Bits == other.Bits && PathId == other.PathId && Length == other.Length && Family == other.Family;

    public override bool Equals(object? obj) => obj is RouteKey other && Equals(other);

    public override int GetHashCode()
    {
        ulong h = (ulong)Bits ^ ((ulong)(Bits >> 64) * 0x9E3779B97F4A7C15UL);
        h ^= ((ulong)PathId << 16) | ((ulong)Length << 8) | (byte)Family;
        h *= 0xBF58476D1CE4E5B9UL;
        return (int)(h ^ (h >> 32));
    }
}
