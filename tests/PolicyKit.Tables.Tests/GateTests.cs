using System.Text;
using PolicyKit.Tables.Format;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Tests;

/// <summary>
/// The reader is the single gate between a file and the engine: a table whose checksum matches
/// but which the engine could not use is refused here, with one sentence, so `mpolc inspect`,
/// the agent's start and its reloads all say the same thing. (Issue 14, finding 1: a table naming
/// an interface twice passed `inspect` and then aborted the running agent.)
/// </summary>
public sealed class GateTests
{
    private static AdmissionTable TwoInterfaces(string first, string second) => TestTables.Minimal() with
    {
        Interfaces =
        [
            new InterfaceEntry(first, null, null, [], MembershipEntry.NoFilter, -1),
            new InterfaceEntry(second, null, null, [], MembershipEntry.NoFilter, -1),
        ],
    };

    /// <summary>Writes a valid table, then renames the second interface to the first's name in the bytes (same length) and repairs the checksum: a forged file.</summary>
    public static byte[] InterfaceNamedTwice()
    {
        byte[] bytes = TableWriter.Write(TwoInterfaces("ge-0/0/1", "ge-0/0/2"));
        byte[] second = Encoding.UTF8.GetBytes("ge-0/0/2");
        int at = bytes.AsSpan().IndexOf(second);
        Assert.True(at > 0);
        Encoding.UTF8.GetBytes("ge-0/0/1").CopyTo(bytes, at);
        return TableBytes.FixChecksum(bytes);
    }

    [Fact]
    public void A_checksum_valid_table_naming_an_interface_twice_is_refused()
    {
        var e = Assert.Throws<TableFormatException>(() => TableReader.Load(InterfaceNamedTwice()));
        Assert.Equal(TableError.Malformed, e.Error);
        Assert.Equal("invalid table: interfaces 0 and 1 are both named 'ge-0/0/1'", e.Message);
    }

    [Fact]
    public void The_writer_refuses_to_write_an_interface_twice()
    {
        var e = Assert.Throws<ArgumentException>(() => TableWriter.Write(TwoInterfaces("eth0", "eth0")));
        Assert.Contains("interfaces 0 and 1 are both named 'eth0'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interface_names_differing_only_in_case_are_two_interfaces()
    {
        // Names are compared as the engine looks them up: ordinally (Linux names are case-sensitive).
        Assert.Null(TableValidator.Validate(TwoInterfaces("eth0", "ETH0")));
    }
}
