using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Tests.Backends.Nftables;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// The nftables backend's output, loaded by the real nft. For every example policy (moved onto
/// platforms nftables and linux) and every test policy of this backend: compile, then in a
/// network namespace the test creates — with the interfaces the device names — check the file
/// (<c>nft -c -f</c>), load it (<c>nft -f</c>), load it again (the table is replaced, not
/// duplicated), and compare what the kernel holds (<c>nft -j list ruleset</c>) with the file: the
/// same sets with the same elements, the same chains. The namespace is always deleted.
/// Needs root and the nft and ip tools; without them the test fails with the install hint.
/// </summary>
public sealed class NftablesAcceptanceTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var example in NftablesPolicies.Examples())
        {
            data.Add("example", example + "@nftables");
            data.Add("example", example + "@linux");
        }
        foreach (var policy in NftablesPolicies.TestPolicies()) data.Add("test", policy);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Real_nft_checks_and_loads_the_ruleset(string kind, string policy)
    {
        CompileResult result;
        if (kind == "example")
        {
            var (name, platform) = (policy.Split('@')[0], policy.Split('@')[1]);
            string path = Path.Combine(RepoPaths.Examples, name);
            string text = NftablesPolicies.Retarget(File.ReadAllText(path), platform);
            result = NftablesPolicies.Compile(path, new InMemoryPolicyFileReader(new Dictionary<string, string> { [path] = text }));
        }
        else
        {
            result = NftablesPolicies.Compile(NftablesPolicies.PathOf(policy));
        }
        Assert.False(result.HasErrors, $"{policy} does not compile:\n{NftablesPolicies.Errors(result)}");
        var model = result.Check.Model!;
        Assert.NotEmpty(result.Files);
        foreach (var file in result.Files)
        {
            var device = model.FindDevice(file.Device)!;
            LoadInNamespace(file, device.Interfaces.Select(i => i.Name).ToList());
        }
    }

    [Fact]
    public void Missing_tools_fail_with_the_install_hint()
    {
        var failure = Assert.ThrowsAny<Exception>(() => HostTools.Require("nft-that-does-not-exist"));
        Assert.Contains("apt-get install nftables iproute2", failure.Message);
    }

    private static void LoadInNamespace(EmittedFile file, IReadOnlyList<string> interfaces)
    {
        string directory = Path.Combine(Path.GetTempPath(), "pk-nft-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, file.FileName);
            File.WriteAllText(path, file.Content);
            using var ns = new NetworkNamespace();
            foreach (var name in interfaces) ns.AddInterface(name);

            var check = ns.Nft("-c", "-f", path);
            Assert.True(check.ExitCode == 0, $"nft -c rejects {file.RelativePath}:\n{check.StandardError}\n{Numbered(file.Content)}");
            var load = ns.Nft("-f", path);
            Assert.True(load.ExitCode == 0, $"nft -f fails on {file.RelativePath}:\n{load.StandardError}");
            var reload = ns.Nft("-f", path);
            Assert.True(reload.ExitCode == 0, $"reloading {file.RelativePath} over itself fails:\n{reload.StandardError}");

            var list = ns.Nft("-j", "list", "ruleset");
            Assert.True(list.ExitCode == 0, list.ToString());
            var kernelSets = NftRulesetText.SetsInKernel(list.StandardOutput);
            var fileSets = NftRulesetText.SetsInFile(file.Content);
            Assert.Equal(fileSets.Keys.Order(StringComparer.Ordinal), kernelSets.Keys.Order(StringComparer.Ordinal));
            foreach (var (name, elements) in fileSets)
            {
                // Interval sets list in address order; a verdict map (a hash) in any order.
                var expected = elements.Select(NftRulesetText.Unquote).ToList();
                var actual = kernelSets[name];
                if (name.StartsWith("pk_interfaces_", StringComparison.Ordinal))
                {
                    expected.Sort(StringComparer.Ordinal);
                    actual = actual.Order(StringComparer.Ordinal).ToList();
                }
                Assert.True(expected.SequenceEqual(actual),
                    $"{file.RelativePath}: set {name} holds\n  {string.Join(", ", kernelSets[name])}\nbut the file says\n  {string.Join(", ", elements)}");
            }
            Assert.Equal(NftRulesetText.ChainsInFile(file.Content).Order(StringComparer.Ordinal),
                NftRulesetText.ChainsInKernel(list.StandardOutput).Order(StringComparer.Ordinal));
            // Reloading replaced the table: one table policykit, not two.
            var tables = ns.Nft("list", "tables");
            Assert.Equal(1, tables.StandardOutput.Split('\n').Count(l => l.Trim() == "table inet policykit"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Numbered(string text) =>
        string.Join("\n", text.Split('\n').Select((line, i) => $"{i + 1,4}: {line}"));
}
