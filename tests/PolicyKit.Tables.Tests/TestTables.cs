using System.Collections.Immutable;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Tests;

/// <summary>Tables to test the format with: hand-built ones covering every field, a large one, and those of the example policies.</summary>
internal static class TestTables
{
    /// <summary>The date the examples' key lifetimes are written against (as the compiler's tests use).</summary>
    public static readonly DateOnly Today = new(2026, 11, 23);

    public static AddressRange V4(string first, string last)
    {
        AddressText.TryParse(first, out _, out var a);
        AddressText.TryParse(last, out _, out var b);
        return new AddressRange(AddressFamily.V4, a, b);
    }

    public static AddressRange V6(string first, string last)
    {
        AddressText.TryParse(first, out _, out var a);
        AddressText.TryParse(last, out _, out var b);
        return new AddressRange(AddressFamily.V6, a, b);
    }

    public static UInt128 Address(string text)
    {
        Assert.True(AddressText.TryParse(text, out _, out var value), text);
        return value;
    }

    /// <summary>Every field of every part set, with edge values (extremes of each integer, both address families, "any", absent and empty sets, non-ASCII text).</summary>
    public static AdmissionTable Full() => new(
        new TableHeader("bng-1 ✓", "ios-xe", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "0.1.0+test"),
        ["policies/a.mpol:1:1", "policies/a.mpol:2:5", "std/msdp-bcp.mpol:10:3", "policies/ü.mpol:99999:1", ""],
        [
            new TableFilter("tv-joins", [
                new TableRule(RuleAction.Permit, null, RangeSet.From([V4("239.255.255.254", "239.255.255.254")]), 1),
                new TableRule(RuleAction.Permit, RangeSet.From([V4("198.51.100.0", "198.51.100.63"), V6("2001:db8::", "2001:db8::ffff")]),
                    RangeSet.From([V4("232.1.0.0", "232.1.255.255"), V4("232.3.0.0", "232.3.0.9"), V6("ff3e::", "ff3e::ffff:ffff")]), 2),
                new TableRule(RuleAction.Deny, RangeSet.Any, RangeSet.Any, -1),
                new TableRule(RuleAction.Permit, null, RangeSet.From([V4("232.9.0.0", "232.9.0.255")]), 1, RangeSet.From([V4("10.4.4.4", "10.4.4.4"), V6("fe80::", "fe80::ffff")])),
                new TableRule(RuleAction.Deny, null, null, 2, RangeSet.Any),
            ], 0),
            new TableFilter("empty-filter", [], -1),
            new TableFilter("edges", [
                new TableRule(RuleAction.Deny, RangeSet.From([V4("0.0.0.0", "255.255.255.255")]), RangeSet.From([V6("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]), 4),
                new TableRule(RuleAction.Permit, RangeSet.Empty, null, 3),
            ], 2),
        ],
        [
            new PrefixFilter("bogons", [
                new PrefixRule(RuleAction.Deny, AddressFamily.V4, Address("10.0.0.0"), 8, 8, 32, 2),
                new PrefixRule(RuleAction.Deny, AddressFamily.V6, Address("fc00::"), 7, 7, 128, 2),
                new PrefixRule(RuleAction.Permit, AddressFamily.V4, 0, 0, 0, 24, -1),
            ], 1),
        ],
        [
            new CostClass("mpeg2-sd", null, RangeSet.From([V4("232.1.0.0", "232.1.63.255")]), 4_000_000, 1),
            new CostClass("mpeg4-hd", RangeSet.From([V4("198.51.100.0", "198.51.100.63")]), RangeSet.Any, long.MaxValue, -1),
        ],
        new RouterEntry(int.MaxValue, 18000, 0,
            new GroupLimitEntry(4000, RangeSet.From([V4("239.255.255.254", "239.255.255.254")]), 1),
            null,
            0,
            RangeSet.From([V4("232.0.0.0", "232.255.255.255"), V6("ff30::", "ff3f:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]),
            10, 2, 2)
        {
            // Format 1.1: defaults for interfaces the table does not name, the MSDP redistribute filter.
            IgmpDefault = new GroupLimitEntry(1, RangeSet.From([V4("239.255.255.254", "239.255.255.254")]), 1),
            MldDefault = new GroupLimitEntry(2, null, -1),
            MsdpRedistributeFilter = 0,
        },
        [
            new InterfaceEntry("GigabitEthernet0/0/1",
                new MembershipEntry(3, 0, new GroupLimitEntry(125, RangeSet.From([V4("239.255.255.254", "239.255.255.254")]), 1), true, 1),
                new MembershipEntry(2, MembershipEntry.NoFilter, null, false, -1),
                [
                    new StateLimitEntry(LimitDirection.Out, true, 500_000_000, null, RangeSet.From([V4("232.1.0.0", "232.1.255.255")]), [0, 1], 1000, 1),
                    new StateLimitEntry(LimitDirection.Rpf, false, 200, RangeSet.Any, null, [], 0, 2),
                    new StateLimitEntry(LimitDirection.Connected, false, long.MinValue, RangeSet.Empty, RangeSet.Any, [], long.MinValue, -1),
                ],
                2, 0),
            new InterfaceEntry("lo0", null, null, [], MembershipEntry.NoFilter, -1),
            new InterfaceEntry("", new MembershipEntry(int.MinValue, 1, new GroupLimitEntry(int.MinValue, null, -1), false, 3), null, [], 1, 3),
        ],
        [
            new MsdpPeerEntry(AddressFamily.V4, Address("192.0.2.1"), 64500, 0, 2, 5000, 2),
            new MsdpPeerEntry(AddressFamily.V6, Address("2001:db8::1"), uint.MaxValue, -1, -1, RouterEntry.Unlimited, -1),
        ],
        [
            new BgpPeerEntry(AddressFamily.V4, Address("198.51.100.1"), 64500, 1000, 900, 1800, false, 0, 1),
            new BgpPeerEntry(AddressFamily.V6, Address("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), long.MaxValue, RouterEntry.Unlimited, RouterEntry.Unlimited, 0, true, -1, -1),
            new BgpPeerEntry(AddressFamily.V4, Address("255.255.255.255"), long.MinValue, 0, 0, int.MaxValue, true, 0, 4),
        ],
        new DampingEntry(900, 750, 2000, 3600, 2),
        new TelemetryEntry("site-α", 30, 90));

    /// <summary>The least a table can be: every list empty, no damping or telemetry.</summary>
    public static AdmissionTable Minimal() => new(
        new TableHeader("", "", "", ""), [], [], [], [],
        new RouterEntry(RouterEntry.Unlimited, RouterEntry.Unlimited, -1, null, null, -1, RangeSet.Any, RouterEntry.Unlimited, -1, -1),
        [], [], [], null, null);

    /// <summary>
    /// A table the size of a large edge box: <paramref name="groupRanges"/> group ranges (in the
    /// filters' rules and the limits' sets), <paramref name="interfaces"/> interfaces each with
    /// IGMP, MLD and two state limits, 500 BGP peers and a 5k-rule prefix filter.
    /// </summary>
    public static AdmissionTable Large(int groupRanges = 10_000, int interfaces = 2_000)
    {
        var locations = Enumerable.Range(0, 5_000).Select(i => $"policies/generated.mpol:{i + 1}:5").ToImmutableArray();
        int Loc(int i) => i % locations.Length;

        // Group ranges: 100 filters of rules; each rule holds a set of /24s in 232/8 and a /96 in ff3e::/16.
        var filters = ImmutableArray.CreateBuilder<TableFilter>();
        int perRule = 10, perFilter = 10, made = 0, filterIndex = 0;
        while (made < groupRanges)
        {
            var rules = ImmutableArray.CreateBuilder<TableRule>();
            for (int r = 0; r < perFilter && made < groupRanges; r++)
            {
                var groups = new List<AddressRange>();
                for (int g = 0; g < perRule && made < groupRanges; g++, made++)
                {
                    UInt128 first = ((UInt128)232 << 24) | ((UInt128)(uint)(made * 2) << 8);
                    groups.Add(made % 5 == 4
                        ? new AddressRange(AddressFamily.V6, (Address("ff3e::") | ((UInt128)made << 32)), (Address("ff3e::") | ((UInt128)made << 32)) + uint.MaxValue)
                        : new AddressRange(AddressFamily.V4, first, first + 255));
                }
                var sources = RangeSet.From([new AddressRange(AddressFamily.V4, ((UInt128)198 << 24) | (UInt128)(r << 8), (((UInt128)198 << 24) | (UInt128)(r << 8)) + 63)]);
                rules.Add(new TableRule(r % 7 == 6 ? RuleAction.Deny : RuleAction.Permit, sources, RangeSet.From(groups), Loc(made)));
            }
            filters.Add(new TableFilter($"joins-{filterIndex}", rules.ToImmutable(), Loc(filterIndex)));
            filterIndex++;
        }

        var classes = Enumerable.Range(0, 64).Select(c => new CostClass($"class-{c}", null,
            RangeSet.From([new AddressRange(AddressFamily.V4, ((UInt128)232 << 24) | ((UInt128)(uint)c << 16), (((UInt128)232 << 24) | ((UInt128)(uint)c << 16)) + 0xFFFF)]),
            1_000_000 + c * 100_000, Loc(c))).ToImmutableArray();

        var except = RangeSet.From([V4("239.255.255.254", "239.255.255.254")]);
        var ifaces = Enumerable.Range(0, interfaces).Select(i => new InterfaceEntry(
            $"GigabitEthernet{i / 48}/0/{i % 48}",
            new MembershipEntry(3, i % filters.Count, new GroupLimitEntry(125, except, Loc(i)), i % 2 == 0, Loc(i)),
            new MembershipEntry(2, (i + 1) % filters.Count, new GroupLimitEntry(64, null, Loc(i)), false, Loc(i)),
            [
                new StateLimitEntry(LimitDirection.Out, true, 500_000_000, null, RangeSet.From([V4("232.0.0.0", "232.255.255.255")]), [i % 64, (i + 1) % 64, (i + 2) % 64], 1000, Loc(i)),
                new StateLimitEntry(LimitDirection.Rpf, false, 2000, RangeSet.Any, null, [], 1000, Loc(i + 1)),
            ],
            i % 3 == 0 ? i % filters.Count : MembershipEntry.NoFilter,
            Loc(i))).ToImmutableArray();

        var prefixRules = Enumerable.Range(0, 5_000).Select(p => new PrefixRule(
            p % 9 == 0 ? RuleAction.Deny : RuleAction.Permit, AddressFamily.V4, ((UInt128)(uint)(p + 1) << 12), 20, 20, 24, Loc(p))).ToImmutableArray();
        var bgp = Enumerable.Range(0, 500).Select(p => new BgpPeerEntry(AddressFamily.V4, ((UInt128)10 << 24) | (UInt128)(uint)p, 64512 + p, 100_000, 90_000, 1800, false, 0, Loc(p))).ToImmutableArray();
        var msdp = Enumerable.Range(0, 100).Select(p => new MsdpPeerEntry(AddressFamily.V4, ((UInt128)10 << 24) | (UInt128)(uint)(1000 + p), 64512 + p, 0, filters.Count - 1, 5000, Loc(p))).ToImmutableArray();

        return new AdmissionTable(
            new TableHeader("large-1", "ios-xe", new string('a', 64), "0.1.0+test"),
            locations, filters.ToImmutable(), [new PrefixFilter("customers", prefixRules, 0)], classes,
            new RouterEntry(200_000, 180_000, 0, new GroupLimitEntry(100_000, except, 0), new GroupLimitEntry(50_000, null, 0), 0,
                RangeSet.From([V4("232.0.0.0", "232.255.255.255")]), 10, 0, filters.Count - 1),
            ifaces, msdp, bgp, new DampingEntry(900, 750, 2000, 3600, 0), new TelemetryEntry("pop-1", 30, 90));
    }

    /// <summary>The example policies, by file name.</summary>
    public static IReadOnlyList<string> ExampleNames() =>
        Directory.GetFiles(RepoPaths.Examples, "*.mpol").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>Every device's table of one example policy, built by the compiler.</summary>
    public static IReadOnlyList<AdmissionTable> FromExample(string fileName)
    {
        var check = PolicyCompiler.Check(Path.Combine(RepoPaths.Examples, fileName), new CompilationOptions { Today = Today });
        Assert.True(check.Model is not null, $"{fileName} does not compile: {string.Join("\n", check.Diagnostics.Where(d => d.IsError))}");
        Assert.NotEmpty(check.Model!.Devices);
        return check.Model.Devices.Select(d => new AgentTableBuilder(check.Model, d).Build()).ToList();
    }
}

/// <summary>The repository root (the folder holding PolicyKit.sln), found from the test assembly's folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PolicyKit.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"PolicyKit.sln not found in any folder above {AppContext.BaseDirectory}");
    });

    public static string Root => LazyRoot.Value;

    public static string Examples => Path.Combine(Root, "policies", "examples");
}
