using System.Globalization;
using System.Text;

namespace PolicyKit.Engine.Tests.Property;

/// <summary>
/// Small random .mpol policies over tiny address pools (so joins, states and SAs collide with
/// filters and limits often): random group/source/host/prefix sets with exceptions, IGMP access
/// filters using sources, groups and from, (S,G) filters, prefix filters, cost classes, and one
/// device "r1" with random router-wide limits, group range, accept-register, register rate,
/// MSDP and BGP peers and interfaces eth0..eth3 (a random subset) with IGMP/MLD rules and state limits.
/// </summary>
internal sealed class RandomPolicy(Random random)
{
    public static readonly string[] Interfaces = ["eth0", "eth1", "eth2", "eth3", "eth4"];   // eth4 is never named
    public static readonly string[] MsdpPeers = ["192.0.2.1", "192.0.2.2", "192.0.2.3"];     // .3 is never configured
    public static readonly string[] BgpPeers = ["198.51.100.1", "198.51.100.2", "198.51.100.3"];

    private readonly StringBuilder _text = new();
    private readonly List<string> _groupSets = [];
    private readonly List<string> _sourceSets = [];
    private readonly List<string> _hostSets = [];
    private readonly List<string> _prefixSets = [];
    private readonly List<string> _accessFilters = [];
    private readonly List<string> _sgFilters = [];
    private readonly List<string> _groupFilters = [];
    private readonly List<string> _prefixFilters = [];
    private readonly List<string> _classes = [];

    public string Generate()
    {
        for (int i = 0, n = random.Next(2, 6); i < n; i++) Set("groups", $"g{i}", _groupSets, GroupPrefix);
        for (int i = 0, n = random.Next(1, 4); i < n; i++) Set("sources", $"s{i}", _sourceSets, SourcePrefix);
        for (int i = 0, n = random.Next(1, 3); i < n; i++) Set("sources", $"h{i}", _hostSets, HostPrefix);
        for (int i = 0, n = random.Next(1, 3); i < n; i++) PrefixSet($"p{i}");
        for (int i = 0, n = random.Next(1, 4); i < n; i++) Filter($"fa{i}", _accessFilters, ["sources", "groups", "from"]);
        for (int i = 0, n = random.Next(1, 4); i < n; i++) Filter($"fs{i}", _sgFilters, ["sources", "groups"]);
        for (int i = 0, n = random.Next(1, 3); i < n; i++) Filter($"fg{i}", _groupFilters, ["groups"]);
        for (int i = 0, n = random.Next(1, 3); i < n; i++) PrefixFilter($"pf{i}");
        for (int i = 0, n = random.Next(1, 4); i < n; i++) Class($"c{i}");
        Device();
        return _text.ToString();
    }

    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    // ── Address pools ─────────────────────────────────────────────────────────────────
    // Groups: 232.1.1.0/29 (SSM), 239.1.1.0/29 (ASM), ff3e::1:0/125 (SSM), ff15::1:0/125 (ASM).

    private string GroupPrefix() => random.Next(10) switch
    {
        < 4 => Block("232.1.1.0", 29),
        < 8 => Block("239.1.1.0", 29),
        8 => Block("ff3e::1:0", 125),
        _ => Block("ff15::1:0", 125),
    };

    private string SourcePrefix() => random.Next(10) switch
    {
        < 5 => Block("10.0.0.0", 29),
        < 9 => Block("10.0.1.0", 30),
        _ => Block("2001:db8::", 125),
    };

    private string HostPrefix() => random.Next(10) < 9 ? Block("192.168.0.0", 29) : Block("2001:db8:ff::", 126);

    /// <summary>A random aligned prefix inside base/len (v4: lengths len..32; v6: len..128).</summary>
    private string Block(string baseAddress, int length)
    {
        var a = Address.Parse(baseAddress);
        int bits = a.Family == Tables.Model.AddressFamily.V4 ? 32 : 128;
        int prefixLength = random.Next(length, bits + 1);
        int hostBits = bits - prefixLength;
        int span = bits - length;
        UInt128 offset = (UInt128)(random.Next(1 << span) >> hostBits << hostBits);
        var address = new Address(a.Family, a.Value + offset);
        return prefixLength == bits ? address.ToString() : $"{address}/{prefixLength}";
    }

    private void Set(string kind, string name, List<string> names, Func<string> prefix)
    {
        _text.Append(kind).Append(' ').Append(name).Append(" { ");
        for (int i = 0, n = random.Next(1, 4); i < n; i++) _text.Append(prefix()).Append("; ");
        if (Chance(0.3)) _text.Append("except ").Append(prefix()).Append("; ");
        if (names.Count > 0 && Chance(0.2)) _text.Append(Pick(names)).Append("; ");
        _text.Append("}\n");
        names.Add(name);
    }

    private void PrefixSet(string name)
    {
        string[] pool = ["203.0.113.0/24", "203.0.113.0/25", "203.0.113.128/25", "198.18.0.0/15", "10.0.0.0/8", "10.1.0.0/16", "2001:db8::/32", "2001:db8:1::/48"];
        _text.Append("prefixes ").Append(name).Append(" { ");
        for (int i = 0, n = random.Next(1, 3); i < n; i++)
        {
            string p = Pick(pool);
            int length = int.Parse(p[(p.IndexOf('/') + 1)..], CultureInfo.InvariantCulture);
            int max = p.Contains(':') ? 128 : 32;
            _text.Append(p);
            switch (random.Next(4))
            {
                case 1: _text.Append(" le ").Append(Math.Min(max, length + random.Next(1, 9))); break;
                case 2: _text.Append(" ge ").Append(Math.Min(max, length + random.Next(1, 3))); break;
                case 3:
                    int ge = Math.Min(max, length + random.Next(0, 2));
                    _text.Append(" ge ").Append(ge).Append(" le ").Append(Math.Min(max, ge + random.Next(0, 8)));
                    break;
            }
            _text.Append("; ");
        }
        _text.Append("}\n");
        _prefixSets.Add(name);
    }

    private string Reference(List<string> sets, Func<string> inline)
    {
        var items = new List<string>();
        for (int i = 0, n = random.Next(1, 3); i < n; i++) items.Add(Chance(0.7) ? Pick(sets) : inline());
        if (Chance(0.05)) items = ["any"];
        return string.Join(", ", items.Distinct());
    }

    private void Filter(string name, List<string> names, string[] terms)
    {
        _text.Append("filter ").Append(name).Append(" {\n");
        // The same match twice with opposite actions is a contradiction (MP3009): each match once.
        var matches = new HashSet<string>();
        for (int i = 0, n = random.Next(1, 6); i < n; i++)
        {
            var match = new StringBuilder();
            foreach (var term in terms)
            {
                if (!Chance(term == "groups" ? 0.7 : 0.4)) continue;
                match.Append(' ').Append(term).Append(' ').Append(term switch
                {
                    "sources" => Reference(_sourceSets, SourcePrefix),
                    "groups" => Reference(_groupSets, GroupPrefix),
                    _ => Reference(_hostSets, HostPrefix),
                });
            }
            if (match.Length == 0) match.Append(" any");
            if (!matches.Add(match.ToString())) continue;
            _text.Append("    ").Append(Chance(0.55) ? "permit" : "deny").Append(match).Append(";\n");
        }
        _text.Append("}\n");
        names.Add(name);
    }

    private void PrefixFilter(string name)
    {
        _text.Append("filter ").Append(name).Append(" {\n");
        foreach (var set in _prefixSets.OrderBy(_ => random.Next()).Take(random.Next(1, _prefixSets.Count + 1)))
            _text.Append("    ").Append(Chance(0.5) ? "permit" : "deny").Append(" prefixes ").Append(set).Append(";\n");
        if (Chance(0.6)) _text.Append("    permit any;\n");
        _text.Append("}\n");
        _prefixFilters.Add(name);
    }

    private void Class(string name)
    {
        _text.Append("class ").Append(name).Append(" { match");
        if (Chance(0.3)) _text.Append(" sources ").Append(Reference(_sourceSets, SourcePrefix));
        _text.Append(" groups ").Append(Reference(_groupSets, GroupPrefix));
        _text.Append("; cost ").Append(random.Next(1, 6)).Append("Mbps; }\n");
        _classes.Add(name);
    }

    private void Device()
    {
        _text.Append("device r1 platform ios-xe {\n");
        if (Chance(0.6))
        {
            int max = random.Next(1, 12);
            _text.Append("    mroute-limit ").Append(max);
            if (max > 1 && Chance(0.6)) _text.Append(" warn ").Append(random.Next(0, max));
            _text.Append(";\n");
        }
        foreach (var protocol in new[] { "igmp", "mld" })
        {
            if (Chance(0.4)) _text.Append("    ").Append(protocol).Append(" limit ").Append(random.Next(1, 10)).Append(Except()).Append(";\n");
            if (Chance(0.4)) _text.Append("    ").Append(protocol).Append(" default-limit ").Append(random.Next(1, 5)).Append(Except()).Append(";\n");
        }
        if (Chance(0.3)) _text.Append("    group-range deny groups ").Append(Reference(_groupSets, GroupPrefix)).Append(";\n");
        else if (Chance(0.15)) _text.Append("    group-range filter ").Append(Pick(_groupFilters)).Append(";\n");
        if (Chance(0.4)) _text.Append("    rp { accept-register filter ").Append(Pick(_sgFilters)).Append("; }\n");
        if (Chance(0.5)) _text.Append("    pim { register-rate-limit ").Append(random.Next(1, 6)).Append("; }\n");
        if (Chance(0.6))
        {
            _text.Append("    msdp {\n");
            if (Chance(0.5)) _text.Append("        redistribute filter ").Append(Pick(_sgFilters)).Append(";\n");
            for (int i = 0; i < 2; i++)
            {
                if (!Chance(0.7)) continue;
                _text.Append("        peer ").Append(MsdpPeers[i]).Append(" as ").Append(64501 + i).Append(" { ");
                if (Chance(0.5)) _text.Append("sa-filter in ").Append(Pick(_sgFilters)).Append("; ");
                if (Chance(0.5)) _text.Append("sa-filter out ").Append(Pick(_sgFilters)).Append("; ");
                if (Chance(0.7)) _text.Append("sa-limit ").Append(random.Next(1, 6)).Append("; ");
                _text.Append("auth md5 secret env(\"MSDP").Append(i).Append("\"); }\n");
            }
            _text.Append("    }\n");
        }
        if (Chance(0.6))
        {
            _text.Append("    bgp as 64500 {\n");
            for (int i = 0; i < 2; i++)
            {
                if (!Chance(0.7)) continue;
                _text.Append("        neighbor ").Append(BgpPeers[i]).Append(" as ").Append(64510 + i).Append(" { ");
                if (Chance(0.8))
                {
                    _text.Append("max-prefix ").Append(random.Next(1, 6));
                    if (Chance(0.5)) _text.Append(" warn ").Append(random.Next(1, 100)).Append('%');
                    if (Chance(0.3)) _text.Append(" warning-only");
                    _text.Append("; ");
                }
                if (Chance(0.6)) _text.Append("prefix-filter in ").Append(Pick(_prefixFilters)).Append("; ");
                _text.Append("auth md5 secret env(\"BGP").Append(i).Append("\"); }\n");
            }
            _text.Append("    }\n");
        }
        foreach (var name in Interfaces.Take(4))
        {
            if (!Chance(0.75)) continue;
            _text.Append("    interface \"").Append(name).Append("\" {\n");
            Membership("igmp", 3);
            Membership("mld", 2);
            for (int i = 0, n = random.Next(0, 4); i < n; i++) StateLimit();
            _text.Append("    }\n");
        }
        _text.Append("}\n");
    }

    private string Except() => Chance(0.4) ? " except " + Reference(_groupSets, GroupPrefix) : string.Empty;

    private void Membership(string protocol, int newest)
    {
        if (!Chance(0.6)) return;
        var statements = new List<string>();
        if (Chance(0.4)) statements.Add($"version >= {random.Next(1, newest + 1)};");
        if (Chance(0.6)) statements.Add($"access {Pick(_accessFilters)};");
        if (Chance(0.6)) statements.Add($"limit {random.Next(1, 6)}{Except()};");
        if (statements.Count == 0) statements.Add("queries drop;");
        _text.Append("        ").Append(protocol).Append(" { ").Append(string.Join(' ', statements)).Append(" }\n");
    }

    private void StateLimit()
    {
        _text.Append("        state-limit ").Append(Pick(new[] { "rpf", "out", "connected" })).Append(' ');
        bool cost = Chance(0.5);
        _text.Append(cost ? Pick(new[] { "5Mbps", "8Mbps", "12Mbps" }) : random.Next(1, 5).ToString(CultureInfo.InvariantCulture));
        if (Chance(0.5)) _text.Append(" groups ").Append(Reference(_groupSets, GroupPrefix));
        if (Chance(0.25)) _text.Append(" sources ").Append(Reference(_sourceSets, SourcePrefix));
        if (cost)
        {
            if (Chance(0.8)) _text.Append(" classes ").Append(string.Join(", ", _classes.OrderBy(_ => random.Next()).Take(random.Next(1, _classes.Count + 1))));
            if (Chance(0.5)) _text.Append(" default-cost ").Append(Pick(new[] { "2Mbps", "500kbps", "3Mbps" }));
        }
        _text.Append(";\n");
    }
}
