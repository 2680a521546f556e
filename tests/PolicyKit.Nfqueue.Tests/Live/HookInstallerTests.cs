using PolicyKit.Nfqueue.Hooks;
using PolicyKit.Nfqueue.Tests.Infrastructure;

namespace PolicyKit.Nfqueue.Tests.Live;

/// <summary>The hooks in a namespace of the test's own: installed, removed exactly, recovered after a crash.</summary>
public sealed class HookInstallerTests : IDisposable
{
    private readonly Lab _lab = new();
    private readonly string _ns;
    private readonly ProcessCommandRunner _inNs;

    public HookInstallerTests()
    {
        RealParts.Require("ip", "nft", "iptables-nft", "ip6tables-nft");
        _ns = _lab.Namespace("h");
        _inNs = new ProcessCommandRunner(["ip", "netns", "exec", _ns]);
    }

    public void Dispose() => _lab.Dispose();

    private string Rules(string tool = "iptables-nft") => _lab.ExecOk(_ns, tool, "-t", "mangle", "-S");

    private string Tables() => _lab.ExecOk(_ns, "nft", "list", "tables");

    [Fact]
    public void The_queue_rules_use_the_nft_queue_statement_exactly_when_the_kernel_has_it()
    {
        var installer = new HookInstaller(new HookOptions { InstanceId = "q" + _lab.Suffix, QueueNumber = 4, Ipv6 = false }, _inNs);
        // The kernel's published config when there is one; else only the kernel's own answer is left.
        bool expected = KernelConfig.Option("CONFIG_NFT_QUEUE") switch
        {
            null => installer.DetectNftQueue(),
            "not set" => false,
            _ => true,
        };
        var plan = installer.Install();
        Assert.True(plan.UsesNftQueue == expected, $"{KernelConfig.Describe("CONFIG_NFT_QUEUE")}, yet the installer chose {(plan.UsesNftQueue ? "the nft queue statement" : "iptables-nft")}");
        string flows = _lab.ExecOk(_ns, "nft", "list", "chain", "inet", $"policykit_q{_lab.Suffix}", "flows");
        if (expected)
        {
            Assert.Matches("ip protocol igmp queue (num 4 bypass|flags bypass to 4)", flows);   // nft before / since 1.0
            Assert.DoesNotContain("PK_", Rules());
        }
        else
        {
            Assert.DoesNotContain("queue", flows);
            Assert.Contains($"-A PK_q{_lab.Suffix} -p igmp -j NFQUEUE --queue-num 4 --queue-bypass", Rules());
        }
        installer.Remove();
        Assert.DoesNotContain("policykit_", Tables());
        Assert.DoesNotContain("PK_", Rules());
    }

    /// <summary>The iptables-nft path, chosen explicitly: it works on every kernel with the xtables NFQUEUE target.</summary>
    [Fact]
    public void Install_adds_our_table_chain_and_jump_and_remove_takes_exactly_those()
    {
        // The operator's own mangle rule, chain and nft table: they must be the same afterwards.
        _lab.ExecOk(_ns, "iptables-nft", "-t", "mangle", "-A", "PREROUTING", "-p", "udp", "-j", "MARK", "--set-mark", "7");
        _lab.ExecOk(_ns, "iptables-nft", "-t", "mangle", "-N", "OPERATOR");
        _lab.ExecOk(_ns, "iptables-nft", "-t", "mangle", "-A", "OPERATOR", "-p", "igmp", "-j", "RETURN");
        _lab.ExecOk(_ns, "nft", "add", "table", "inet", "operator");
        string before = Rules();
        string before6 = Rules("ip6tables-nft");

        var installer = new HookInstaller(new HookOptions { InstanceId = "t" + _lab.Suffix, QueueNumber = 4, PreferNftQueue = false }, _inNs);
        var plan = installer.Install();

        Assert.False(plan.UsesNftQueue);
        string during = Rules();
        Assert.Contains($"-A PREROUTING -j PK_t{_lab.Suffix}", during);
        Assert.Contains($"-A PK_t{_lab.Suffix} -p igmp -j NFQUEUE --queue-num 4 --queue-bypass", during);
        Assert.Contains("-A PREROUTING -p udp -j MARK --set-xmark 0x7/0xffffffff", during);
        Assert.Contains($"-A PK_t{_lab.Suffix} -p ipv6-icmp -m icmp6 --icmpv6-type 143 -j NFQUEUE", Rules("ip6tables-nft"));
        Assert.Contains($"table inet policykit_t{_lab.Suffix}", Tables());
        Assert.Contains("flags timeout", _lab.ExecOk(_ns, "nft", "list", "set", "inet", $"policykit_t{_lab.Suffix}", "allow4"));

        var removed = installer.Remove();
        Assert.Equal(before, Rules());
        Assert.Equal(before6, Rules("ip6tables-nft"));
        Assert.DoesNotContain("policykit_", Tables());
        Assert.Contains("table inet operator", Tables());
        Assert.Contains(removed, r => r.Contains("table inet policykit_t" + _lab.Suffix));
    }

    [Fact]
    public void A_start_after_a_crash_removes_what_the_crashed_run_left_even_with_other_interfaces()
    {
        var id = "c" + _lab.Suffix;
        _lab.ExecOk(_ns, "ip", "link", "add", "dummy1", "type", "veth", "peer", "name", "dummy2");
        new HookInstaller(new HookOptions { InstanceId = id, Interfaces = ["dummy1"], Ipv6 = false, PreferNftQueue = false }, _inNs).Install();
        Assert.Contains($"-A PREROUTING -i dummy1 -j PK_{id}", Rules());

        // "Crash": the first installer is gone without Remove. The next run has no interface list.
        var next = new HookInstaller(new HookOptions { InstanceId = id, Ipv6 = false, PreferNftQueue = false }, _inNs);
        next.Install();
        string rules = Rules();
        Assert.DoesNotContain("-i dummy1", rules);
        Assert.Single(rules.Split('\n'), l => l.StartsWith("-A PREROUTING", StringComparison.Ordinal));
        next.Remove();
        Assert.DoesNotContain("PK_", Rules());
    }

    [Fact]
    public void A_failed_install_leaves_nothing_behind_and_says_which_command_failed()
    {
        var failing = new FailingRunner(_inNs, "ip6tables-nft");
        var installer = new HookInstaller(new HookOptions { InstanceId = "f" + _lab.Suffix, PreferNftQueue = false }, failing);
        var e = Assert.Throws<HookException>(() => installer.Install());
        Assert.Contains("ip6tables-nft", e.Message);
        Assert.DoesNotContain("PK_", Rules());
        Assert.DoesNotContain("policykit_", Tables());
    }

    [Fact]
    public void The_generated_table_passes_nft_check_in_the_kernel()
    {
        var plan = new HookPlan(new HookOptions { InstanceId = "k" + _lab.Suffix }, nftQueue: false);
        var r = _inNs.Run("nft", ["-c", "-f", "-"], plan.NftScript());
        Assert.True(r.Ok, r.Error);
    }

    [Fact]
    public void A_missing_tool_is_reported_with_its_debian_package()
    {
        var r = ProcessCommandRunner.Default.Run("/nonexistent/nft", []);
        Assert.Equal(127, r.ExitCode);
        Assert.Contains("nftables", r.Error);
        Assert.Equal("iptables", ProcessCommandRunner.PackageOf("ip6tables-nft"));
    }

    /// <summary>Runs commands normally, except that a chosen tool's "-A" rules fail (as a missing kernel module would).</summary>
    private sealed class FailingRunner(ICommandRunner inner, string tool) : ICommandRunner
    {
        public CommandResult Run(string file, IReadOnlyList<string> arguments, string? input = null) =>
            file == tool && arguments.Contains("-A") ? new CommandResult(1, "", "Extension NFQUEUE revision 0 not supported, missing kernel module?") : inner.Run(file, arguments, input);
    }
}
