using System.Globalization;
using System.Runtime.CompilerServices;
using PolicyKit.Engine;
using PolicyKit.Tables.Model;

namespace PolicyKit.Bmp.Wire;

/// <summary>
/// One NLRI entry: a prefix of a family with host bits cleared (IPv4 in the low 32 bits of
/// <see cref="Bits"/>), and its ADD-PATH path identifier (0 without ADD-PATH).
/// </summary>
public readonly record struct RoutePrefix(RouteFamily Family, UInt128 Bits, byte Length, uint PathId)
{
    public Address Network => Family.IsIpv6() ? Address.V6(Bits) : Address.V4((uint)Bits);

    public AddressFamily AddressFamily => Family.IsIpv6() ? AddressFamily.V6 : AddressFamily.V4;

    public string PrefixText => $"{Network}/{Length.ToString(CultureInfo.InvariantCulture)}";

    public override string ToString() => PathId == 0 ? PrefixText : $"{PrefixText} path {PathId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses "10.0.0.0/8" or "2001:db8::/32" (host bits cleared); false for anything else.</summary>
    public static bool TryParse(string text, RouteFamily unicastOrMulticast, out RoutePrefix prefix)
    {
        prefix = default;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !Address.TryParse(text[..slash], out var address) ||
            !byte.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out byte length)) return false;
        bool v6 = address.Family == AddressFamily.V6;
        var family = (RouteFamily)(((int)unicastOrMulticast & 2) | (v6 ? 1 : 0));
        if (length > family.MaxLength()) return false;
        prefix = new RoutePrefix(family, Mask(address.Value, length, v6), length, 0);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 Mask(UInt128 bits, int length, bool v6)
    {
        if (v6) return length == 0 ? UInt128.Zero : bits & (UInt128.MaxValue << (128 - length));
        return length == 0 ? UInt128.Zero : (uint)bits & (uint.MaxValue << (32 - length));
    }
}

/// <summary>A reusable, growable list of prefixes (the decoder fills it; no allocation once grown).</summary>
public sealed class PrefixList
{
    private RoutePrefix[] _items = new RoutePrefix[64];

    public int Count { get; private set; }

    public ref readonly RoutePrefix this[int index] => ref _items[index];

    public ReadOnlySpan<RoutePrefix> AsSpan() => _items.AsSpan(0, Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in RoutePrefix prefix)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = prefix;
    }

    public void Clear() => Count = 0;

    /// <summary>Moves every entry of <paramref name="other"/> to the end of this list.</summary>
    public void TakeAll(PrefixList other)
    {
        for (int i = 0; i < other.Count; i++) Add(other._items[i]);
        other.Clear();
    }
}
