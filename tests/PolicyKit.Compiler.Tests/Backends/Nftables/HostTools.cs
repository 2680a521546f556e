
namespace PolicyKit.Compiler.Tests.Backends.Nftables;

/// <summary>
/// The real tools (nft, ip) the nftables acceptance tests need, run through
/// <see cref="ExternalCommand"/> (tests/Shared). A missing tool fails the test with the install
/// hint; a command that outlives its bound fails the test.
/// </summary>
internal static class HostTools
{
    public const string InstallHint = "install nftables iproute2 (apt-get install nftables iproute2)";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The full path of a tool, or a test failure naming the packages to install.</summary>
    public static string Require(string tool) => ExternalCommand.Require(tool, InstallHint);

    /// <summary>Fails unless the tests run as root (network namespaces need it).</summary>
    public static void RequireRoot() =>
        ExternalCommand.RequireRoot($"the nftables acceptance tests create network namespaces; {InstallHint}");

    public static CommandOutcome Run(string file, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        var outcome = ExternalCommand.Run(file, arguments, timeout ?? Timeout);
        if (outcome.TimedOut) Assert.Fail($"`{outcome.Command}` did not finish within {(timeout ?? Timeout).TotalSeconds} s");
        return outcome;
    }
}
