using CsCheck;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Tests.Backends.Frr;
using PolicyKit.Compiler.Tests.Backends.Nftables;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Properties;

/// <summary>
/// Random valid policies (<see cref="RandomPolicies"/>) compiled to every target: never an
/// internal error, nothing but MP4001 refused; FRR's own checkers accept every frr.conf and the
/// kernel's nft every ruleset. A bounded number here (CsCheck prints the seed of a failure:
/// rerun with POLICYKIT_RANDOM_SEED=SEED; POLICYKIT_RANDOM_ITER=N runs N per test); many more with
/// <c>dotnet run -c Release --project bench/PolicyKit.Bench -- random --count 5000</c>.
/// </summary>
public sealed class RandomPolicyTests
{
    private static readonly string? Seed = Environment.GetEnvironmentVariable("POLICYKIT_RANDOM_SEED");

    /// <summary>POLICYKIT_RANDOM_ITER=N runs N policies per test instead of the CI bound (for a deeper run by hand).</summary>
    private static long Iterations(long bound) =>
        long.TryParse(Environment.GetEnvironmentVariable("POLICYKIT_RANDOM_ITER"), out long n) && n > 0 ? n : bound;

    private static CompileResult Compile(string policy, bool allowUnsupported) => RandomPolicies.Compile(policy, allowUnsupported);

    private static void AssertCompilesEverywhere(string policy)
    {
        if (RandomPolicies.Problem(policy) is { } problem) Assert.Fail(problem);
    }

    [Fact]
    public void Random_policies_compile_to_every_target_with_nothing_but_mp4001_refused() =>
        RandomPolicies.Policy.Sample(AssertCompilesEverywhere, seed: Seed, iter: Iterations(150), threads: 1, print: p => p);

    [Fact]
    public void Frr_accepts_the_frr_conf_of_random_policies()
    {
        FrrInstallation.Require();
        RandomPolicies.PolicyOn("frr", "linux").Sample(policy =>
        {
            var result = Compile(policy, allowUnsupported: true);
            Assert.False(result.HasErrors);
            foreach (var file in result.Files.Where(f => f.Target == "frr")) FrrValidator.AssertValid(file.Content, "a random policy");
        }, seed: Seed, iter: Iterations(12), threads: 1, print: p => p);
    }

    [Fact]
    public void Nft_accepts_the_ruleset_of_random_policies()
    {
        HostTools.RequireRoot();
        RandomPolicies.PolicyOn("nftables", "linux").Sample(policy =>
        {
            var result = Compile(policy, allowUnsupported: true);
            Assert.False(result.HasErrors);
            foreach (var file in result.Files.Where(f => f.Target == "nftables"))
            {
                var device = result.Check.Model!.FindDevice(file.Device)!;
                using var temp = new TempDirectory();
                string path = Path.Combine(temp.Path, "nftables.nft");
                File.WriteAllText(path, file.Content);
                using var ns = new NetworkNamespace();
                foreach (var iface in device.Interfaces) ns.AddInterface(iface.Name);
                var check = ns.Nft("-c", "-f", path);
                Assert.True(check.ExitCode == 0, $"nft -c rejects the ruleset:\n{check.StandardError}\n{file.Content}");
            }
        }, seed: Seed, iter: Iterations(12), threads: 1, print: p => p);
    }
}
