using System.Text.RegularExpressions;
using PolicyKit.Compiler.Tests.Backends.Frr;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// Every frr.conf the compiler writes is checked by FRR 8.4 itself: vtysh -C (exit 0), and the
/// offline checks of bgpd (with the BMP module) and pimd, whose output must hold no error. The
/// inputs: the example policies as they are and with every device moved to platform frr and to
/// platform linux, and test policies covering every construct FRR can express. FRR must be
/// installed (scripts/install-prereqs); without it these tests fail, they never skip.
/// </summary>
public sealed class FrrAcceptanceTests
{
    public static TheoryData<string> Examples() =>
        new(Directory.GetFiles(RepoPaths.Examples, "*.mpol").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    public static TheoryData<string, string> RetargetedExamples()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(RepoPaths.Examples, "*.mpol").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add(file!, "frr");
            data.Add(file!, "linux");
        }
        return data;
    }

    [Fact]
    public void FrrIsInstalled() => FrrInstallation.Require();

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExampleCompilesToConfigsFrrAccepts(string fileName)
    {
        string path = Path.Combine(RepoPaths.Examples, fileName);
        var result = FrrCompile.Compile(File.ReadAllText(path), path: path);
        foreach (var (device, config) in FrrCompile.Configs(result, fileName)) FrrValidator.AssertValid(config, $"{fileName}, device {device}");
    }

    [Theory]
    [MemberData(nameof(RetargetedExamples))]
    public void ExampleRetargetedCompilesToConfigsFrrAccepts(string fileName, string platform)
    {
        // Every device of the example moved to the platform: what FRR cannot express is marked
        // UNSUPPORTED (allowed here), everything else must be real FRR configuration.
        string path = Path.Combine(RepoPaths.Examples, fileName);
        string policy = Regex.Replace(File.ReadAllText(path), @"\bplatform (ios-xe|ios-xr|junos|frr|nftables|linux)\b", $"platform {platform}");
        // Interface names are the platform's real ones: IOS names do not exist on Linux (at most
        // 15 characters, no '/'), so each becomes an ethN, the same name for the same interface.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        policy = Regex.Replace(policy, "interface \"([^\"]+)\"", m =>
        {
            if (!names.TryGetValue(m.Groups[1].Value, out var name)) names[m.Groups[1].Value] = name = $"eth{names.Count}";
            return $"interface \"{name}\"";
        });
        var configs = FrrCompile.Configs(FrrCompile.Compile(policy, allowUnsupported: true, path: path), $"{fileName} on {platform}");
        Assert.NotEmpty(configs);
        foreach (var (device, config) in configs) FrrValidator.AssertValid(config, $"{fileName} on {platform}, device {device}");
    }

    [Fact]
    public void EveryConstructFrrExpressesCompilesCleanAndFrrAcceptsIt()
    {
        var result = FrrCompile.Compile(FrrTestPolicies.FrrRouter);
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "MP4001");
        var configs = FrrCompile.Configs(result, "FrrRouter");
        Assert.DoesNotContain("UNSUPPORTED", configs["r1"]);
        FrrValidator.AssertValid(configs["r1"], "FrrRouter");
    }

    [Fact]
    public void LinuxEdgeRoutingPartIsAcceptedByFrr() =>
        FrrValidator.AssertValid(FrrCompile.Config(FrrTestPolicies.LinuxEdge, "edge-1", allowUnsupported: true), "LinuxEdge");

    [Fact]
    public void UnsupportedFormsStillLeaveAConfigFrrAccepts() =>
        FrrValidator.AssertValid(FrrCompile.Config(FrrTestPolicies.FrrUnsupportedForms, "r2", allowUnsupported: true), "FrrUnsupportedForms");

    [Fact]
    public void RedactedConfigIsStillAcceptedByFrr() =>
        FrrValidator.AssertValid(FrrCompile.Config(FrrTestPolicies.FrrRouter, "r1", redact: true), "FrrRouter (redacted)");

    [Fact]
    public void FrrKeepsEveryLineWithItsMeaning()
    {
        // Loaded into running pimd and bgpd, the configuration reads back as written (FRR's own
        // order; default damping values print as the bare command).
        string config = FrrCompile.Config(FrrTestPolicies.FrrRouter, "r1");
        using var temp = new TempDirectory();
        using var live = FrrLive.Start(config, temp.Path);
        string running = live.RunningConfig();
        string[] expected =
        [
            "ip pim ssm prefix-list PK-R1-SSM",
            "ip pim rp 192.0.2.1 prefix-list PK-R1-RP-GROUPS",
            "ip pim register-accept-list PK-R1.ACCEPT-REGISTER",
            "ip msdp peer 198.51.100.1 source 192.0.2.1",
            "ip msdp mesh-group core source 192.0.2.1",
            "ip msdp mesh-group core member 10.0.0.2",
            "ip msdp mesh-group core member 10.0.0.3",
            " ip pim passive",
            " no ip pim bsm",
            " no ip pim unicast-bsm",
            " ip igmp",
            " ip multicast boundary oil PK-ETH0-BOUNDARY",
            " no bgp default ipv4-unicast",
            " neighbor 198.51.100.9 password secret-BGP_P1",
            " neighbor 198.51.100.9 ttl-security hops 1",
            " neighbor 198.51.100.9 timers 30 90",
            " neighbor 2001:db8::9 timers 0 0",
            "  bgp dampening 10 500 1500 40",
            "  neighbor 198.51.100.9 maximum-prefix 500 80 restart 15",
            "  neighbor 198.51.100.9 prefix-list PK-CUSTOMER-IN in",
            "  neighbor 2001:db8::9 maximum-prefix 1000 warning-only",
            " bmp targets noc",
            "  bmp connect 192.0.2.10 port 11019 min-retry 100 max-retry 1000",
            "  bmp monitor ipv6 unicast post-policy",
            "  bmp stats interval 60000",
            "  bmp connect 127.0.0.1 port 11020 min-retry 100 max-retry 1000",
            "ip prefix-list PK-CUSTOMER-IN seq 5 deny 198.18.5.0/24",
            "ip prefix-list PK-CUSTOMER-IN seq 10 permit 198.18.0.0/15 le 24",
            "ipv6 prefix-list PK-STD.BOGON-FILTER-IN-V6 seq 65 permit any",
        ];
        // Sequence numbers aside: they are content hashes (SequenceNumbers), tested on their own.
        var lines = FrrCompile.Lines(running).Select(FrrCompile.WithoutSequence).ToHashSet();
        var missing = expected.Where(e => !lines.Contains(FrrCompile.WithoutSequence(e))).ToList();
        Assert.True(missing.Count == 0, $"FRR's running configuration lacks:\n{string.Join("\n", missing)}\n\nrunning-config:\n{running}\n{live.Logs()}");
    }
}
