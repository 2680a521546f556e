using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PolicyKit.Packets;

/// <summary>
/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit
/// words. Used for the IPv4 header, IGMP, and ICMPv6 (over the IPv6 pseudo-header). Sums are
/// kept in 64 bits and folded at the end, so partial sums can be added together (every part
/// but the last must have an even length).
/// </summary>
public static class InternetChecksum
{
    /// <summary>Adds the bytes (as big-endian 16-bit words; an odd last byte is padded with zero) to a running sum.</summary>
    public static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        // Summing native-order words and byte-swapping the folded result gives the same ones'
        // complement sum as big-endian 16-bit words (RFC 1071 §2(B), byte-order independence).
        // Eight bytes at a time, split into 32-bit halves so the 64-bit accumulator cannot overflow
        // for any span .NET can hold.
        ref var start = ref MemoryMarshal.GetReference(data);
        var length = data.Length;
        ulong native = 0;
        var i = 0;
        for (; i + 8 <= length; i += 8)
        {
            var v = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i));
            native += (v & 0xFFFF_FFFF) + (v >> 32);
        }
        if (i + 4 <= length)
        {
            native += Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, i));
            i += 4;
        }
        if (i + 2 <= length)
        {
            native += Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, i));
            i += 2;
        }
        if (i < length)
        {
            // The odd byte is the high byte of a big-endian word padded with zero.
            ulong last = Unsafe.Add(ref start, i);
            native += BitConverter.IsLittleEndian ? last : last << 8;
        }
        var folded = Fold(native);
        if (BitConverter.IsLittleEndian) folded = BinaryPrimitives.ReverseEndianness(folded);
        return sum + folded;
    }

    /// <summary>Adds one 16-bit value (host order) to a running sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong AddWord(ulong sum, ushort value) => sum + value;

    /// <summary>Adds a 32-bit value (host order, as two 16-bit words) to a running sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong AddUInt32(ulong sum, uint value) => sum + (value >> 16) + (value & 0xFFFF);

    /// <summary>The checksum field value for a finished sum (host order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Finish(ulong sum) => (ushort)~Fold(sum);

    /// <summary>The checksum of <paramref name="data"/> alone.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(0, data));

    /// <summary>True when data that contains its own checksum field sums to all ones (a valid checksum).</summary>
    public static bool IsValid(ReadOnlySpan<byte> data) => Compute(data) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort Fold(ulong sum)
    {
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }
}
