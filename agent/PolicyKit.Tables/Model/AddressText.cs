using System.Net;

namespace PolicyKit.Tables.Model;

/// <summary>Converts between addresses and the numbers the table stores.</summary>
public static class AddressText
{
    public static string Format(AddressFamily family, UInt128 value)
    {
        int count = family == AddressFamily.V4 ? 4 : 16;
        Span<byte> bytes = stackalloc byte[count];
        for (int i = count - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }
        return new IPAddress(bytes).ToString();
    }

    public static bool TryParse(string text, out AddressFamily family, out UInt128 value)
    {
        family = AddressFamily.V4;
        value = 0;
        if (!IPAddress.TryParse(text, out var address)) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        family = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? AddressFamily.V4 : AddressFamily.V6;
        foreach (var b in address.GetAddressBytes()) value = (value << 8) | b;
        return true;
    }

    public static UInt128 FromBytes(ReadOnlySpan<byte> bytes)
    {
        UInt128 value = 0;
        foreach (var b in bytes) value = (value << 8) | b;
        return value;
    }
}
