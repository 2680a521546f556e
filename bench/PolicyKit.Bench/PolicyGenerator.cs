using System.Text;

namespace PolicyKit.Bench;

/// <summary>What one run of <see cref="PolicyGenerator"/> produced, with its vital statistics.</summary>
public sealed record GeneratedPolicy(
    GeneratorPreset Preset,
    string Text,
    int Lines,
    int SetPrefixes,
    int Devices,
    int Interfaces,
    int BgpPeers,
    int MsdpPeers,
    int Filters,
    int FilterRules)
{
    public override string ToString() =>
        $"preset {Preset.Name}: {Lines:N0} lines, {Text.Length:N0} chars, {SetPrefixes:N0} set prefixes, {Devices} devices, " +
        $"{Interfaces:N0} interfaces, {BgpPeers} BGP peers, {MsdpPeers} MSDP peers, {Filters} named filters with {FilterRules:N0} rules";
}

/// <summary>
/// A deterministic (seeded) generator of large, valid and realistic policies: a national ISP
/// that carries IPTV (content providers, channel bundles, line-up packages, cost-based state
/// limits on DSLAM uplinks, subscriber ports) and is an inter-domain BGP/MSDP transit with many
/// customers and peers (IRR-style prefix lists, one TCP-AO keychain per peer with overlapping
/// 90-day keys, MSDP peers with the BCP SA filter, SA limits and MD5 from the environment).
///
/// The output checks with zero errors and zero warnings against <see cref="Today"/>. In
/// particular no filter rule is covered by an earlier one (MP3008): rules of one filter always
/// differ in disjoint prefixes or protocols, because every prefix comes from an allocator that
/// never hands out overlapping blocks.
/// </summary>
public sealed class PolicyGenerator
{
    /// <summary>The date key windows are laid around; check generated policies with this --today.</summary>
    public static readonly DateOnly Today = new(2026, 11, 23);

    /// <summary>The path the benchmarks give the generated text (includes resolve from std/).</summary>
    public const string FileName = "generated.mpol";

    private const int LocalAs = 64500;
    private const int BundleSizeV4 = 16;
    private const int BundleSizeV6 = 8;

    private static readonly string[] Formats = ["sd", "hd", "uhd", "radio"];
    private static readonly string[] FormatCosts = ["4Mbps", "12Mbps", "25Mbps", "256kbps"];
    private static readonly double[] FormatShare = [0.40, 0.35, 0.10, 0.15];
    private static readonly string[] Regions = ["north", "south", "east", "west", "central", "coast", "valley", "metro"];

    private readonly GeneratorPreset _preset;
    private readonly Random _random;
    private readonly V4Pool _v4 = new(1);
    private readonly V6Pool _v6 = new(V6Pool.Parse("2a00:1000::"));
    private readonly StringBuilder _text = new();
    private int _lines, _setPrefixes, _filters, _rules;

    private PolicyGenerator(GeneratorPreset preset)
    {
        _preset = preset;
        _random = new Random(preset.Seed);
    }

    public static GeneratedPolicy Generate(GeneratorPreset preset) => new PolicyGenerator(preset).Run();

    // ───────────────────────────── plan ─────────────────────────────

    private sealed class Provider(int index)
    {
        public int Index { get; } = index;
        public string Name => $"cp{Index}";
        public List<(uint Network, int Length)> HeadendV4 { get; } = [];
        public (UInt128 Network, int Length) HeadendV6 { get; set; }
        /// <summary>Per format: bundles of channel addresses (IPv4 /32, IPv6 /128).</summary>
        public List<List<uint>>[] BundlesV4 { get; } = [[], [], [], []];
        public List<List<UInt128>>[] BundlesV6 { get; } = [[], [], [], []];
        public uint BlockV4(int format) => (232u << 24) | ((uint)Index << 16) | ((uint)format << 14);
        public UInt128 BlockV6(int format) => (UInt128)0xff3e << 112 | (UInt128)(uint)Index << 32 | (UInt128)(uint)format << 16;
        public uint TestRange => (232u << 24) | ((uint)Index << 16) | (255u << 8);
        public string Bundle(int format, int bundle, bool v6) => $"{Name}-{Formats[format]}{(v6 ? "-v6" : "")}-b{bundle + 1:D2}";
    }

    private enum PeerKind { Transit, Exchange, Customer }

    private sealed record Peer(int Device, int Index, PeerKind Kind, int As, bool V6, uint AddressV4, UInt128 AddressV6, string Name)
    {
        public int ListSize { get; set; }
        public string Address => V6 ? V6Pool.Format(AddressV6) : V4Pool.Format(AddressV4);
        public string AddressPrefix => V6 ? V6Pool.Format(AddressV6, 128) : V4Pool.Format(AddressV4);
        public bool HasList => Kind != PeerKind.Transit;
    }

    private sealed record Border(int Index, bool IosXr, uint Loopback, List<Peer> Peers, List<Peer> MsdpPeers, List<uint> TransitRouters)
    {
        public string Name => $"border-{Index:D2}";
    }

    private sealed record Aggregation(int Index, bool Linux, uint Loopback, int Interfaces)
    {
        public string Name => $"agg-{Index:D2}";
    }

    private GeneratedPolicy Run()
    {
        var p = _preset;
        int interfacesPerBorder = 5;
        int transitPerBorder = 3;
        int aggregationInterfaces = p.Interfaces - p.BorderDevices * interfacesPerBorder;
        if (aggregationInterfaces < p.AggregationDevices * 4) throw new ArgumentException("too few interfaces for the devices");

        // Loopbacks of every router: the core PIM neighbours.
        var borders = new List<Border>();
        var aggregations = new List<Aggregation>();
        for (int b = 0; b < p.BorderDevices; b++)
            borders.Add(new Border(b + 1, b % 5 < 3, _v4.Allocate(32).Network, [], [], []));
        for (int a = 0; a < p.AggregationDevices; a++)
        {
            int count = aggregationInterfaces / p.AggregationDevices + (a < aggregationInterfaces % p.AggregationDevices ? 1 : 0);
            aggregations.Add(new Aggregation(a + 1, a % 7 == 6, _v4.Allocate(32).Network, count));
        }

        // BGP peers, spread over the border routers.
        var peers = new List<Peer>();
        for (int i = 0; i < p.BgpPeers; i++)
        {
            int device = i % p.BorderDevices;
            int local = i / p.BorderDevices;
            var kind = (local % 20) switch { 0 => PeerKind.Transit, <= 5 => PeerKind.Exchange, _ => PeerKind.Customer };
            bool v6 = kind != PeerKind.Transit && local % 10 >= 7;
            int asn = kind switch { PeerKind.Transit => 1000 + i, PeerKind.Exchange => 30000 + i, _ => 200000 + i };
            uint v4 = v6 ? 0 : _v4.Allocate(32).Network;
            UInt128 v6Address = v6 ? _v6.Allocate(128).Network : 0;
            string name = kind switch { PeerKind.Transit => "transit", PeerKind.Exchange => "peer", _ => "cust" } + $"-as{asn}";
            var peer = new Peer(device, i, kind, asn, v6, v4, v6Address, name);
            peers.Add(peer);
            borders[device].Peers.Add(peer);
        }
        for (int m = 0; m < p.MsdpPeers; m++)
        {
            var border = borders[m % p.BorderDevices];
            var candidate = border.Peers.Where(x => !x.V6).Skip(border.MsdpPeers.Count).FirstOrDefault()
                ?? throw new ArgumentException("more MSDP peers than IPv4 BGP peers on a border router");
            border.MsdpPeers.Add(candidate);
        }
        foreach (var border in borders)
            for (int t = 0; t < transitPerBorder; t++) border.TransitRouters.Add(_v4.Allocate(32).Network);

        // Content providers and their channels.
        var providers = Enumerable.Range(1, p.Providers).Select(i => new Provider(i)).ToList();
        int channelBudget = (int)(p.Prefixes * 0.26);
        int perProvider = channelBudget / p.Providers;
        foreach (var provider in providers)
        {
            provider.HeadendV4.Add(_v4.Allocate(28));
            provider.HeadendV4.Add(_v4.Allocate(28));
            provider.HeadendV6 = _v6.Allocate(64);
            int v4Channels = perProvider * 4 / 5;
            int v6Channels = perProvider - v4Channels;
            for (int f = 0; f < Formats.Length; f++)
            {
                int n4 = Math.Max(1, (int)(v4Channels * FormatShare[f]));
                int n6 = f < 2 ? Math.Max(1, v6Channels / 2) : 0;
                var channels4 = Enumerable.Range(1, n4).Select(k => provider.BlockV4(f) + (uint)k).ToList();
                provider.BundlesV4[f].AddRange(channels4.Chunk(BundleSizeV4).Select(c => c.ToList()));
                var channels6 = Enumerable.Range(1, n6).Select(k => provider.BlockV6(f) + (UInt128)(uint)k).ToList();
                provider.BundlesV6[f].AddRange(channels6.Chunk(BundleSizeV6).Select(c => c.ToList()));
            }
        }

        // ── write ──
        Header();
        MulticastPlan(providers);
        SourcePlan(providers, borders, aggregations, (int)(p.Prefixes * 0.04));
        RoutingPlan(peers, p.Prefixes);
        Classes();
        IptvFilters(providers);
        RoutingFilters(peers, borders);
        Profiles();
        foreach (var aggregation in aggregations) AggregationDevice(aggregation, providers);
        foreach (var border in borders) BorderDevice(border);

        return new GeneratedPolicy(p, _text.ToString(), _lines, _setPrefixes, borders.Count + aggregations.Count,
            p.Interfaces, peers.Count, borders.Sum(b => b.MsdpPeers.Count), _filters, _rules);
    }

    // ───────────────────────────── sections ─────────────────────────────

    private void Header()
    {
        Line($"// Generated by PolicyKit.Bench (preset {_preset.Name}, seed {_preset.Seed}); check with --today {Today:yyyy-MM-dd}.");
        Line("//");
        Line("// AS 64500: a national ISP carrying IPTV from its content providers to subscribers behind its");
        Line("// aggregation routers, and an inter-domain transit (BGP, MSDP) for its customers and peers.");
        Line();
        Line("include \"std/bogons.mpol\";");
        Line("include \"std/msdp-bcp.mpol\";");
        Line("include \"std/igmp-control.mpol\";");
        Line("include \"std/multicast-ranges.mpol\";");
        Line();
    }

    private void MulticastPlan(List<Provider> providers)
    {
        Section("IPTV address plan: one /16 of the SSM range per provider, one /18 per format");
        Line("// The SDR channel guide: always receivable, never counted.");
        Set("groups", "channel-guide", ["239.255.255.254"]);
        Set("groups", "channel-guide-v6", ["ff0e::1:1001"]);
        Line();
        foreach (var provider in providers)
        {
            Line($"// Content provider {provider.Index}.");
            for (int f = 0; f < Formats.Length; f++)
            {
                Set("groups", $"{provider.Name}-{Formats[f]}", [V4Pool.Format(provider.BlockV4(f), 18)]);
                Set("groups", $"{provider.Name}-{Formats[f]}-v6", [V6Pool.Format(provider.BlockV6(f), 112)]);
            }
            Set("groups", $"{provider.Name}-test", [V4Pool.Format(provider.TestRange, 24)]);
            Line($"groups {provider.Name}-all {{");
            foreach (var format in Formats) Line($"    {provider.Name}-{format};");
            Line($"    except {provider.Name}-test;                 // encoder test channels stay in the head-end");
            Line("}");
            Line($"groups {provider.Name}-all-v6 {{ {string.Join(" ", Formats.Select(f => $"{provider.Name}-{f}-v6;"))} }}");
            for (int f = 0; f < Formats.Length; f++)
            {
                for (int b = 0; b < provider.BundlesV4[f].Count; b++)
                    Set("groups", provider.Bundle(f, b, false), provider.BundlesV4[f][b].Select(a => V4Pool.Format(a)));
                for (int b = 0; b < provider.BundlesV6[f].Count; b++)
                    Set("groups", provider.Bundle(f, b, true), provider.BundlesV6[f][b].Select(c => V6Pool.Format(c)));
            }
            Line();
        }
        for (int f = 0; f < Formats.Length; f++)
        {
            Line($"groups {Formats[f]}-blocks {{");
            foreach (var chunk in providers.Chunk(6))
                Line("    " + string.Join(" ", chunk.Select(pr => $"{pr.Name}-{Formats[f]}; {pr.Name}-{Formats[f]}-v6;")));
            Line("}");
        }
        Line("groups tv-all {");
        foreach (var chunk in providers.Chunk(8)) Line("    " + string.Join(" ", chunk.Select(pr => $"{pr.Name}-all;")));
        Line("}");
        Line("groups not-iptv {                             // the group-range of the aggregation routers");
        Line("    std.multicast-v4;");
        Line("    except std.link-local-v4;");
        Line("    except channel-guide;");
        Line("    except tv-all;");
        Line("}");
        Line("groups isp-asm {                              // groups our RPs serve");
        Line("    std.multicast-v4;");
        Line("    except std.ssm-v4;");
        Line("    except std.scoped-v4;");
        Line("    except std.link-local-v4;");
        Line("}");
        Line();
    }

    private void SourcePlan(List<Provider> providers, List<Border> borders, List<Aggregation> aggregations, int ownSources)
    {
        Section("Sources: head-ends, our routers, our customers' multicast sources");
        foreach (var provider in providers)
        {
            Set("sources", $"{provider.Name}-headend", provider.HeadendV4.Select(h => V4Pool.Format(h.Network, h.Length)));
            Set("sources", $"{provider.Name}-headend-v6", [V6Pool.Format(provider.HeadendV6.Network, provider.HeadendV6.Length)]);
        }
        Line();
        Set("sources", "core-routers", borders.Select(b => b.Loopback).Concat(aggregations.Select(a => a.Loopback)).Select(a => V4Pool.Format(a)));
        Line("sources subscriber-pools {");
        Line("    10.64.0.0/10;");
        Line("    100.64.0.0/10;                               // CGNAT pools");
        Line("    except 10.127.255.0/24;                      // management VLANs");
        Line("}");
        _setPrefixes += 3;
        foreach (var border in borders)
        {
            Set("sources", $"{border.Name}-bgp-peers", border.Peers.Select(x => x.AddressPrefix));
            Set("sources", $"{border.Name}-msdp-peers", border.MsdpPeers.Select(x => x.AddressPrefix));
            Set("sources", $"{border.Name}-transit-routers", border.TransitRouters.Select(a => V4Pool.Format(a)));
        }
        Line();
        Line("// Multicast sources of our own customers, which our RPs originate SAs for.");
        Line("sources own-mcast-sources {");
        for (int i = 0; i < ownSources; i++)
        {
            if (i % 50 == 49 && i + 1 < ownSources)
            {
                var (n, l) = _v4.Allocate(23);
                Prefix($"{V4Pool.Format(n, l)};");
                Prefix($"except {V4Pool.Format(n + 256, 28)};   // lab segment");
                i++;
            }
            else if (i % 5 == 4)
            {
                var (n, l) = _v6.Allocate(48);
                Prefix($"{V6Pool.Format(n, l)};");
            }
            else
            {
                var (n, l) = _v4.Allocate(24);
                Prefix($"{V4Pool.Format(n, l)};");
            }
        }
        Line("}");
        Line();
    }

    private void RoutingPlan(List<Peer> peers, int totalPrefixes)
    {
        Section("BGP: our aggregates and the prefix lists of our customers and peers (from the IRR)");
        var own = new List<string>();
        var a4 = _v4.Allocate(14);
        var a6 = _v6.Allocate(29);
        Set("prefixes", "own-aggregates", [$"{V4Pool.Format(a4.Network, a4.Length)} le 24", $"{V6Pool.Format(a6.Network, a6.Length)} le 48"]);
        Set("prefixes", "default-route", ["0.0.0.0/0", "::/0"]);
        Set("prefixes", "too-specific", ["0.0.0.0/0 ge 25", "::/0 ge 49"]);
        Line();

        // Prefix-list sizes: a long tail of small customers, a few big peers.
        var listed = peers.Where(x => x.HasList).ToList();
        int budget = totalPrefixes - _setPrefixes;
        if (budget < listed.Count) throw new ArgumentException("prefix budget too small for the peers");
        var weights = listed.Select(x => Math.Exp(1.3 * Gaussian()) * (x.Kind == PeerKind.Exchange ? 4 : 1)).ToList();
        double scale = budget / weights.Sum();
        foreach (var (peer, weight) in listed.Zip(weights)) peer.ListSize = Math.Max(1, (int)(weight * scale));
        int difference = budget - listed.Sum(x => x.ListSize);
        var largest = listed.MaxBy(x => x.ListSize)!;
        largest.ListSize += difference;
        if (largest.ListSize < 1) throw new ArgumentException("prefix budget too small");

        foreach (var peer in listed)
        {
            Line($"// AS{peer.As} ({(peer.Kind == PeerKind.Exchange ? "settlement-free peer" : "customer")}), expanded from its AS-SET.");
            Line($"prefixes as{peer.As}-routes {{");
            bool wantExcept = peer.ListSize >= 6 && peer.Index % 9 == 0;
            int written = 0;
            while (written < peer.ListSize)
            {
                int roll = _random.Next(100);
                if (roll < 45)
                {
                    var (n, l) = _v4.Allocate(24);
                    Prefix($"{V4Pool.Format(n, l)};");
                    written++;
                }
                else if (roll < 68)
                {
                    int length = 19 + _random.Next(5);
                    var (n, l) = _v4.Allocate(length);
                    Prefix($"{V4Pool.Format(n, l)} le 24;");
                    written++;
                    if (wantExcept && written < peer.ListSize && length <= 23)
                    {
                        // A more specific that the customer must not announce (e.g. re-assigned).
                        uint last = n + (1u << (32 - length)) - 256;
                        Prefix($"except {V4Pool.Format(last, 24)};");
                        written++;
                        wantExcept = false;
                    }
                }
                else if (roll < 78)
                {
                    var (n, l) = _v4.Allocate(22);
                    Prefix($"{V4Pool.Format(n, l)} ge 23 le 24;");
                    written++;
                }
                else if (roll < 93)
                {
                    var (n, l) = _v6.Allocate(48);
                    Prefix($"{V6Pool.Format(n, l)};");
                    written++;
                }
                else
                {
                    var (n, l) = _v6.Allocate(32);
                    Prefix($"{V6Pool.Format(n, l)} le 48;");
                    written++;
                }
            }
            Line("}");
        }
        Line();
        var customers = listed.Where(x => x.Kind == PeerKind.Customer).ToList();
        if (customers.Count > 0)
        {
            Line("// Everything our customers may announce, re-announced upstream.");
            Line("prefixes customer-routes {");
            foreach (var chunk in customers.Chunk(6)) Line("    " + string.Join(" ", chunk.Select(x => $"as{x.As}-routes;")));
            Line("}");
            Line();
        }
    }

    private void Classes()
    {
        Section("Stream costs: a state takes the cost of the first class that matches it");
        for (int f = 0; f < Formats.Length; f++)
            Line($"class {Formats[f]} {{ match groups {Formats[f]}-blocks; cost {FormatCosts[f]}; }}");
        Line();
    }

    private void IptvFilters(List<Provider> providers)
    {
        Section("What receivers may join");
        BeginFilter("iptv-joins", "every channel of every provider, from that provider's head-end only");
        Rule("permit groups channel-guide;");
        foreach (var provider in providers) Rule($"permit sources {provider.Name}-headend groups {provider.Name}-all;");
        EndFilter();
        BeginFilter("iptv-joins-v6", null);
        Rule("permit groups channel-guide-v6;");
        foreach (var provider in providers) Rule($"permit sources {provider.Name}-headend-v6 groups {provider.Name}-all-v6;");
        EndFilter();

        // Line-up packages for DSLAM uplinks: the channel list as sold, one rule per channel
        // (the large ACLs of this policy: package-premium has every IPv4 channel).
        var packages = new (string Name, Func<int, int, int, bool> Includes)[]
        {
            ("package-basic", (f, b, n) => f == 3 || (f == 0 && b < (n + 1) / 2)),
            ("package-family", (f, b, n) => f == 0 || f == 3 || (f == 1 && b < (n + 1) / 2)),
            ("package-premium", (f, b, n) => true),
        };
        foreach (var (name, includes) in packages)
        {
            BeginFilter(name, "line-up sold on DSLAM uplinks, channel by channel");
            Rule("permit groups channel-guide;");
            foreach (var provider in providers)
                for (int f = 0; f < Formats.Length; f++)
                    for (int b = 0; b < provider.BundlesV4[f].Count; b++)
                        if (includes(f, b, provider.BundlesV4[f].Count))
                            foreach (var channel in provider.BundlesV4[f][b])
                                Rule($"permit sources {provider.Name}-headend groups {V4Pool.Format(channel)};");
            EndFilter();
        }
        BeginFilter("package-v6", "the IPv6 line-up (MLD)");
        Rule("permit groups channel-guide-v6;");
        foreach (var provider in providers)
            for (int f = 0; f < Formats.Length; f++)
                for (int b = 0; b < provider.BundlesV6[f].Count; b++)
                    Rule($"permit sources {provider.Name}-headend-v6 groups {provider.Bundle(f, b, true)};");
        EndFilter();

        BeginFilter("interdomain-boundary", "(*,G) never crosses the domain border");
        Rule("deny sources 0.0.0.0/32;");
        Rule("deny groups std.scoped-v4;");
        Rule("deny groups std.auto-rp;");
        Rule("permit any;");
        EndFilter();
        BeginFilter("agg-iacl", "multicast control traffic to the aggregation routers themselves");
        Rule("permit protocol pim from core-routers;");
        Rule("permit protocol igmp from subscriber-pools;");
        Rule("permit protocol auto-rp from core-routers;");
        Rule("deny protocol pim, igmp, auto-rp log;");
        Rule("permit any;");
        EndFilter();
        BeginFilter("msdp-originate", "SAs our RPs originate: our customers' sources only");
        Rule("deny groups std.msdp-denied-groups;");
        Rule("deny sources std.msdp-private-sources;");
        Rule("permit sources own-mcast-sources;");
        EndFilter();
    }

    private void RoutingFilters(List<Peer> peers, List<Border> borders)
    {
        Section("BGP filters");
        BeginFilter("upstream-out", "what we announce to transits and peers");
        Rule("permit prefixes own-aggregates;");
        if (peers.Any(x => x.Kind == PeerKind.Customer)) Rule("permit prefixes customer-routes;");
        EndFilter();
        BeginFilter("default-only", "customers that take a default route only");
        Rule("permit prefixes default-route;");
        EndFilter();
        foreach (var peer in peers.Where(x => x.HasList))
        {
            BeginFilter($"as{peer.As}-in", null);
            Rule("deny prefixes std.bogons-v4;");
            Rule("deny prefixes std.bogons-v6;");
            Rule("deny prefixes own-aggregates;              // our own space comes from inside");
            Rule("deny prefixes too-specific;");
            Rule($"permit prefixes as{peer.As}-routes;");
            EndFilter();
        }
        foreach (var border in borders.Where(b => !b.IosXr))
        {
            BeginFilter($"{border.Name}-iacl", "control traffic to the border router");
            Rule($"permit protocol bgp from {border.Name}-bgp-peers;");
            Rule($"permit protocol msdp from {border.Name}-msdp-peers;");
            Rule($"permit protocol pim from core-routers, {border.Name}-transit-routers;");
            Rule("deny protocol bgp, msdp, pim log;");
            Rule("permit any;");
            EndFilter();
        }
    }

    private void Profiles()
    {
        Section("Profiles");
        Line("profile subscriber-port {");
        Line("    igmp {");
        Line("        version >= 3;                            // v1/v2 reports are ignored");
        Line("        access iptv-joins;");
        Line("        queries drop;                            // hosts never query");
        Line("        control std.igmp-control;");
        Line("        limit 1 except channel-guide;            // channel guide plus one channel, per port");
        Line("    }");
        Line("    mld {");
        Line("        version >= 2;");
        Line("        access iptv-joins-v6;");
        Line("        queries drop;");
        Line("    }");
        Line("    pim { neighbors none; }");
        Line("}");
        Line("profile switch-port {                         // Cisco access ports only");
        Line("    router-guard;");
        Line("}");
        Line("profile dslam-facing {");
        Line("    igmp { limit 125 except channel-guide; }     // 500 Mbps / 4 Mbps SD streams");
        Line("}");
        Line("profile core-facing {");
        Line("    pim { neighbors core-routers; }");
        Line("}");
        Line("profile interdomain {");
        Line("    boundary filter interdomain-boundary;");
        Line("}");
        Line("profile interdomain-xr {                      // an IOS XR boundary is a list of groups only");
        Line("    boundary deny groups std.scoped-v4, std.auto-rp;");
        Line("}");
        Line();
    }

    private void AggregationDevice(Aggregation device, List<Provider> providers)
    {
        string region = Regions[device.Index % Regions.Length];
        Section($"{device.Name}: aggregation in {region}");
        Line($"device {device.Name} platform {(device.Linux ? "linux" : "ios-xe")} {{");
        Line("    mroute-limit 4000 warn 3200;");
        Line("    sap-listen off;");
        if (!device.Linux) Line("    mrinfo deny any;");
        Line("    group-range deny groups not-iptv;");
        // IOS-XE has no per-interface default for the ports the policy does not name (MP4001):
        // the profile carries the per-port limit; a Linux box (mpol-agent) takes the default too.
        if (device.Linux) Line("    igmp default-limit 1 except channel-guide;   // every other port: channel guide plus one channel");
        Line("    igmp limit 20000 except channel-guide;");
        Line("    control-plane {");
        Line("        filter agg-iacl;");
        Line("        rate-limit pim 500 pps;");
        Line("        rate-limit igmp 2000 pps;");
        Line("    }");
        Line($"    telemetry {{ site \"{region}-{device.Index:D2}\"; interval 10s; warn 80%; }}");
        // No BMP station here: an aggregation box runs no BGP, and a station on a device without
        // bgp is MP4001 on FRR (issue 15).
        Line();
        string Port(int i) => device.Linux ? $"ens{1 + i / 48}f{i % 2}.{1000 + i}" : $"GigabitEthernet{1 + i / 48}/{(i / 24) % 2}/{i % 24}";
        string Uplink(int i) => device.Linux ? $"ens0f{i}" : $"TenGigabitEthernet0/0/{i}";
        for (int u = 0; u < 2; u++)
        {
            Line($"    interface \"{Uplink(u)}\" uses core-facing {{ description \"core uplink {(char)('a' + u)}\"; }}");
        }
        string[] packages = ["package-basic", "package-family", "package-premium"];
        string subscriber = device.Linux ? "subscriber-port" : "subscriber-port, switch-port";
        for (int i = 0; i < device.Interfaces - 2; i++)
        {
            int kind = _random.Next(100);
            int customer = device.Index * 1000 + i;
            if (i % 24 == 0) Line($"    // ── line card {1 + i / 48}, ports {i}–{i + 23}");
            if (kind < 10)
            {
                // A DSLAM uplink: a line-up package, a count backstop and cost limits per provider.
                string package = packages[_random.Next(packages.Length)];
                Line($"    interface \"{Port(i)}\" uses {subscriber}, dslam-facing {{");
                Line($"        description \"dslam {region}-{device.Index}-{i} ({package})\";");
                Line("        igmp {");
                Line($"            access {package};");
                Line($"            limit {300 + _random.Next(200)} except channel-guide;");
                Line("        }");
                Line("        mld {");
                Line("            access package-v6;");
                Line("        }");
                int count = 2 + _random.Next(3);
                int first = _random.Next(providers.Count);
                for (int k = 0; k < Math.Min(count, providers.Count); k++)
                {
                    var provider = providers[(first + k) % providers.Count];
                    Line($"        state-limit out {150 + 50 * _random.Next(4)}Mbps groups {provider.Name}-all classes sd, hd, uhd, radio;");
                }
                Line("        state-limit out 1Gbps classes sd, hd, uhd, radio default-cost 2Mbps;");
                Line("    }");
            }
            else if (kind < 15)
            {
                // A business customer that may receive a few named bundles.
                var provider = providers[_random.Next(providers.Count)];
                Line($"    interface \"{Port(i)}\" uses {subscriber} {{");
                Line($"        description \"business {customer}: {provider.Name} bundles\";");
                Line("        igmp {");
                Line("            permit groups channel-guide;");
                int f = _random.Next(2);
                int bundles = provider.BundlesV4[f].Count;
                int start = _random.Next(bundles);
                int take = Math.Min(bundles, 1 + _random.Next(4));
                for (int b = 0; b < take; b++)
                    Line($"            permit sources {provider.Name}-headend groups {provider.Bundle(f, (start + b) % bundles, false)};");
                Line($"            limit {4 * take} except channel-guide;");
                Line("        }");
                Line($"        state-limit out {50 + 25 * take}Mbps groups {provider.Name}-all classes sd, hd, uhd, radio;");
                Line("    }");
            }
            else if (kind < 30)
            {
                // A VDSL line: TV may use what the line's sync rate leaves for it.
                Line($"    interface \"{Port(i)}\" uses {subscriber} {{");
                Line($"        description \"vdsl {customer}\";");
                Line("        igmp {");
                Line($"            limit {2 + _random.Next(3)} except channel-guide;");
                Line("        }");
                Line($"        state-limit out {20 + 10 * _random.Next(4)}Mbps groups tv-all classes sd, hd, uhd, radio;");
                Line("    }");
            }
            else if (kind < 50)
            {
                Line($"    interface \"{Port(i)}\" uses {subscriber} {{");
                Line($"        description \"ftth {customer} (multi-room)\";");
                Line("        igmp {");
                Line($"            limit {2 + _random.Next(3)} except channel-guide;");
                Line("        }");
                Line("    }");
            }
            else if (kind < 53)
            {
                // A link to a neighbouring aggregation router (ring).
                Line($"    interface \"{Port(i)}\" {{");
                Line($"        description \"ring to {region} neighbour {i}\";");
                Line("        pim {");
                Line("            neighbors core-routers;");
                Line("        }");
                Line("    }");
            }
            else
            {
                Line($"    interface \"{Port(i)}\" uses {subscriber} {{");
                Line($"        description \"ftth {customer}\";");
                Line("    }");
            }
        }
        Line("}");
        Line();
    }

    private void BorderDevice(Border device)
    {
        Section($"{device.Name}: border, AS {LocalAs}");
        string loopback = V4Pool.Format(device.Loopback);
        Line($"device {device.Name} platform {(device.IosXr ? "ios-xr" : "ios-xe")} {{");
        Line("    mroute-limit 50000 warn 40000;");
        Line("    sap-listen off;");
        if (!device.IosXr)
        {
            Line("    mrinfo deny any;");
            Line("    pim { register-rate-limit 10; }");
        }
        if (!device.IosXr)
        {
            // IOS XR polices control traffic with LPTS, which has no ACL to apply.
            Line("    control-plane {");
            Line($"        filter {device.Name}-iacl;");
            Line("        rate-limit pim 1000 pps;");
            Line("        rate-limit bgp 5000 pps;");
            Line("        rate-limit msdp 500 pps;");
            Line("    }");
        }
        Line("    rp {");
        Line($"        address {loopback} groups isp-asm;      // anycast RP");
        Line("        accept-register sources own-mcast-sources groups isp-asm;");
        Line("    }");
        Line();
        string Core(int i) => device.IosXr ? $"Bundle-Ether{i + 1}" : $"Port-channel{i + 1}";
        string External(int i) => device.IosXr ? $"HundredGigE0/0/0/{i}" : $"HundredGigE1/0/{i}";
        for (int c = 0; c < 2; c++) Line($"    interface \"{Core(c)}\" uses core-facing {{ description \"core {(char)('a' + c)}\"; }}");
        for (int t = 0; t < device.TransitRouters.Count; t++)
        {
            Line($"    interface \"{External(t)}\" uses {(device.IosXr ? "interdomain-xr" : "interdomain")} {{");
            Line($"        description \"transit link {t + 1}\";");
            Line($"        pim {{ neighbors {V4Pool.Format(device.TransitRouters[t])}; bsr-border; }}");
            Line("    }");
        }
        Line();
        Line("    msdp {");
        Line("        originator-id \"Loopback0\";");
        if (!device.IosXr) Line("        redistribute filter msdp-originate;");   // XR: no filter for originated SAs only
        foreach (var peer in device.MsdpPeers)
        {
            Line($"        peer {peer.Address} as {peer.As} {{");
            Line($"            description \"{peer.Name}\";");
            Line("            sa-filter both std.msdp-sa-bcp;");
            Line($"            sa-limit {(peer.Kind == PeerKind.Transit ? 20000 : 500 + 100 * _random.Next(20))};");
            Line($"            auth md5 secret env(\"MSDP_{Env(device.Name)}_{peer.As}\");");
            Line("        }");
        }
        Line("    }");
        Line();
        Line($"    bgp as {LocalAs} {{");
        Line($"        router-id {loopback};");
        foreach (var peer in device.Peers)
        {
            Line($"        neighbor {peer.Address} as {peer.As} {{");
            Line($"            description \"{peer.Name}\";");
            int max = peer.Kind == PeerKind.Transit ? 1_200_000 : Math.Max(20, peer.ListSize * 2);
            Line($"            max-prefix {max} warn 90% restart 30m;");
            Line($"            auth tcp-ao keychain {device.Name}-{peer.Name};");
            Line("            ttl-security hops 1;");
            Line("            hold-time 90s;");
            Line($"            prefix-filter in {(peer.HasList ? $"as{peer.As}-in" : "std.bogon-filter-in")};");
            if (peer.Kind != PeerKind.Customer) Line("            prefix-filter out upstream-out;");
            else if (peer.Index % 2 == 0) Line("            prefix-filter out default-only;");
            Line("        }");
        }
        Line("        damping half-life 15m reuse 750 suppress 2000 max-suppress 60m;");
        Line("    }");
        Line();
        foreach (var peer in device.Peers)
        {
            // Key 1 is in force (at most 80 days old), key 2 is installed and overlaps its end.
            var from1 = Today.AddDays(-(10 + _random.Next(71)));
            var until1 = from1.AddDays(88);
            var from2 = until1.AddDays(-(3 + _random.Next(8)));
            var until2 = from2.AddDays(88);
            string env = $"BGP_{Env(device.Name)}_{peer.As}";
            Line($"    keychain {device.Name}-{peer.Name} {{");
            Line($"        key 1 secret env(\"{env}_K1\") valid {from1:yyyy-MM-dd}..{until1:yyyy-MM-dd};");
            Line($"        key 2 secret env(\"{env}_K2\") valid {from2:yyyy-MM-dd}..{until2:yyyy-MM-dd};");
            Line("    }");
        }
        Line("}");
        Line();
    }

    // ───────────────────────────── writing ─────────────────────────────

    private static string Env(string name) => name.Replace('-', '_').ToUpperInvariant();

    private void Section(string title)
    {
        Line($"// ── {title} " + new string('─', Math.Max(4, 90 - title.Length)));
    }

    private void Set(string kind, string name, IEnumerable<string> entries)
    {
        var list = entries.ToList();
        if (list.Count <= 2)
        {
            Line($"{kind} {name} {{ {string.Join(" ", list.Select(e => e + ";"))} }}");
            _setPrefixes += list.Count;
            return;
        }
        Line($"{kind} {name} {{");
        foreach (var entry in list) Prefix(entry + ";");
        Line("}");
    }

    /// <summary>One set entry on a line of its own.</summary>
    private void Prefix(string entry)
    {
        Line("    " + entry);
        _setPrefixes++;
    }

    private void BeginFilter(string name, string? comment)
    {
        if (comment is not null) Line($"// {comment}");
        Line($"filter {name} {{");
        _filters++;
    }

    private void Rule(string rule)
    {
        Line("    " + rule);
        _rules++;
    }

    private void EndFilter() => Line("}");

    private void Line(string text = "")
    {
        _text.Append(text).Append('\n');
        _lines++;
    }

    /// <summary>A standard normal deviate (Box–Muller) from the seeded generator.</summary>
    private double Gaussian()
    {
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
