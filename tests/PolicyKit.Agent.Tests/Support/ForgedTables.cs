using System.Text;
using PolicyKit.Tables.Format;
using PolicyKit.Tables.Tests;

namespace PolicyKit.Agent.Tests.Support;

/// <summary>Tables a hostile or buggy writer could produce: checksum-valid, structurally wrong.</summary>
internal static class ForgedTables
{
    /// <summary>
    /// <paramref name="good"/> with its second interface renamed to the first one's name (two
    /// names of the same length are picked, and the length-prefixed string is replaced in place),
    /// checksum repaired: the table of finding 1 of issue 14.
    /// </summary>
    public static byte[] InterfaceNamedTwice(byte[] good)
    {
        var names = TableReader.Read(good).Interfaces.Select(i => i.Name).ToList();
        var pair = names.SelectMany((a, i) => names.Skip(i + 1).Where(b => Encoding.UTF8.GetByteCount(b) == Encoding.UTF8.GetByteCount(a) && b.Length < 128).Select(b => (a, b))).First();
        byte[] Prefixed(string s) => [(byte)Encoding.UTF8.GetByteCount(s), .. Encoding.UTF8.GetBytes(s)];
        byte[] bytes = (byte[])good.Clone();
        int at = bytes.AsSpan().IndexOf(Prefixed(pair.b));
        Assert.True(at > 0, $"'{pair.b}' not found in the table");
        Prefixed(pair.a).CopyTo(bytes, at);
        return TableMutator.Repair(bytes);
    }
}
