using System.Globalization;
using System.Net;

namespace PolicyKit.Bench;

/// <summary>
/// Hands out aligned, never-overlapping IPv4 blocks from public unicast space (no bogon /8 is
/// ever entered), so prefixes of different sets never contain one another.
/// </summary>
public sealed class V4Pool
{
    // First octets with no bogon inside them (see std/bogons.mpol): 0, 10, 100, 127, 169, 172,
    // 192, 198, 203 and 224+ are skipped as whole /8s.
    private static readonly int[] Excluded = [0, 10, 100, 127, 169, 172, 192, 198, 203];

    private ulong _cursor;

    public V4Pool(int firstOctet) => _cursor = (ulong)firstOctet << 24;

    public (uint Network, int Length) Allocate(int length)
    {
        ulong size = 1UL << (32 - length);
        while (true)
        {
            _cursor = (_cursor + size - 1) & ~(size - 1);
            int octet = (int)(_cursor >> 24);
            if (octet >= 224) throw new InvalidOperationException("IPv4 pool exhausted");
            if (Array.IndexOf(Excluded, octet) >= 0)
            {
                _cursor = (ulong)(octet + 1) << 24;
                continue;
            }
            var network = (uint)_cursor;
            _cursor += size;
            return (network, length);
        }
    }

    public static string Format(uint address) => string.Create(CultureInfo.InvariantCulture,
        $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}");

    public static string Format(uint network, int length) => length == 32 ? Format(network) : $"{Format(network)}/{length}";
}

/// <summary>The IPv6 counterpart of <see cref="V4Pool"/>: aligned blocks counted up from a base.</summary>
public sealed class V6Pool(UInt128 start)
{
    private UInt128 _cursor = start;

    public (UInt128 Network, int Length) Allocate(int length)
    {
        UInt128 size = UInt128.One << (128 - length);
        _cursor = (_cursor + size - 1) & ~(size - 1);
        var network = _cursor;
        _cursor += size;
        return (network, length);
    }

    public static UInt128 Parse(string text)
    {
        var bytes = IPAddress.Parse(text).GetAddressBytes();
        UInt128 value = 0;
        foreach (var b in bytes) value = (value << 8) | b;
        return value;
    }

    public static string Format(UInt128 address)
    {
        var bytes = new byte[16];
        for (int i = 15; i >= 0; i--)
        {
            bytes[i] = (byte)(address & 0xFF);
            address >>= 8;
        }
        return new IPAddress(bytes).ToString();
    }

    public static string Format(UInt128 network, int length) => $"{Format(network)}/{length.ToString(CultureInfo.InvariantCulture)}";
}
