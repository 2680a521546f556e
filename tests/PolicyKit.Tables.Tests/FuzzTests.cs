using PolicyKit.Tables.Format;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Tests;

/// <summary>
/// Random mutations never make the reader throw anything but <see cref="TableFormatException"/>.
/// Half of the mutants get their checksum (and body length) repaired, so the section parser
/// itself is exercised, not only the checksum. Whatever the reader accepts is a table the
/// engine can trust: it passes the structural rules and writes back to a file that reads the same.
/// </summary>
public sealed class FuzzTests
{
    private const int Iterations = 4000;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_mutations_throw_only_table_format_exceptions(int seed)
    {
        var random = new Random(seed);
        using var key = Keys.NewKey();
        using var signer = TableSigner.FromPem(key.ExportPkcs8PrivateKeyPem());
        using var verifier = TableVerifier.FromPem([key.ExportSubjectPublicKeyInfoPem()]);
        var seeds = new[]
        {
            TableWriter.Write(TestTables.Full()),
            TableWriter.Write(TestTables.Minimal()),
            TableWriter.Write(TestTables.Full(), signer),
            TableWriter.Write(TestTables.FromExample("broadband-edge.mpol")[0]),
        };
        int accepted = 0, refused = 0;
        var errors = new Dictionary<TableError, int>();
        for (int i = 0; i < Iterations; i++)
        {
            byte[] original = seeds[random.Next(seeds.Length)];
            byte[] mutant = Mutate(random, original);
            bool repair = random.Next(2) == 0 && mutant.Length >= TableFormat.HeaderLength + TableFormat.ChecksumLength;
            if (repair) mutant = Repair(mutant);
            try
            {
                var loaded = TableReader.Load(mutant, random.Next(4) == 0 ? verifier : null);
                accepted++;
                Assert.Null(TableValidator.Validate(loaded.Table));
                Assert.Equal(loaded.Table, TableReader.Read(TableWriter.Write(loaded.Table)));
                // The renderings cope with whatever was accepted.
                Assert.NotEmpty(TableText.Render(loaded.Table, loaded.File));
                Assert.NotEmpty(TableJson.Render(loaded.Table, loaded.File));
            }
            catch (TableFormatException e)
            {
                refused++;
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                errors[e.Error] = errors.GetValueOrDefault(e.Error) + 1;
            }
            catch (Exception e)
            {
                Assert.Fail($"mutant {i} (seed {seed}, repaired {repair}) threw {e.GetType().Name}: {e.Message}\n{Convert.ToHexString(mutant)}\n{e}");
            }
        }
        Assert.Equal(Iterations, accepted + refused);
        // The repaired mutants reach the parser: malformed sections must be among the refusals.
        Assert.True(errors.GetValueOrDefault(TableError.Malformed) > 0, string.Join(", ", errors));
    }

    private static byte[] Mutate(Random random, byte[] original)
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
                    bytes.RemoveRange(random.Next(bytes.Count + 1) is var keep ? keep : 0, bytes.Count - keep);
                    break;
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
        return [.. bytes];
    }

    /// <summary>Makes the framing consistent again: body length to fit the file (unsigned layout), checksum recomputed.</summary>
    private static byte[] Repair(byte[] mutant)
    {
        var copy = (byte[])mutant.Clone();
        if (!copy.AsSpan(0, 8).SequenceEqual(TableFormat.Magic)) return copy;
        uint flags = BitConverter.ToUInt32(copy, TableFormat.FlagsOffset);
        int trailer = (flags & TableFormat.FlagSigned) != 0 ? TableFormat.SignatureTrailerLength : 0;
        int body = copy.Length - TableFormat.HeaderLength - TableFormat.ChecksumLength - trailer;
        if (body < 0) return copy;
        BitConverter.TryWriteBytes(copy.AsSpan(TableFormat.BodyLengthOffset), body);
        return TableBytes.FixChecksum(copy);
    }
}
