using System.Buffers.Binary;

namespace PolicyKit.Bmp.Wire;

/// <summary>NLRI encoding (RFC 4271 §4.3, RFC 4760 §5, with RFC 7911 path identifiers).</summary>
public static class Nlri
{
    /// <summary>
    /// Reads every prefix of <paramref name="data"/> into <paramref name="output"/>. False when a
    /// length exceeds the family's bits or an entry runs past the end (RFC 7606 §5.3: the NLRI
    /// cannot be trusted); entries read before the defect stay in the list.
    /// </summary>
    public static bool Read(ReadOnlySpan<byte> data, RouteFamily family, bool addPath, PrefixList output)
    {
        bool v6 = family.IsIpv6();
        int max = v6 ? 128 : 32;
        Span<byte> full = stackalloc byte[16];
        int i = 0;
        while (i < data.Length)
        {
            uint pathId = 0;
            if (addPath)
            {
                if (data.Length - i < 5) return false;
                pathId = BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
                i += 4;
            }
            int length = data[i++];
            if (length > max) return false;
            int bytes = (length + 7) >> 3;
            if (data.Length - i < bytes) return false;
            UInt128 bits;
            if (!v6)
            {
                uint value = 0;
                for (int k = 0; k < bytes; k++) value |= (uint)data[i + k] << (24 - 8 * k);
                bits = length == 0 ? 0u : value & (uint.MaxValue << (32 - length));
            }
            else
            {
                full.Clear();
                data.Slice(i, bytes).CopyTo(full);
                bits = RoutePrefix.Mask(BinaryPrimitives.ReadUInt128BigEndian(full), length, true);
            }
            i += bytes;
            output.Add(new RoutePrefix(family, bits, (byte)length, pathId));
        }
        return true;
    }

    /// <summary>Writes one prefix in NLRI form (used by tests, generators and the bench).</summary>
    public static int Write(Span<byte> destination, in RoutePrefix prefix, bool addPath)
    {
        int i = 0;
        if (addPath)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, prefix.PathId);
            i = 4;
        }
        destination[i++] = prefix.Length;
        int bytes = (prefix.Length + 7) >> 3;
        Span<byte> full = stackalloc byte[16];
        if (prefix.Family.IsIpv6()) BinaryPrimitives.WriteUInt128BigEndian(full, prefix.Bits);
        else BinaryPrimitives.WriteUInt32BigEndian(full, (uint)prefix.Bits);
        full[..bytes].CopyTo(destination[i..]);
        return i + bytes;
    }
}
