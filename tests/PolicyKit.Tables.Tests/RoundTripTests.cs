using PolicyKit.Tables.Format;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Tests;

/// <summary>Write → read gives the identical model, for hand-built tables and for every example policy's devices.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<string> Examples() => new(TestTables.ExampleNames());

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_device_of_every_example_round_trips(string example)
    {
        foreach (var table in TestTables.FromExample(example))
        {
            byte[] bytes = TableWriter.Write(table);
            var read = TableReader.Read(bytes);
            Assert.Equal(table, read);
            // And the bytes are a function of the table: writing what was read gives the same file.
            Assert.Equal(bytes, TableWriter.Write(read));
        }
    }

    [Fact]
    public void Examples_are_found()
    {
        Assert.True(TestTables.ExampleNames().Count >= 4, $"expected the example policies in {RepoPaths.Examples}");
    }

    [Fact]
    public void Hand_built_table_with_every_field_round_trips()
    {
        var table = TestTables.Full();
        var loaded = TableReader.Load(TableWriter.Write(table));
        Assert.Equal(table, loaded.Table);

        // Field by field for the parts whose equality is easiest to get wrong.
        Assert.Equal(table.Header, loaded.Table.Header);
        Assert.Equal(table.Router, loaded.Table.Router);
        Assert.Equal(table.Damping, loaded.Table.Damping);
        Assert.Equal(table.Telemetry, loaded.Table.Telemetry);
        Assert.Equal(table.Locations.AsEnumerable(), loaded.Table.Locations.AsEnumerable());
        Assert.Null(loaded.Table.Filters[0].Rules[0].Sources);
        Assert.True(loaded.Table.Filters[0].Rules[2].Groups!.IsAny);
        Assert.Null(loaded.Table.Filters[0].Rules[2].From);
        Assert.Equal(2, loaded.Table.Filters[0].Rules[3].From!.Ranges.Length);
        Assert.True(loaded.Table.Filters[0].Rules[4].From!.IsAny);
        Assert.False(loaded.Table.Filters[2].Rules[1].Sources!.IsAny);
        Assert.Empty(loaded.Table.Filters[2].Rules[1].Sources!.Ranges);
        Assert.Equal(UInt128.MaxValue, loaded.Table.BgpPeers[1].Address);
        Assert.Equal(long.MinValue, loaded.Table.Interfaces[0].StateLimits[2].Max);
        // The full table uses the 1.1 sections (defaults for unnamed interfaces, MSDP redistribute).
        Assert.Equal("1.1", loaded.File.Version);
        Assert.Null(loaded.File.Signature);
        Assert.Equal(Enumerable.Range(1, 13), loaded.File.Sections.Select(s => s.Id));
        Assert.Equal(1, loaded.Table.Router.IgmpDefault!.Max);
        Assert.Equal(0, loaded.Table.Router.MsdpRedistributeFilter);
        Assert.All(loaded.File.Sections, s => Assert.False(s.Skipped));
    }

    [Fact]
    public void Minimal_table_round_trips_without_optional_sections()
    {
        var table = TestTables.Minimal();
        var loaded = TableReader.Load(TableWriter.Write(table));
        Assert.Equal(table, loaded.Table);
        Assert.Null(loaded.Table.Damping);
        Assert.Null(loaded.Table.Telemetry);
        Assert.Equal(Enumerable.Range(1, 9), loaded.File.Sections.Select(s => s.Id));
    }

    [Fact]
    public void Large_table_round_trips()
    {
        var table = TestTables.Large();
        Assert.Equal(table, TableReader.Read(TableWriter.Write(table)));
    }

    [Fact]
    public void Writing_is_deterministic()
    {
        Assert.Equal(TableWriter.Write(TestTables.Full()), TableWriter.Write(TestTables.Full()));
        foreach (var example in TestTables.ExampleNames())
        {
            var first = TestTables.FromExample(example).Select(t => TableWriter.Write(t)).ToList();
            var second = TestTables.FromExample(example).Select(t => TableWriter.Write(t)).ToList();
            Assert.Equal(first, second);
        }
    }

    [Fact]
    public void Default_arrays_are_written_as_empty()
    {
        var table = TestTables.Minimal() with { Locations = default, Interfaces = default };
        var read = TableReader.Read(TableWriter.Write(table));
        Assert.Empty(read.Locations);
        Assert.Empty(read.Interfaces);
    }

    [Fact]
    public void The_file_starts_with_magic_and_version()
    {
        byte[] bytes = TableWriter.Write(TestTables.Minimal());
        Assert.Equal([0x89, (byte)'M', (byte)'P', (byte)'T', 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
        Assert.Equal([1, 0, 1, 0], bytes[8..12]);           // major 1, minor 1 (little-endian)
        Assert.Equal([0, 0, 0, 0], bytes[12..16]);          // flags: unsigned
        int body = BitConverter.ToInt32(bytes, 16);
        Assert.Equal(bytes.Length, TableFormat.HeaderLength + body + TableFormat.ChecksumLength);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)), bytes[^32..]);
    }

    [Fact]
    public void Writer_refuses_a_table_that_breaks_the_structural_rules()
    {
        var table = TestTables.Minimal();
        var badFilter = table with { Router = table.Router with { GroupRangeFilter = 3 } };
        var e = Assert.Throws<ArgumentException>(() => TableWriter.Write(badFilter));
        Assert.Contains("the group-range filter refers to filter 3, but the table has 0", e.Message, StringComparison.Ordinal);

        var unsorted = table with { Router = table.Router with { Ssm = new RangeSet([TestTables.V4("232.1.0.0", "232.1.0.255"), TestTables.V4("232.0.0.0", "232.0.0.255")]) } };
        Assert.Contains("out of order or overlapping", Assert.Throws<ArgumentException>(() => TableWriter.Write(unsorted)).Message, StringComparison.Ordinal);

        var badV4 = table with { Router = table.Router with { Ssm = new RangeSet([new AddressRange(AddressFamily.V4, 0, (UInt128)uint.MaxValue + 1)]) } };
        Assert.Contains("IPv4 address above", Assert.Throws<ArgumentException>(() => TableWriter.Write(badV4)).Message, StringComparison.Ordinal);

        var badClass = TestTables.Full() with { Classes = [] };
        Assert.Contains("refers to class 0, but the table has 0", Assert.Throws<ArgumentException>(() => TableWriter.Write(badClass)).Message, StringComparison.Ordinal);

        var anyWithRanges = table with { Router = table.Router with { Ssm = new RangeSet([TestTables.V4("232.0.0.0", "232.0.0.255")], IsAny: true) } };
        Assert.Contains("is 'any' and also lists ranges", Assert.Throws<ArgumentException>(() => TableWriter.Write(anyWithRanges)).Message, StringComparison.Ordinal);

        var badLength = table with { PrefixFilters = [new PrefixFilter("p", [new PrefixRule(RuleAction.Permit, AddressFamily.V4, 0, 33, 33, 33, -1)], -1)] };
        Assert.Contains("prefix length above 32", Assert.Throws<ArgumentException>(() => TableWriter.Write(badLength)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adjacent_ranges_are_kept_as_written()
    {
        // Sorted and disjoint is the rule; adjacent ranges (not merged by hand-built sets) are legal and kept.
        var set = new RangeSet([TestTables.V4("232.0.0.0", "232.0.0.255"), TestTables.V4("232.0.1.0", "232.0.1.255")]);
        var table = TestTables.Minimal() with { Router = TestTables.Minimal().Router with { Ssm = set } };
        Assert.Equal(set.Ranges.AsEnumerable(), TableReader.Read(TableWriter.Write(table)).Router.Ssm.Ranges.AsEnumerable());
    }

    [Fact]
    public void Unicode_text_survives()
    {
        var table = TestTables.Minimal() with { Locations = ["ü/日本.mpol:1:1", "\u0000nul", "emoji 🛰"] };
        Assert.Equal(table.Locations.AsEnumerable(), TableReader.Read(TableWriter.Write(table)).Locations.AsEnumerable());
    }

    [Fact]
    public void Encoded_sizes_are_compact()
    {
        // -1 ("none") takes one byte, an IPv4 range 8, so a 10k-range table stays small.
        var large = TableWriter.Write(TestTables.Large());
        Assert.True(large.Length < 2_000_000, $"large table is {large.Length} bytes");
        Assert.True(TableWriter.Write(TestTables.Minimal()).Length < 100);
    }
}
