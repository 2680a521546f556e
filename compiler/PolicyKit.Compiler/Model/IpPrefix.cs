using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PolicyKit.Compiler.Model;

public enum IpFamily : byte
{
    V4 = 4,
    V6 = 6,
}

/// <summary>
/// An IPv4 or IPv6 prefix as a number and a length. IPv4 addresses sit in the low 32 bits so
/// that containment and ordering are plain integer arithmetic for both families.
/// </summary>
/// <remarks>
/// Laid out by the runtime (LayoutKind.Auto), not in declaration order: the 128-bit network is
/// 16-byte aligned, and the family before it padded the struct to 48 bytes (64 as a nullable)
/// instead of 32 (48). Prefixes are most of a large policy's model and of what the backends
/// make from it (issue 18).
/// </remarks>
[StructLayout(LayoutKind.Auto)]
public readonly record struct IpPrefix(IpFamily Family, UInt128 Network, int Length) : IComparable<IpPrefix>
{
    public int MaxLength => Family == IpFamily.V4 ? 32 : 128;

    public static IpPrefix AnyV4 => new(IpFamily.V4, 0, 0);

    public static IpPrefix AnyV6 => new(IpFamily.V6, 0, 0);

    /// <summary>The mask of host bits (the bits not fixed by the prefix).</summary>
    /// <remarks>UInt128 shifts count modulo 128, so ::/0 (a shift by 128) is spelled out.</remarks>
    public UInt128 HostMask => Length >= MaxLength ? UInt128.Zero
        : MaxLength - Length == 128 ? UInt128.MaxValue
        : (UInt128.One << (MaxLength - Length)) - 1;

    public UInt128 First => Network;

    public UInt128 Last => Network | HostMask;

    public bool Contains(IpPrefix other) =>
        other.Family == Family && other.Length >= Length && (other.Network & ~HostMask) == Network;

    public bool Contains(UInt128 address, IpFamily family) =>
        family == Family && (address & ~HostMask) == Network;

    public bool Overlaps(IpPrefix other) => Contains(other) || other.Contains(this);

    /// <summary>Parses "a.b.c.d", "a.b.c.d/n", IPv6 and IPv6/n. A bare address is a host prefix.</summary>
    public static bool TryParse(string text, out IpPrefix prefix, out string error, out bool hostBitsSet)
    {
        prefix = default;
        hostBitsSet = false;
        string addressText = text;
        int? length = null;
        int slash = text.IndexOf('/');
        if (slash >= 0)
        {
            addressText = text[..slash];
            if (!int.TryParse(text[(slash + 1)..], out int parsed))
            {
                error = "the prefix length is not a number";
                return false;
            }
            length = parsed;
        }
        if (!IPAddress.TryParse(addressText, out var address) ||
            (address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3))
        {
            error = "not an IPv4 or IPv6 address";
            return false;
        }
        var family = address.AddressFamily == AddressFamily.InterNetwork ? IpFamily.V4 : IpFamily.V6;
        int max = family == IpFamily.V4 ? 32 : 128;
        int len = length ?? max;
        if (len < 0 || len > max)
        {
            error = $"prefix length {len} is larger than {max}";
            return false;
        }
        UInt128 value = ToNumber(address.GetAddressBytes());
        var candidate = new IpPrefix(family, value, len);
        var network = value & ~candidate.HostMask;
        hostBitsSet = network != value;
        prefix = candidate with { Network = network };
        error = string.Empty;
        return true;
    }

    public static IpPrefix Parse(string text) =>
        TryParse(text, out var prefix, out var error, out _) ? prefix : throw new FormatException(error);

    public static UInt128 ToNumber(ReadOnlySpan<byte> bytes)
    {
        UInt128 value = 0;
        foreach (var b in bytes) value = (value << 8) | b;
        return value;
    }

    public IPAddress NetworkAddress => ToAddress(Network);

    public IPAddress ToAddress(UInt128 value)
    {
        int count = Family == IpFamily.V4 ? 4 : 16;
        var bytes = new byte[count];
        for (int i = count - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }
        return new IPAddress(bytes);
    }

    /// <summary>The network address as text, exactly as <see cref="IPAddress.ToString"/> writes it.</summary>
    /// <remarks>IPv4 is written directly: the backends write hundreds of thousands of ACL entries.</remarks>
    public string NetworkText => Family == IpFamily.V4 ? DottedQuad((uint)Network) : NetworkAddress.ToString();

    /// <summary>The IPv4 wildcard mask IOS ACLs use (0.0.255.255 for a /16).</summary>
    public string WildcardMask => Family == IpFamily.V4 ? DottedQuad((uint)HostMask) : ToAddress(HostMask).ToString();

    /// <summary>"a.b.c.d", as IPAddress writes an IPv4 address.</summary>
    private static string DottedQuad(uint value)
    {
        Span<char> text = stackalloc char[MaxDottedQuadLength];
        return new string(text[..FormatDottedQuad(value, text)]);
    }

    /// <summary>The longest IPv4 address text (255.255.255.255).</summary>
    public const int MaxDottedQuadLength = 15;

    /// <summary>Writes "a.b.c.d" (as IPAddress does) into <paramref name="text"/>; returns its length.</summary>
    public static int FormatDottedQuad(uint value, Span<char> text)
    {
        int length = 0;
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            if (shift != 24) text[length++] = '.';
            uint octet = (value >> shift) & 0xFF;
            if (octet >= 100) text[length++] = (char)('0' + octet / 100);
            if (octet >= 10) text[length++] = (char)('0' + octet / 10 % 10);
            text[length++] = (char)('0' + octet % 10);
        }
        return length;
    }

    public string NetmaskText => ToAddress(~HostMask & (Family == IpFamily.V4 ? uint.MaxValue : UInt128.MaxValue)).ToString();

    public bool IsHost => Length == MaxLength;

    public int CompareTo(IpPrefix other)
    {
        int c = Family.CompareTo(other.Family);
        if (c != 0) return c;
        c = Network.CompareTo(other.Network);
        return c != 0 ? c : Length.CompareTo(other.Length);
    }

    public override string ToString() => $"{NetworkText}/{Length}";

    // Well-known ranges the checks and the standard library rely on.
    public static readonly IpPrefix MulticastV4 = Parse("224.0.0.0/4");
    public static readonly IpPrefix MulticastV6 = Parse("ff00::/8");
    public static readonly IpPrefix DefaultSsmV4 = Parse("232.0.0.0/8");
    public static readonly IpPrefix DefaultSsmV6 = Parse("ff30::/12");

    public bool IsMulticast => Family == IpFamily.V4 ? MulticastV4.Contains(this) : MulticastV6.Contains(this);

    /// <summary>True when some address of this prefix is multicast (for "source is multicast").</summary>
    public bool OverlapsMulticast => Family == IpFamily.V4 ? MulticastV4.Overlaps(this) : MulticastV6.Overlaps(this);
}
