using PolicyKit.Compiler.Irr;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Tests.Irr;

public sealed class IrrResolverTests
{
    private static RpslDatabase Load(string text)
    {
        var errors = new List<RpslError>();
        var data = new RpslDatabase();
        data.Add(text, errors.Add);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return data;
    }

    private static IrrQuery Query(string name, int? v4 = null, int? v6 = null, bool aggregate = false) => new(name, v4, v6, aggregate, IrrQuery.DefaultLimit);

    private static List<string> Strings(IrrResolution resolution) => resolution.Prefixes.Select(p => p.ToString()).ToList();

    [Fact]
    public void Nested_as_sets_with_continuation_lines_give_the_routes_of_every_member_asn_and_no_other()
    {
        var resolution = IrrResolver.Resolve(Load(RpslFixtures.Customers), Query("as-customers"));
        Assert.True(resolution.ObjectFound);
        Assert.Equal(["192.0.2.0/24", "198.51.100.0/25", "198.51.100.128/25", "203.0.113.0/26", "2001:db8:1000::/36"], Strings(resolution));
        Assert.Empty(resolution.MissingSets);
        Assert.Empty(resolution.Cycles);
    }

    [Fact]
    public void An_asn_stands_for_its_own_routes()
    {
        var resolution = IrrResolver.Resolve(Load(RpslFixtures.Customers), Query("AS64502"));
        Assert.Equal(["198.51.100.0/25", "198.51.100.128/25"], Strings(resolution));
        Assert.False(IrrResolver.Resolve(Load(RpslFixtures.Customers), Query("AS65000")).ObjectFound);
    }

    [Fact]
    public void A_cycle_of_as_sets_ends_with_every_set_expanded_once_and_is_reported_with_its_chain()
    {
        var resolution = IrrResolver.Resolve(Load(RpslFixtures.Cycle), Query("AS-A"));
        Assert.Equal(["10.10.0.0/16", "10.11.0.0/16", "10.12.0.0/16"], Strings(resolution));
        Assert.Equal(["AS-A → AS-B → AS-A"], resolution.Cycles.ToArray());
    }

    [Fact]
    public void A_member_set_missing_from_the_data_is_named()
    {
        var resolution = IrrResolver.Resolve(Load("as-set: AS-X\nmembers: AS64501, AS-ELSEWHERE\n\nroute: 192.0.2.0/24\norigin: AS64501\n"), Query("AS-X"));
        Assert.Equal(["192.0.2.0/24"], Strings(resolution));
        Assert.Equal(["AS-ELSEWHERE"], resolution.MissingSets.ToArray());
    }

    [Fact]
    public void Max_length_admits_more_specifics_up_to_it_and_leaves_out_longer_registrations()
    {
        var resolution = IrrResolver.Resolve(Load(RpslFixtures.Customers), Query("AS-CUSTOMERS", v4: 24, v6: 48));
        Assert.Equal(["192.0.2.0/24", "2001:db8:1000::/36 le 48"], Strings(resolution));
        Assert.Equal(3, resolution.LongerThanMaxLength);
    }

    [Fact]
    public void Aggregation_merges_siblings_into_their_parent_with_the_childrens_range()
    {
        var resolution = IrrResolver.Resolve(Load(RpslFixtures.Customers), Query("AS64502", aggregate: true));
        Assert.Equal(["198.51.100.0/24 ge 25 le 25"], Strings(resolution));
    }

    [Fact]
    public void Aggregation_drops_an_entry_another_covers()
    {
        var list = IrrAggregation.Aggregate([new(IpPrefix.Parse("10.0.0.0/16"), 16, 24), IrrPrefix.Exact(IpPrefix.Parse("10.0.5.0/24")), IrrPrefix.Exact(IpPrefix.Parse("10.1.0.0/24"))]);
        Assert.Equal(["10.0.0.0/16 le 24", "10.1.0.0/24"], list.Select(p => p.ToString()));
    }

    /// <summary>
    /// Aggregation never changes what the list matches: random lists of entries inside 10.0.0.0/16
    /// against every route of length /16 to /26 in a part of it (a route is matched when an entry
    /// contains it and its length lies in the entry's range).
    /// </summary>
    [Fact]
    public void Aggregation_matches_exactly_the_routes_the_list_matched_on_random_lists()
    {
        var random = new Random(20);
        var routes = new List<IpPrefix>();
        for (int length = 16; length <= 26; length++)
        {
            // Routes in 10.0.0.0/22 (and the short ones above it): 2^(length-22) or 1 each.
            int count = length <= 22 ? 1 : 1 << (length - 22);
            for (int i = 0; i < count; i++) routes.Add(new IpPrefix(IpFamily.V4, (UInt128)(0x0A000000u + ((uint)i << (32 - length))), length));
        }
        for (int round = 0; round < 300; round++)
        {
            var list = new List<IrrPrefix>();
            int entries = random.Next(1, 12);
            for (int i = 0; i < entries; i++)
            {
                int length = random.Next(21, 27);
                uint network = length <= 22 ? 0x0A000000u : 0x0A000000u + ((uint)random.Next(0, 1 << (length - 22)) << (32 - length));
                var prefix = new IpPrefix(IpFamily.V4, network, length);
                int le = random.Next(3) == 0 ? length : random.Next(length, 27);
                int ge = random.Next(3) == 0 ? length : random.Next(length, le + 1);
                list.Add(new IrrPrefix(prefix, ge, le));
            }
            var aggregated = IrrAggregation.Aggregate(list);
            Assert.True(aggregated.Count <= list.Distinct().Count());
            foreach (var route in routes)
            {
                Assert.True(Matches(list, route) == Matches(aggregated, route),
                    $"{route}: before {string.Join(", ", list)}; after {string.Join(", ", aggregated)}");
            }
        }
    }

    private static bool Matches(IEnumerable<IrrPrefix> list, IpPrefix route) =>
        list.Any(e => e.Prefix.Contains(route) && e.Ge <= route.Length && route.Length <= e.Le);
}
