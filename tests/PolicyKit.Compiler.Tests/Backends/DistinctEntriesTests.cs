using PolicyKit.Compiler.Emit.Cisco;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// Issue 18: an ACL that opens with a filter's entries shares them instead of copying them (an
/// 80k-entry filter was copied into every interface ACL that used it). Whatever the mix of shared
/// lists, single entries and lists added later, the result is the entries without repeats in
/// first-occurrence order, as a plain distinct would give; and the shared list is left unchanged.
/// </summary>
public sealed class DistinctEntriesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Shared_and_copied_entries_come_out_distinct_in_first_occurrence_order(int seed)
    {
        var random = new Random(seed);
        string Entry() => $"permit udp 10.0.{random.Next(40)}.0 0.0.0.255 host 232.1.1.{random.Next(30)} eq {1024 + random.Next(4)}";
        for (int round = 0; round < 200; round++)
        {
            var written = new List<string>();
            var builder = new DistinctEntries.Builder();
            var sharedLists = new List<(DistinctEntries List, string[] Before)>();
            int steps = random.Next(1, 8);
            for (int step = 0; step < steps; step++)
            {
                if (random.Next(3) == 0)
                {
                    string entry = written.Count > 0 && random.Next(4) == 0 ? written[random.Next(written.Count)] : Entry();
                    builder.Add(entry);
                    written.Add(entry);
                    continue;
                }
                // A memoised list, itself possibly opening with another shared list.
                var inner = new DistinctEntries.Builder();
                if (sharedLists.Count > 0 && random.Next(3) == 0) inner.AddRange(sharedLists[random.Next(sharedLists.Count)].List);
                for (int i = random.Next(0, 60); i > 0; i--) inner.Add(Entry());
                var list = inner.Build();
                sharedLists.Add((list, list.ToArray()));
                builder.AddRange(list);
                written.AddRange(list);
            }
            var built = builder.Build();
            var expected = written.Distinct(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, built.ToList());
            for (int i = 0; i < built.Count; i++) Assert.Equal(expected[i].Length, built.ByteLength(i));
            foreach (var (list, before) in sharedLists) Assert.Equal(before, list.ToArray());
        }
    }

    [Fact]
    public void An_entry_repeating_a_shared_one_is_dropped()
    {
        var filter = DistinctEntries.Of(["permit ip host 10.0.0.1 any", "deny ip any any"]);
        var acl = new DistinctEntries.Builder();
        acl.AddRange(filter);
        acl.Add("deny ip any any");
        acl.Add("permit ip any any");
        acl.AddRange(filter);
        Assert.Equal(["permit ip host 10.0.0.1 any", "deny ip any any", "permit ip any any"], acl.Build().ToList());
        Assert.Equal(["permit ip host 10.0.0.1 any", "deny ip any any"], filter.ToList());
    }
}
