using PolicyKit.Compiler.Tests.Backends.Nftables;
using PolicyKit.Compiler.Tests.Cli;
using static PolicyKit.Compiler.Tests.Fidelity.FidelityCompile;

namespace PolicyKit.Compiler.Tests.Convergence;

/// <summary>
/// Issue 16 against the real kernel (a network namespace of its own): nftables.nft replaces its
/// table in one transaction, so loading v2 over v1 leaves exactly v2's sets and chains — a removed
/// source gone, an inserted one there — and the site's own table untouched.
/// </summary>
public sealed class NftablesConvergenceTests
{
    private const string V1 = """
        sources enc { 10.1.0.0/16; 10.2.0.0/16; }
        filter encoders { permit sources enc groups 239.1.0.0/16; }
        device r platform linux { interface "eth1" { source-filter encoders; } }
        """;

    private static readonly string V2 = V1.Replace("10.2.0.0/16;", "10.3.0.0/16;", StringComparison.Ordinal);

    private const string Site = "table inet site {\n chain input {\n  type filter hook input priority 0; policy accept;\n  tcp dport 22 accept\n }\n}\n";

    [Fact]
    public void Loading_v2_over_v1_leaves_exactly_v2_and_the_site_table()
    {
        string v1 = OutputOf(V1, "nftables"), v2 = OutputOf(V2, "nftables");
        string directory = Path.Combine(Path.GetTempPath(), "pk-nft-conv-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            using var ns = new NetworkNamespace();
            ns.AddInterface("eth1");
            foreach (var (name, text) in new[] { ("site.nft", Site), ("v1.nft", v1), ("v2.nft", v2) }) File.WriteAllText(Path.Combine(directory, name), text);
            foreach (var name in new[] { "site.nft", "v1.nft", "v2.nft" })
            {
                var load = ns.Nft("-f", Path.Combine(directory, name));
                Assert.True(load.ExitCode == 0, $"nft -f {name}: {load.StandardError}");
            }
            var list = ns.Nft("-j", "list", "ruleset");
            Assert.True(list.ExitCode == 0, list.ToString());
            var kernel = NftRulesetText.SetsInKernel(list.StandardOutput);
            foreach (var (name, elements) in NftRulesetText.SetsInFile(v2))
            {
                Assert.True(kernel.TryGetValue(name, out var actual), $"set {name} of v2 is not in the kernel");
                Assert.Equal(elements.Select(NftRulesetText.Unquote).Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
            }
            Assert.DoesNotContain("10.2.0.0", list.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("10.3.0.0", list.StandardOutput, StringComparison.Ordinal);
            var chains = NftRulesetText.ChainsInKernel(list.StandardOutput);
            Assert.All(NftRulesetText.ChainsInFile(v2), c => Assert.Contains(c, chains));
            Assert.All(NftRulesetText.ChainsInFile(v1).Except(NftRulesetText.ChainsInFile(v2)), c => Assert.DoesNotContain(c, chains));
            var site = ns.Nft("list", "table", "inet", "site");
            Assert.True(site.ExitCode == 0 && site.StandardOutput.Contains("tcp dport 22 accept", StringComparison.Ordinal), "the site's table changed:\n" + site);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // v1 → v2 for mpolc plan: a source inserted and one removed (set elements), the IGMP query rule removed.
    private const string PlanV1 = """
        sources enc { 10.1.0.0/16; 10.2.0.0/16; }
        filter encoders { permit sources enc groups 239.1.0.0/16; }
        device r platform linux { interface "eth1" { source-filter encoders; igmp { queries drop; } } }
        """;

    private static readonly string PlanV2 = PlanV1.Replace("10.2.0.0/16;", "10.5.0.0/16;", StringComparison.Ordinal).Replace(" igmp { queries drop; }", "", StringComparison.Ordinal);

    [Fact]
    public void Mpolc_plan_against_nft_json_converges_the_owned_table_and_leaves_the_site_table()
    {
        using var temp = new TempDirectory();
        string v1 = OutputOf(PlanV1, "nftables"), v2 = OutputOf(PlanV2, "nftables");
        string policy = temp.Write("v2.mpol", PlanV2);
        using var ns = new NetworkNamespace();
        ns.AddInterface("eth1");
        foreach (var (name, text) in new[] { ("site.nft", Site), ("v1.nft", v1) })
        {
            var load = ns.Nft("-f", temp.Write(name, text));
            Assert.True(load.ExitCode == 0, $"nft -f {name}: {load.StandardError}");
        }
        MpolcRun Plan()
        {
            var list = ns.Nft("-j", "list", "ruleset");
            Assert.True(list.ExitCode == 0, list.ToString());
            return MpolcRunner.Run("plan", policy, "--device", "r", "--running", temp.Write("running.json", list.StandardOutput));
        }
        void Apply(string plan)
        {
            var load = ns.Nft("-f", temp.Write("plan.nft", plan));
            Assert.True(load.ExitCode == 0, $"nft -f plan.nft: {load.StandardError}\n{plan}");
        }

        var first = Plan();
        Assert.True(first.ExitCode == 4, first.ToString());
        Assert.Contains("# chain pk_in_eth1: 1 rule to remove, 0 to add", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("# set pk_enc_v4: add ", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("delete table inet policykit", first.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("site", first.Stdout, StringComparison.Ordinal);
        Apply(first.Stdout);

        // Read back: v2's sets and chains, nothing of v1's, the site's table as it was; nothing left to plan.
        var after = ns.Nft("-j", "list", "ruleset").StandardOutput;
        var kernel = NftRulesetText.SetsInKernel(after);
        foreach (var (name, elements) in NftRulesetText.SetsInFile(v2))
        {
            Assert.True(kernel.TryGetValue(name, out var actual), $"set {name} of v2 is not in the kernel");
            Assert.Equal(elements.Select(NftRulesetText.Unquote).Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        }
        Assert.DoesNotContain("membership-query", ns.Nft("list", "table", "inet", "policykit").StandardOutput, StringComparison.Ordinal);
        Assert.Contains("tcp dport 22 accept", ns.Nft("list", "table", "inet", "site").StandardOutput, StringComparison.Ordinal);
        var none = Plan();
        Assert.True(none.ExitCode == 0 && none.Stdout.Length == 0, none.ToString());

        // A hand-made change to PolicyKit's table shows up in the plan, and the plan converges it.
        var added = ns.Nft("add", "element", "inet", "policykit", "pk_enc_v4", "{ 10.9.0.0/16 }");
        Assert.True(added.ExitCode == 0, added.ToString());
        var rule = ns.Nft("add", "rule", "inet", "policykit", "pk_in_eth1", "udp", "dport", "9", "accept");
        Assert.True(rule.ExitCode == 0, rule.ToString());
        var drift = Plan();
        Assert.True(drift.ExitCode == 4, drift.ToString());
        Assert.Contains("# set pk_enc_v4: remove 10.9.0.0/16", drift.Stdout, StringComparison.Ordinal);
        Assert.Contains("# chain pk_in_eth1: 1 rule to remove, 0 to add", drift.Stdout, StringComparison.Ordinal);
        Apply(drift.Stdout);
        Assert.Equal(0, Plan().ExitCode);
        Assert.Contains("tcp dport 22 accept", ns.Nft("list", "table", "inet", "site").StandardOutput, StringComparison.Ordinal);

        // Live, as an operator runs it on the box: mpolc inside the namespace reads nft itself.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : HostTools.Require("dotnet");
        var live = HostTools.Run(HostTools.Require("ip"), ["netns", "exec", ns.Name, dotnet, typeof(PolicyKit.Mpolc.Program).Assembly.Location,
            "plan", policy, "--device", "r", "--running-from", "nft"]);
        Assert.True(live.ExitCode == 0, live.ToString());
    }
}
