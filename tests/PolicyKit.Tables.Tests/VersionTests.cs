using PolicyKit.Tables.Format;

namespace PolicyKit.Tables.Tests;

/// <summary>The versioning rules: a newer major is refused with the upgrade message; a newer minor is read, skipping what it added.</summary>
public sealed class VersionTests
{
    [Fact]
    public void Newer_major_is_refused_with_the_upgrade_message()
    {
        byte[] bytes = TableBytes.WithVersion(TableWriter.Write(TestTables.Full()), 2, 0);
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(bytes));
        Assert.Equal(TableError.UnsupportedVersion, e.Error);
        Assert.Equal("table format 2.0 is newer than this agent understands (1.x); upgrade mpol-agent", e.Message);
    }

    [Fact]
    public void Newer_major_is_refused_whatever_follows_the_version()
    {
        // A 2.x file may be laid out differently after the version: the refusal must not depend on it.
        byte[] header = [.. TableFormat.Magic, 3, 0, 7, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3];
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(header));
        Assert.Equal("table format 3.7 is newer than this agent understands (1.x); upgrade mpol-agent", e.Message);
        e = Assert.Throws<TableFormatException>(() => TableReader.Read(header.AsSpan(0, 10)));
        Assert.Equal("table format 3.x is newer than this agent understands (1.x); upgrade mpol-agent", e.Message);
    }

    [Fact]
    public void Major_zero_is_refused_as_older()
    {
        byte[] bytes = TableBytes.WithVersion(TableWriter.Write(TestTables.Minimal()), 0, 9);
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(bytes));
        Assert.Equal(TableError.UnsupportedVersion, e.Error);
        Assert.StartsWith("table format 0.9 is older than this agent understands (1.x)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Newer_minor_with_an_unknown_section_is_read_and_the_section_skipped()
    {
        var table = TestTables.Full();
        var sections = TableWriter.EncodeSections(table);
        sections.Add((SectionId.LastKnown + 1, [1, 2, 3, 4, 5]));
        sections.Add((1000, new byte[300]));
        byte[] bytes = TableWriter.Assemble(1, 3, 0, sections);

        var loaded = TableReader.Load(bytes);
        Assert.Equal(table, loaded.Table);
        Assert.Equal("1.3", loaded.File.Version);
        var skipped = loaded.File.Sections.Where(s => s.Skipped).ToList();
        Assert.Equal([SectionId.LastKnown + 1, 1000], skipped.Select(s => s.Id));
        Assert.Equal([5, 300], skipped.Select(s => s.Length));
        Assert.Equal($"unknown section {SectionId.LastKnown + 1}", skipped[0].Name);
    }

    [Fact]
    public void Unknown_section_content_is_never_parsed()
    {
        // Only the id and length of a section this reader does not know are read: its bytes may be anything.
        var table = TestTables.Minimal();
        var sections = TableWriter.EncodeSections(table);
        sections.Add((SectionId.LastKnown + 1, [0xFF, 0xFF, 0xFF]));
        Assert.Equal(table, TableReader.Read(TableWriter.Assemble(1, 1, 0, sections)));
    }

    [Fact]
    public void Newer_minor_may_append_fields_to_a_known_section()
    {
        var table = TestTables.Full();
        var sections = TableWriter.EncodeSections(table);
        int router = sections.FindIndex(s => s.Id == SectionId.Router);
        sections[router] = (SectionId.Router, [.. sections[router].Payload, 0x42, 0x43]);

        Assert.Equal(table, TableReader.Read(TableWriter.Assemble(1, TableFormat.MinorVersion + 1, 0, sections)));
        // The same bytes claiming to be this reader's own minor (or older) are malformed: such a router section has nothing after its last field.
        for (int minor = 0; minor <= TableFormat.MinorVersion; minor++)
        {
            var e = Assert.Throws<TableFormatException>(() => TableReader.Read(TableWriter.Assemble(1, (ushort)minor, 0, sections)));
            Assert.Equal(TableError.Malformed, e.Error);
        }
    }

    [Fact]
    public void A_table_with_1_1_enforcement_sections_is_marked_so_that_a_1_0_agent_refuses_it()
    {
        // A 1.0 agent would skip the default limits and the redistribute filter and enforce less
        // than the policy says: the must-understand flag makes it refuse the table instead.
        byte[] full = TableWriter.Write(TestTables.Full());
        var loaded = TableReader.Load(full);
        Assert.Equal("1.1", loaded.File.Version);
        Assert.Equal(TableFormat.FlagEnforces11, loaded.File.Flags & TableFormat.MustUnderstandFlags);
        Assert.NotEqual(0u, TableFormat.FlagEnforces11 & TableFormat.MustUnderstandFlags);

        // A table without them carries no flag: an agent that reads 1.1 headers takes it.
        var minimal = TableReader.Load(TableWriter.Write(TestTables.Minimal()));
        Assert.Equal("1.1", minimal.File.Version);
        Assert.Equal(0u, minimal.File.Flags);
    }

    [Fact]
    public void A_1_0_table_without_a_serial_is_read_with_serial_0()
    {
        var table = TestTables.Full() with { Header = TestTables.Full().Header with { Serial = 0 } };
        var sections = TableWriter.EncodeSections(table);
        int header = sections.FindIndex(s => s.Id == SectionId.Header);
        Assert.Equal(0, sections[header].Payload[^1]);    // the serial 0 is one byte, appended by 1.1
        sections[header] = (SectionId.Header, sections[header].Payload[..^1]);
        var loaded = TableReader.Load(TableWriter.Assemble(1, 0, 0, sections));
        Assert.Equal("1.0", loaded.File.Version);
        Assert.Equal(table, loaded.Table);
    }

    [Fact]
    public void The_serial_round_trips_and_a_negative_one_is_refused()
    {
        var table = TestTables.Minimal();
        Assert.Equal(long.MaxValue, TableReader.Read(TableWriter.WithSerial(TableWriter.Write(table), long.MaxValue)).Header.Serial);
        Assert.Equal(1_800_000_000, TableReader.Read(TableWriter.Write(table with { Header = table.Header with { Serial = 1_800_000_000 } })).Header.Serial);
        var forged = TableWriter.Assemble(1, 1, 0, TableWriter.EncodeSections(table with { Header = table.Header with { Serial = -5 } }));
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(forged));
        Assert.Equal("invalid table: the serial -5 is negative", e.Message);
    }

    [Fact]
    public void Unknown_must_understand_flag_is_refused_and_a_hint_flag_ignored()
    {
        byte[] bytes = TableWriter.Write(TestTables.Minimal());
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(TableBytes.WithFlags(bytes, 1u << 3)));
        Assert.Equal(TableError.UnsupportedFeature, e.Error);
        Assert.Equal("the table uses features this agent does not understand (flags 0x0008 of format 1.1); upgrade mpol-agent", e.Message);

        var loaded = TableReader.Load(TableBytes.WithFlags(bytes, 1u << 20));
        Assert.Equal(TestTables.Minimal(), loaded.Table);
        Assert.Equal(1u << 20, loaded.File.Flags);
    }

    [Fact]
    public void Signed_flag_without_a_trailer_is_truncated()
    {
        byte[] bytes = TableBytes.WithFlags(TableWriter.Write(TestTables.Minimal()), TableFormat.FlagSigned);
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(bytes));
        Assert.Equal(TableError.Truncated, e.Error);
        Assert.Contains("in the signature", e.Message, StringComparison.Ordinal);
    }
}
