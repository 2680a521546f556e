using System.Runtime.CompilerServices;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine;

/// <summary>
/// An IPv4 or IPv6 address as the table stores it: a family and a number (IPv4 in the low 32
/// bits). <c>default</c> is <see cref="None"/>: no address (an ASM join has no source, a join
/// may come without its reporting host). Held as two 64-bit halves: 24 bytes, 8-byte aligned, so
/// events and keys that carry addresses stay small.
/// </summary>
public readonly struct Address : IEquatable<Address>
{
    private readonly ulong _low;
    private readonly ulong _high;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Address(AddressFamily family, UInt128 value)
    {
        Family = family;
        _low = (ulong)value;
        _high = (ulong)(value >> 64);
    }

    public static readonly Address None = default;

    public AddressFamily Family { get; }

    public UInt128 Value => new(_high, _low);

    /// <summary>The low 32 bits: the whole address for IPv4.</summary>
    public uint Low32 => (uint)_low;

    public bool IsNone => Family == 0;

    public static Address V4(uint value) => new(AddressFamily.V4, value);

    public static Address V6(UInt128 value) => new(AddressFamily.V6, value);

    /// <summary>The source a (*,G) join or state is matched as: 0.0.0.0 (IPv6 ::), as IOS extended ACLs do.</summary>
    public static Address Wildcard(AddressFamily family) => new(family, UInt128.Zero);

    public static bool TryParse(string text, out Address address)
    {
        if (AddressText.TryParse(text, out var family, out var value))
        {
            address = new Address(family, value);
            return true;
        }
        address = None;
        return false;
    }

    public static Address Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IPv4 or IPv6 address");

    public bool Equals(Address other) => _low == other._low && _high == other._high && Family == other.Family;

    public override bool Equals(object? obj) => obj is Address other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_low, _high, Family);

    public static bool operator ==(Address left, Address right) => left.Equals(right);

    public static bool operator !=(Address left, Address right) => !left.Equals(right);

    public override string ToString() => IsNone ? "-" : AddressText.Format(Family, Value);
}

/// <summary>
/// An interface as the engine knows it: a stable number the engine gives a name once
/// (<see cref="AdmissionEngine.Interface"/>), valid across table swaps. Each table maps it to its
/// own interface entry by name; an id whose name a table does not know has no interface rules
/// there (router-wide rules still apply).
/// </summary>
public readonly record struct InterfaceId(int Value);
