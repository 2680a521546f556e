using PolicyKit.Compiler.Tests.Backends.Nftables;
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
}
