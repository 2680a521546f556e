using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;

namespace PolicyKit.Packets;

/// <summary>
/// An IPv4 or IPv6 address read from a packet, as a value: a family and a number (IPv4 in the low
/// 32 bits, host order), the same shape the engine's <c>Address</c> uses, so converting is a field
/// copy. <c>default</c> is <see cref="None"/> (no address: an ASM change has no source).
/// Never allocates; <see cref="ToIPAddress"/> and <see cref="ToString"/> do, for logs and tests.
/// </summary>
public readonly struct PacketAddress : IEquatable<PacketAddress>
{
    private readonly ulong _low;
    private readonly ulong _high;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PacketAddress(IpFamily family, UInt128 value)
    {
        Family = family;
        _low = (ulong)value;
        _high = (ulong)(value >> 64);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private PacketAddress(IpFamily family, ulong high, ulong low)
    {
        Family = family;
        _low = low;
        _high = high;
    }

    public static readonly PacketAddress None = default;

    public IpFamily Family { get; }

    public UInt128 Value => new(_high, _low);

    public bool IsNone => Family == IpFamily.None;

    /// <summary>True for 224.0.0.0/4 and ff00::/8.</summary>
    public bool IsMulticast => Family switch
    {
        IpFamily.V4 => (_low & 0xF000_0000) == 0xE000_0000,
        IpFamily.V6 => (_high >> 56) == 0xFF,
        _ => false,
    };

    public static PacketAddress V4(uint value) => new(IpFamily.V4, 0, value);

    public static PacketAddress V6(UInt128 value) => new(IpFamily.V6, value);

    /// <summary>Reads 4 (IPv4) or 16 (IPv6) bytes in network order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PacketAddress Read(IpFamily family, ReadOnlySpan<byte> bytes) => family == IpFamily.V4
        ? new PacketAddress(IpFamily.V4, 0, BinaryPrimitives.ReadUInt32BigEndian(bytes))
        : new PacketAddress(IpFamily.V6, BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));

    /// <summary>Writes the address in network order; returns the bytes written (4 or 16).</summary>
    public int Write(Span<byte> destination)
    {
        switch (Family)
        {
            case IpFamily.V4:
                BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)_low);
                return 4;
            case IpFamily.V6:
                BinaryPrimitives.WriteUInt128BigEndian(destination, Value);
                return 16;
            default:
                return 0;
        }
    }

    public static PacketAddress FromIPAddress(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
            throw new ArgumentException("address does not fit 16 bytes", nameof(address));
        return written == 4 ? Read(IpFamily.V4, bytes) : Read(IpFamily.V6, bytes);
    }

    public static PacketAddress Parse(string text) => FromIPAddress(IPAddress.Parse(text));

    public IPAddress? ToIPAddress()
    {
        if (IsNone) return null;
        Span<byte> bytes = stackalloc byte[16];
        var n = Write(bytes);
        return new IPAddress(bytes[..n]);
    }

    public bool Equals(PacketAddress other) => _low == other._low && _high == other._high && Family == other.Family;

    public override bool Equals(object? obj) => obj is PacketAddress other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_low, _high, Family);

    public static bool operator ==(PacketAddress left, PacketAddress right) => left.Equals(right);

    public static bool operator !=(PacketAddress left, PacketAddress right) => !left.Equals(right);

    public override string ToString() => IsNone ? "*" : ToIPAddress()!.ToString();
}
