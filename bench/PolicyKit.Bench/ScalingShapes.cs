using System.Text;

namespace PolicyKit.Bench;

/// <summary>
/// Policies of one shape at any size N, for measuring how the compiler scales (issue 18): each
/// shape was once super-linear — its time grew more than twice when N doubled. What is measured
/// is <see cref="Target"/>: null for <c>mpolc check</c>, else a compile to that target.
/// Deterministic: the same shape and size give the same text.
/// </summary>
public sealed record ScalingShape(string Name, string? Target, string Description, Func<int, string> Generate)
{
    public static readonly ScalingShape JunosPrefixList = new("junos-prefix-list", "junos",
        "one BGP prefix list of N disjoint /24s used as `prefix-filter in` on a Junos device",
        n => PrefixList(n, "junos"));

    public static readonly ScalingShape FrrPrefixList = new("frr-prefix-list", "frr",
        "the same prefix list on an FRR device (PrefixListCompiler)",
        n => PrefixList(n, "frr"));

    public static readonly ScalingShape NftNamedSets = new("nft-named-sets", "nftables",
        "a source filter of N rules, each naming a set of its own, on a Linux device (N named nftables sets)",
        NamedSets);

    public static readonly ScalingShape SamePortRules = new("same-address-rules", null,
        "one filter of N rules with the same sources and groups and one port each (ShadowedRuleCheck)",
        SameAddressRules);

    public static readonly ScalingShape ExceptChain = new("except-chain", null,
        "a chain of N sets, each the previous one except one /24",
        n => SetChain(n, except: true));

    public static readonly ScalingShape AddChain = new("add-chain", null,
        "a chain of N sets, each the previous one plus one /24",
        n => SetChain(n, except: false));

    public static readonly ScalingShape ReferenceChain = new("reference-chain", null,
        "a chain of N sets, each naming only the next (groups gN { gN+1; })",
        HostileShapes.Chain);

    public static IReadOnlyList<ScalingShape> All { get; } =
        [JunosPrefixList, FrrPrefixList, NftNamedSets, SamePortRules, ExceptChain, AddChain, ReferenceChain];

    public static ScalingShape Find(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"no scaling shape '{name}' (shapes: {string.Join(", ", All.Select(s => s.Name))})");

    public override string ToString() => Name;

    /// <summary>The i-th of disjoint /24s in public unicast space (11.0.0.0/24, 11.0.1.0/24, …).</summary>
    private static StringBuilder AppendSlash24(StringBuilder text, int i) =>
        text.Append(11 + i / 65536).Append('.').Append(i / 256 % 256).Append('.').Append(i % 256).Append(".0/24");

    /// <summary>The i-th of disjoint SSM /32 groups (232.0.0.0, 232.0.0.1, …).</summary>
    private static StringBuilder AppendGroup(StringBuilder text, int i) =>
        text.Append("232.").Append(i / 65536 % 256).Append('.').Append(i / 256 % 256).Append('.').Append(i % 256).Append("/32");

    private static string PrefixList(int n, string platform)
    {
        var text = new StringBuilder(n * 30 + 500);
        text.Append("prefixes customer {\n");
        for (int i = 0; i < n; i++) AppendSlash24(text.Append("    "), i).Append(";\n");
        text.Append("}\n\nfilter customer-in {\n    permit prefixes customer;\n}\n\n");
        text.Append("device edge platform ").Append(platform).Append(" {\n");
        text.Append("    bgp as 64510 {\n        router-id 192.0.2.254;\n");
        text.Append("        neighbor 192.0.2.9 as 64511 {\n            max-prefix ").Append(Math.Max(n * 2, 100)).Append(";\n");
        text.Append("            prefix-filter in customer-in;\n        }\n    }\n}\n");
        return text.ToString();
    }

    private static string NamedSets(int n)
    {
        var text = new StringBuilder(n * 80 + 500);
        for (int i = 0; i < n; i++)
        {
            AppendGroup(text.Append("groups channel-").Append(i).Append(" { "), 2 * i).Append("; ");
            AppendGroup(text, 2 * i + 1).Append("; }\n");
        }
        text.Append("\nfilter line-up {\n");
        for (int i = 0; i < n; i++) text.Append("    permit groups channel-").Append(i).Append(";\n");
        text.Append("}\n\ndevice edge platform linux {\n    interface \"eth1\" {\n        source-filter line-up;\n    }\n}\n");
        return text.ToString();
    }

    private static string SameAddressRules(int n)
    {
        var text = new StringBuilder(n * 60 + 200);
        text.Append("sources head-ends { 10.1.0.0/24; }\ngroups line-up { 232.1.0.0/16; }\n\nfilter services {\n");
        for (int i = 0; i < n; i++) text.Append("    permit sources head-ends groups line-up protocol udp port ").Append(1 + i % 65535).Append(";\n");
        return text.Append("}\n").ToString();
    }

    private static string SetChain(int n, bool except)
    {
        var text = new StringBuilder(n * 50 + 100);
        text.Append("groups s0 { ").Append(except ? "232.0.0.0/8" : "232.0.0.0/24").Append("; }\n");
        for (int i = 1; i <= n; i++)
        {
            text.Append("groups s").Append(i).Append(" { s").Append(i - 1).Append("; ");
            // Chain members are /24s of 232/8 (i < 65536 at every size measured).
            int block = except ? i - 1 : i;
            text.Append(except ? "except " : "").Append("232.").Append(block / 256 % 256).Append('.').Append(block % 256).Append(".0/24; }\n");
        }
        return text.ToString();
    }
}
