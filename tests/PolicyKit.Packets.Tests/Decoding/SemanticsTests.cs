using PolicyKit.Packets.Membership;
using PolicyKit.Packets.Tests.Support;

namespace PolicyKit.Packets.Tests.Decoding;

/// <summary>The membership semantics of every record type, for IGMPv3 and MLDv2 alike.</summary>
public class SemanticsTests
{
    // record type, sources, expected changes (S = the sources in order, G the group).
    public static TheoryData<int, int, string> Table() => new()
    {
        { 1, 0, "" },                                   // IS_IN({}): nothing
        { 1, 2, "join(S0,G) join(S1,G)" },              // IS_IN(S): (S,G) joins (refresh)
        { 2, 0, "join(*,G)" },                          // IS_EX({}): ASM join
        { 2, 2, "join(*,G)" },                          // IS_EX(S): still an ASM join
        { 3, 0, "leave(*,G)" },                         // TO_IN({}) = leave
        { 3, 2, "leave(*,G) join(S0,G) join(S1,G)" },   // TO_IN(S): ASM ends, (S,G) joins
        { 4, 0, "join(*,G)" },                          // TO_EX({})
        { 4, 1, "join(*,G)" },                          // TO_EX(S)
        { 5, 0, "" },                                   // ALLOW({}): nothing
        { 5, 2, "join(S0,G) join(S1,G)" },
        { 6, 2, "leave(S0,G) leave(S1,G)" },            // BLOCK
        { 6, 0, "" },
        { 9, 2, "" },                                   // unknown type: ignored
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Igmpv3_record(int type, int sourceCount, string expected) =>
        Check(false, type, sourceCount, expected, "232.7.7.7", i => $"192.0.2.{i + 10}");

    [Theory]
    [MemberData(nameof(Table))]
    public void Mldv2_record(int type, int sourceCount, string expected) =>
        Check(true, type, sourceCount, expected, "ff3e::7", i => $"2001:db8::{i + 10:x}");

    private static void Check(bool v6, int type, int sourceCount, string expected, string group, Func<int, string> source)
    {
        var sources = Enumerable.Range(0, sourceCount).Select(source).ToArray();
        // A TO_EX({}) record before and after checks that slots and indexes account for neighbours.
        var record = new Rec((byte)type, group, sources);
        var before = Rec.Of(4, v6 ? "ff15::1" : "239.0.0.1");
        var packet = v6 ? Build.V6(Build.MldV2Report(before, record, before)) : Build.V4(Build.IgmpV3Report(before, record, before));
        var m = Decoded.Ok(packet);
        var mine = m.Changes.Where(c => c.RecordIndex == 1).ToArray();
        var text = string.Join(" ", mine.Select(c =>
        {
            var s = c.SourceIndex < 0 ? "*" : $"S{c.SourceIndex}";
            Assert.Equal(c.SourceIndex < 0 ? PacketAddress.None : PacketAddress.Parse(sources[c.SourceIndex]), c.Source);
            Assert.Equal(PacketAddress.Parse(group), c.Group);
            Assert.Equal((GroupRecordType)type, c.RecordType);
            Assert.Equal(c.SourceIndex < 0 ? 1 : 2 + c.SourceIndex, c.MaskIndex);
            return $"{(c.Kind == ChangeKind.Join ? "join" : "leave")}({s},G)";
        }));
        Assert.Equal(expected, text);
        Assert.Equal(3 + sourceCount, m.MaskLength); // one slot per record, one per source
        Assert.Equal(2 + mine.Length, m.Changes.Count);
    }
}
