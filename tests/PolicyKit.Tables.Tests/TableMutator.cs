using System.Buffers.Binary;
using System.Security.Cryptography;
using PolicyKit.Tables.Format;

namespace PolicyKit.Tables.Tests;

/// <summary>
/// Random damage to table files, for the fuzz tests, the agent's reload test and the fuzz
/// campaign in bench/ (which link this file). Half of the mutants can get their framing repaired
/// (body length and checksum recomputed), so the section parser and the structural checks are
/// reached, not only the checksum: what a buggy or hostile writer produces.
/// </summary>
public static class TableMutator
{
    /// <summary>A mutant of <paramref name="original"/>: 1–4 byte-level mutations, then (when <paramref name="repair"/>) framing repaired.</summary>
    public static byte[] Mutate(Random random, byte[] original, bool repair)
    {
        var bytes = original.ToList();
        int mutations = 1 + random.Next(4);
        for (int m = 0; m < mutations; m++)
        {
            switch (random.Next(7))
            {
                case 0: // flip bits
                    if (bytes.Count > 0) bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // random byte
                    if (bytes.Count > 0) bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 2: // insert
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                case 3: // delete
                    if (bytes.Count > 0) bytes.RemoveAt(random.Next(bytes.Count));
                    break;
                case 4: // truncate
                {
                    int keep = random.Next(bytes.Count + 1);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    break;
                }
                case 5: // interesting values where varints are
                {
                    if (bytes.Count <= TableFormat.HeaderLength) break;
                    int at = TableFormat.HeaderLength + random.Next(bytes.Count - TableFormat.HeaderLength);
                    byte[][] values = [[0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02], [0x00], [0x7F], [0x80, 0x00], [0x01]];
                    var value = values[random.Next(values.Length)];
                    for (int j = 0; j < value.Length && at + j < bytes.Count; j++) bytes[at + j] = value[j];
                    break;
                }
                default: // duplicate a slice (repeats a section or a record)
                {
                    if (bytes.Count < 2) break;
                    int from = random.Next(bytes.Count - 1);
                    int length = 1 + random.Next(Math.Min(40, bytes.Count - from));
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(from, length));
                    break;
                }
            }
        }
        byte[] mutant = [.. bytes];
        return repair && mutant.Length >= TableFormat.HeaderLength + TableFormat.ChecksumLength ? Repair(mutant) : mutant;
    }

    /// <summary>Makes the framing consistent again: body length to fit the file (unsigned layout), checksum recomputed.</summary>
    public static byte[] Repair(byte[] mutant)
    {
        var copy = (byte[])mutant.Clone();
        if (!copy.AsSpan(0, TableFormat.MagicLength).SequenceEqual(TableFormat.Magic)) return copy;
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(TableFormat.FlagsOffset));
        int trailer = (flags & TableFormat.FlagSigned) != 0 ? TableFormat.SignatureTrailerLength : 0;
        int body = copy.Length - TableFormat.HeaderLength - TableFormat.ChecksumLength - trailer;
        if (body < 0) return copy;
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(TableFormat.BodyLengthOffset), body);
        int checksum = TableFormat.HeaderLength + body;
        SHA256.HashData(copy.AsSpan(0, checksum), copy.AsSpan(checksum, TableFormat.ChecksumLength));
        return copy;
    }
}
