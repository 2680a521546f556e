using System.Buffers.Binary;
using System.Security.Cryptography;
using PolicyKit.Tables.Format;

namespace PolicyKit.Tables.Tests;

/// <summary>Byte surgery on table files, for the tests that forge or damage them.</summary>
internal static class TableBytes
{
    public static int BodyLength(byte[] table) => BinaryPrimitives.ReadInt32LittleEndian(table.AsSpan(TableFormat.BodyLengthOffset));

    public static int ChecksumOffset(byte[] table) => TableFormat.HeaderLength + BodyLength(table);

    /// <summary>Recomputes the checksum after the bytes before it changed (what a forger, or a buggy writer, would do).</summary>
    public static byte[] FixChecksum(byte[] table)
    {
        var copy = (byte[])table.Clone();
        int offset = ChecksumOffset(copy);
        SHA256.HashData(copy.AsSpan(0, offset), copy.AsSpan(offset, TableFormat.ChecksumLength));
        return copy;
    }

    public static byte[] WithVersion(byte[] table, ushort major, ushort minor)
    {
        var copy = (byte[])table.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(TableFormat.MajorOffset), major);
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(TableFormat.MinorOffset), minor);
        return FixChecksum(copy);
    }

    public static byte[] WithFlags(byte[] table, uint flags)
    {
        var copy = (byte[])table.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(TableFormat.FlagsOffset), flags);
        return FixChecksum(copy);
    }

    /// <summary>The (id, payload) sections of an unsigned table's body, parsed independently of the reader.</summary>
    public static List<(int Id, byte[] Payload)> Sections(byte[] table)
    {
        var result = new List<(int, byte[])>();
        int position = TableFormat.HeaderLength, end = ChecksumOffset(table);
        while (position < end)
        {
            int id = (int)Varint(table, ref position);
            int length = (int)Varint(table, ref position);
            result.Add((id, table.AsSpan(position, length).ToArray()));
            position += length;
        }
        return result;
    }

    private static ulong Varint(byte[] bytes, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }
}
