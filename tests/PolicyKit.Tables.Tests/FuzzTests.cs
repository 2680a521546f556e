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
            bool repair = random.Next(2) == 0;
            byte[] mutant = TableMutator.Mutate(random, original, repair);
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
}
