using PolicyKit.Compiler.Plan;
using PolicyKit.Compiler.Tests.Backends.Frr;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Convergence;

/// <summary>
/// Issue 16 against real FRR (pimd and bgpd, read and changed through vtysh): v1 running with a
/// prefix list of the site's own; the plan for v2 (a register source removed, a BGP prefix
/// inserted, the neighbor changed), applied with vtysh, leaves FRR's running configuration with
/// nothing left to plan, v2's statements in it, v1's gone, the site's list untouched; a hand-made
/// change to an owned list shows up in the next plan and that plan converges it.
/// </summary>
public sealed class FrrPlanConvergenceTests
{
    private const string V1 = """
        sources s { 10.1.0.0/16; 10.3.0.0/16; 10.5.0.0/16; }
        prefixes p { 198.18.0.0/24; 198.18.2.0/24; 198.18.4.0/24; }
        filter cust { permit prefixes p; }
        device r platform frr {
            rp { address 192.0.2.1 groups 239.192.0.0/16; accept-register sources s; }
            bgp as 64500 { neighbor 192.0.2.9 as 64501 { max-prefix 10; prefix-filter in cust; } }
        }
        """;

    private static readonly string V2 = V1
        .Replace(" 10.3.0.0/16;", "", StringComparison.Ordinal)
        .Replace("198.18.2.0/24;", "198.18.2.0/24; 198.18.3.0/24;", StringComparison.Ordinal)
        .Replace("192.0.2.9", "192.0.2.10", StringComparison.Ordinal);

    private const string Site = "ip prefix-list SITE-DEFAULT seq 5 permit 0.0.0.0/0\n";

    private static void Apply(FrrLive live, IReadOnlyList<string> commands)
    {
        var arguments = new List<string> { "--vty_socket", live.Directory, "-c", "configure terminal" };
        foreach (var command in commands) { arguments.Add("-c"); arguments.Add(command.Trim()); }
        var result = ProcessRunner.Run(FrrInstallation.Vtysh, arguments, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"vtysh exited {result.ExitCode}:\n{result.Output}\ncommands:\n{string.Join("\n", commands)}\n{live.Logs()}");
    }

    [Fact]
    public void V1_to_v2_through_the_plan_converges_and_leaves_the_site_list_alone()
    {
        string v1 = FrrCompile.Config(V1, "r");
        string v2 = FrrCompile.Config(V2, "r");
        using var temp = new TempDirectory();
        using var live = FrrLive.Start(Site + v1, temp.Path);

        var plan = DeploymentPlan.Make("frr", live.RunningConfig(), v2);
        Assert.Empty(plan.Conflicts);
        Assert.NotEmpty(plan.Commands);
        Apply(live, plan.Commands);

        string running = live.RunningConfig();
        var left = DeploymentPlan.Make("frr", running, v2);
        Assert.True(left.Commands.Count == 0, $"after the plan, still to do:\n{string.Join("\n", left.Commands)}\n\nrunning:\n{running}");
        var lines = FrrCompile.Lines(running).Select(l => l.Trim()).ToList();
        Assert.Contains(Site.Trim(), lines);
        Assert.Contains(lines, l => l.StartsWith("ip prefix-list PK-CUST ", StringComparison.Ordinal) && l.EndsWith("permit 198.18.3.0/24", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("10.3.0.0/16", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("192.0.2.9", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("neighbor 192.0.2.10 prefix-list PK-CUST in", StringComparison.Ordinal));

        // A hand-made change to an owned list: the plan shows it and converges it.
        Apply(live, ["ip prefix-list PK-CUST seq 7 permit 203.0.113.0/24"]);
        var drift = DeploymentPlan.Make("frr", live.RunningConfig(), v2);
        Assert.Equal(["no ip prefix-list PK-CUST seq 7 permit 203.0.113.0/24"], drift.Commands);
        Apply(live, drift.Commands);
        Assert.Empty(DeploymentPlan.Make("frr", live.RunningConfig(), v2).Commands);
    }

    [Fact]
    public void Frr_reload_applies_v2_over_v1_as_a_delta()
    {
        // frr-reload.py moves the daemons to a whole configuration: the site's part and PolicyKit's.
        const string Reload = "/usr/lib/frr/frr-reload.py";
        Assert.True(File.Exists(Reload), $"{Reload} is missing: install frr-pythontools (apt-get install frr-pythontools)");
        string v1 = FrrCompile.Config(V1, "r");
        string v2 = FrrCompile.Config(V2, "r");
        using var temp = new TempDirectory();
        using var live = FrrLive.Start(Site + v1, temp.Path);
        string target = Path.Combine(live.Directory, "frr.conf");
        File.WriteAllText(target, Site + v2);
        var result = ProcessRunner.Run("python3", [Reload, "--reload", "--stdout", "--vty_socket", live.Directory, "--bindir", Path.GetDirectoryName(FrrInstallation.Vtysh)!,
            "--confdir", live.Directory, "--rundir", live.Directory, "--daemon", "", target], TimeSpan.FromSeconds(60));
        string running = live.RunningConfig();
        var left = DeploymentPlan.Make("frr", running, v2);
        Assert.True(left.Commands.Count == 0, $"frr-reload exited {result.ExitCode}:\n{result.Output}\n\nstill to do:\n{string.Join("\n", left.Commands)}\n\nrunning:\n{running}");
        var lines = FrrCompile.Lines(running).Select(l => l.Trim()).ToList();
        Assert.Contains(Site.Trim(), lines);
        Assert.DoesNotContain(lines, l => l.Contains("10.3.0.0/16", StringComparison.Ordinal) || l.Contains("192.0.2.9", StringComparison.Ordinal));
    }
}
