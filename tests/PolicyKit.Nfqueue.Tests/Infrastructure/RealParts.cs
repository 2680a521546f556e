namespace PolicyKit.Nfqueue.Tests.Infrastructure;

/// <summary>Live tests need root and real tools; a missing one fails the test naming the Debian package.</summary>
internal static class RealParts
{
    private static readonly (string Tool, string Package)[] Tools =
    [
        ("ip", "iproute2"), ("nft", "nftables"), ("iptables-nft", "iptables"), ("ip6tables-nft", "iptables"),
        ("socat", "socat"), ("smcrouted", "smcroute"), ("dotnet", "dotnet-sdk-10.0"),
    ];

    public static void Require(params string[] tools)
    {
        Assert.True(Environment.UserName == "root" || geteuid() == 0, "live NFQUEUE tests need root (network namespaces, netfilter)");
        foreach (var tool in tools.Length == 0 ? Tools.Select(t => t.Tool).ToArray() : tools)
        {
            string package = Tools.FirstOrDefault(t => t.Tool == tool).Package ?? tool;
            Assert.True(Which(tool) is not null, $"'{tool}' is not installed: apt-get install -y {package}");
        }
    }

    public static string? Which(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':').Concat(["/usr/sbin", "/sbin"]))
        {
            var path = Path.Combine(dir, tool);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
}
