using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Syntax;

/// <summary>
/// A fast path for the commonest address literal of a large policy: a plain dotted-quad IPv4
/// address or prefix ("198.51.100.0/24"), read from the source text without making strings.
/// It accepts only the canonical form — four decimal parts of 0–255 without leading zeros, and
/// a length of at most 32 — and gives exactly what <see cref="IpPrefix.TryParse"/> gives for
/// it; for anything else (IPv6, a leading zero, which IPAddress reads as octal, a bad part or
/// length) it declines and the caller uses <see cref="IpPrefix.TryParse"/>, which also words
/// the errors.
/// </summary>
internal static class Ipv4Literal
{
    public static bool TryParse(ReadOnlySpan<char> text, out IpPrefix prefix, out bool hostBitsSet)
    {
        prefix = default;
        hostBitsSet = false;
        uint address = 0;
        int i = 0;
        for (int part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (i >= text.Length || text[i] != '.') return false;
                i++;
            }
            if (!TryReadDecimal(text, ref i, out uint value) || value > 255) return false;
            address = (address << 8) | value;
        }
        int length = 32;
        if (i < text.Length)
        {
            if (text[i] != '/') return false;
            i++;
            if (!TryReadDecimal(text, ref i, out uint bits) || bits > 32 || i != text.Length) return false;
            length = (int)bits;
        }
        // uint shifts count modulo 32: the /0 mask is spelled out.
        uint hostMask = length == 0 ? uint.MaxValue : (1u << (32 - length)) - 1;
        uint network = address & ~hostMask;
        hostBitsSet = network != address;
        prefix = new IpPrefix(IpFamily.V4, network, length);
        return true;
    }

    /// <summary>One to three decimal digits without a leading zero (a lone "0" is fine).</summary>
    private static bool TryReadDecimal(ReadOnlySpan<char> text, ref int i, out uint value)
    {
        value = 0;
        int start = i;
        while (i < text.Length && i - start < 3 && char.IsAsciiDigit(text[i]))
        {
            value = value * 10 + (uint)(text[i] - '0');
            i++;
        }
        int digits = i - start;
        if (digits == 0 || (i < text.Length && char.IsAsciiDigit(text[i]))) return false;
        return digits == 1 || text[start] != '0';
    }
}
