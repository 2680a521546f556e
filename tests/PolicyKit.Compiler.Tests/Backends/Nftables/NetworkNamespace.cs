using System.Security.Cryptography;

namespace PolicyKit.Compiler.Tests.Backends.Nftables;

/// <summary>
/// A network namespace the test creates (pk-test-RANDOM) and always deletes on Dispose, with
/// the interfaces a policy names. nft runs inside it, so the host's own ruleset is never touched.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    private readonly string _ip;
    private readonly string _nft;
    private bool _disposed;

    public NetworkNamespace()
    {
        HostTools.RequireRoot();
        _ip = HostTools.Require("ip");
        _nft = HostTools.Require("nft");
        Name = "pk-test-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var add = HostTools.Run(_ip, ["netns", "add", Name]);
        Assert.True(add.ExitCode == 0, $"could not create network namespace {Name}: {add}");
    }

    public string Name { get; }

    /// <summary>
    /// Creates a link named <paramref name="name"/> in the namespace: a dummy link, or a bridge
    /// where the kernel has no dummy driver (some build kernels lack it).
    /// </summary>
    public void AddInterface(string name)
    {
        var dummy = HostTools.Run(_ip, ["-n", Name, "link", "add", name, "type", "dummy"]);
        if (dummy.ExitCode == 0) return;
        var bridge = HostTools.Run(_ip, ["-n", Name, "link", "add", name, "type", "bridge"]);
        Assert.True(bridge.ExitCode == 0, $"could not create interface '{name}' in {Name}:\n{dummy}\n{bridge}");
    }

    /// <summary>Runs nft inside the namespace.</summary>
    public CommandOutcome Nft(params string[] arguments) =>
        HostTools.Run(_ip, ["netns", "exec", Name, _nft, .. arguments]);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        HostTools.Run(_ip, ["netns", "delete", Name]);
    }
}
