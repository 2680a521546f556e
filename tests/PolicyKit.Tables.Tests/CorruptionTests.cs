using PolicyKit.Tables.Format;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Tests;

/// <summary>Damaged files are refused with a <see cref="TableFormatException"/> and a clear message — never another exception, never a wrong table.</summary>
public sealed class CorruptionTests
{
    /// <summary>
    /// Flips each byte of the file in turn (three ways: lowest bit, highest bit, all bits). Every
    /// result is refused, or — only where the reader ignores the bytes (the signature of a table
    /// read without trusted keys) — gives the same table.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_single_byte_corruption_is_refused(bool signed)
    {
        using var key = Keys.NewKey();
        using var signer = TableSigner.FromPem(key.ExportPkcs8PrivateKeyPem());
        var table = TestTables.Full();
        byte[] original = TableWriter.Write(table, signed ? signer : null);
        int ignored = 0;
        foreach (byte mask in new byte[] { 0x01, 0x80, 0xFF })
        {
            for (int i = 0; i < original.Length; i++)
            {
                var bytes = (byte[])original.Clone();
                bytes[i] ^= mask;
                try
                {
                    var read = TableReader.Read(bytes);
                    Assert.Equal(table, read);
                    // Only the signature trailer is outside the checksum.
                    Assert.True(signed && i >= original.Length - TableFormat.SignatureTrailerLength, $"byte {i} ^ 0x{mask:x2} was accepted");
                    ignored++;
                }
                catch (TableFormatException)
                {
                }
            }
        }
        Assert.Equal(signed ? 3 * TableFormat.SignatureTrailerLength : 0, ignored);
    }

    [Fact]
    public void Every_corruption_of_a_signed_table_is_refused_with_trusted_keys()
    {
        using var key = Keys.NewKey();
        using var signer = TableSigner.FromPem(key.ExportPkcs8PrivateKeyPem());
        using var verifier = TableVerifier.FromPem([key.ExportSubjectPublicKeyInfoPem()]);
        byte[] original = TableWriter.Write(TestTables.Full(), signer);
        Assert.Equal(TestTables.Full(), TableReader.Read(original, verifier));
        for (int i = 0; i < original.Length; i++)
        {
            var bytes = (byte[])original.Clone();
            bytes[i] ^= 0x01;
            Assert.Throws<TableFormatException>(() => TableReader.Read(bytes, verifier));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_truncation_is_refused(bool signed)
    {
        using var key = Keys.NewKey();
        using var signer = TableSigner.FromPem(key.ExportPkcs8PrivateKeyPem());
        byte[] original = TableWriter.Write(TestTables.Full(), signed ? signer : null);
        for (int length = 0; length < original.Length; length++)
        {
            var e = Assert.Throws<TableFormatException>(() => TableReader.Read(original.AsSpan(0, length)));
            Assert.Equal(TableError.Truncated, e.Error);
            Assert.StartsWith(length == 0 ? "the file is empty" : $"truncated at byte {length} in ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Truncation_names_the_section_it_cuts()
    {
        byte[] bytes = TableWriter.Write(TestTables.Full());
        var loaded = TableReader.Load(bytes);
        var interfaces = loaded.File.Sections.Single(s => s.Name == "interfaces");
        int cut = interfaces.Offset + interfaces.Length / 2;
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(bytes.AsSpan(0, cut)));
        Assert.Equal($"truncated at byte {cut} in section interfaces (the table is {bytes.Length} bytes long)", e.Message);

        e = Assert.Throws<TableFormatException>(() => TableReader.Read(bytes.AsSpan(0, 10)));
        Assert.StartsWith("truncated at byte 10 in the header", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<TableFormatException>(() => TableReader.Read(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.StartsWith($"truncated at byte {bytes.Length - 1} in the checksum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Changed_body_byte_is_a_checksum_mismatch()
    {
        byte[] bytes = TableWriter.Write(TestTables.Full());
        bytes[TableFormat.HeaderLength + 5] ^= 0x20;
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(bytes));
        Assert.Equal(TableError.ChecksumMismatch, e.Error);
        Assert.Equal("checksum mismatch: the file is corrupt", e.Message);
    }

    [Fact]
    public void Wrong_magic_is_not_a_table()
    {
        foreach (var text in new[] { "hello world, this is not a table at all", "{\"json\": true}", "\u0089MPT\n\u001a\n........................................" })
        {
            var e = Assert.Throws<TableFormatException>(() => TableReader.Read(System.Text.Encoding.UTF8.GetBytes(text)));
            Assert.Equal(TableError.BadMagic, e.Error);
            Assert.Equal("not a PolicyKit table (bad magic)", e.Message);
        }
        // A line-ending conversion (CR LF → LF) breaks the magic, as intended.
        byte[] bytes = TableWriter.Write(TestTables.Minimal());
        var converted = bytes.Take(4).Concat(bytes.Skip(5)).ToArray();
        Assert.Equal(TableError.BadMagic, Assert.Throws<TableFormatException>(() => TableReader.Read(converted)).Error);
        Assert.Equal(TableError.BadMagic, Assert.Throws<TableFormatException>(() => TableReader.Read([0x89, (byte)'X'])).Error);
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        byte[] bytes = [.. TableWriter.Write(TestTables.Minimal()), 0];
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(bytes));
        Assert.Equal(TableError.TrailingBytes, e.Error);
        Assert.StartsWith("1 unexpected bytes after the end of the table", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forged_sections_out_of_order_twice_or_missing_are_refused()
    {
        var sections = TableWriter.EncodeSections(TestTables.Full());

        var swapped = sections.ToList();
        (swapped[1], swapped[2]) = (swapped[2], swapped[1]);
        Assert.Contains("comes after section", Refuse(swapped).Message, StringComparison.Ordinal);

        var twice = sections.ToList();
        twice.Insert(1, twice[0]);
        Assert.Contains("section header appears twice", Refuse(twice).Message, StringComparison.Ordinal);

        var missing = sections.Where(s => s.Id != SectionId.Router).ToList();
        Assert.Equal("malformed table: section router is missing", Refuse(missing).Message);

        var zero = sections.Prepend((0, Array.Empty<byte>())).ToList();
        Assert.Contains("section id 0 is not valid", Refuse(zero).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forged_sections_with_bad_content_are_refused()
    {
        var sections = TableWriter.EncodeSections(TestTables.Full());
        int router = sections.FindIndex(s => s.Id == SectionId.Router);

        var extra = sections.ToList();
        extra[router] = (SectionId.Router, [.. extra[router].Payload, 0]);
        Assert.Contains("malformed section router at byte", Refuse(extra).Message, StringComparison.Ordinal);
        Assert.Contains("1 unexpected bytes after the section's last field", Refuse(extra).Message, StringComparison.Ordinal);

        var shortened = sections.ToList();
        shortened[router] = (SectionId.Router, shortened[router].Payload[..^1]);
        Assert.Contains("runs past the section's end", Refuse(shortened).Message, StringComparison.Ordinal);

        var hugeCount = sections.ToList();
        int locations = hugeCount.FindIndex(s => s.Id == SectionId.Locations);
        hugeCount[locations] = (SectionId.Locations, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
        Assert.Contains("a count of 4294967295 cannot fit in the 0 bytes left", Refuse(hugeCount).Message, StringComparison.Ordinal);

        var badUtf8 = sections.ToList();
        int header = badUtf8.FindIndex(s => s.Id == SectionId.Header);
        badUtf8[header] = (SectionId.Header, [2, 0xC3, 0x28, 0, 0, 0]);
        Assert.Contains("not valid UTF-8", Refuse(badUtf8).Message, StringComparison.Ordinal);

        var overlong = sections.ToList();
        overlong[header] = (SectionId.Header, [0x80, 0x00, 0, 0, 0]);
        Assert.Contains("needless trailing zero byte", Refuse(overlong).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forged_tables_with_dangling_references_are_refused()
    {
        // The checksum is right, the encoding is right, but an index points nowhere: the engine must never see it.
        var full = TestTables.Full();
        var cases = new (AdmissionTable Table, string Message)[]
        {
            (full with { Filters = full.Filters[..1] }, "refers to filter 2, but the table has 1"),
            (full with { Locations = [] }, "refers to location 0, but the table has 0"),
            (full with { PrefixFilters = [] }, "refers to prefix filter 0, but the table has 0"),
            (full with { Classes = full.Classes[..1] }, "refers to class 1, but the table has 1"),
            (full with { Router = full.Router with { Ssm = new RangeSet([TestTables.V4("232.0.0.9", "232.0.0.1")]) } }, "ends before it starts"),
        };
        foreach (var (table, message) in cases)
        {
            var e = Refuse(TableWriter.EncodeSections(table));
            Assert.Equal(TableError.Malformed, e.Error);
            Assert.StartsWith("invalid table: ", e.Message, StringComparison.Ordinal);
            Assert.Contains(message, e.Message, StringComparison.Ordinal);
        }
    }

    private static TableFormatException Refuse(List<(int Id, byte[] Payload)> sections)
    {
        byte[] bytes = TableWriter.Assemble(TableFormat.MajorVersion, TableFormat.MinorVersion, 0, sections);
        return Assert.Throws<TableFormatException>(() => TableReader.Read(bytes));
    }
}
