using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Diagnostics;

/// <summary>Diagnostics of `mpolc plan` (issue 16): what a plan would replace that PolicyKit does not own.</summary>
public sealed class PlanDiagnosticTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void MP4030_plan_would_replace_an_object_PolicyKit_does_not_own()
    {
        string policy = _dir.Write("p.mpol", """
            filter joins { permit groups 239.1.0.0/16; }
            device r platform ios-xe { interface "GigabitEthernet1" { igmp { access joins; } } }
            """);
        string running = _dir.Write("running.cfg", "hostname r\ninterface GigabitEthernet1\n ip igmp access-group SITE-JOINS\n");
        var run = MpolcRunner.Run("plan", policy, "--device", "r", "--running", running);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"{running}:3:2: error MP4030: 'ip igmp access-group PK-JOINS-IGMP' would replace 'ip igmp access-group SITE-JOINS', which PolicyKit does not own", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_running_ruleset_that_is_not_nft_json_is_a_clear_error_for_an_nftables_plan()
    {
        string policy = _dir.Write("p.mpol", """
            filter f { permit sources 10.1.0.0/16 groups 239.1.0.0/16; }
            device r platform nftables { interface "eth1" { source-filter f; } }
            """);
        string running = _dir.Write("running.json", "{\"nftables\": 3}");
        var run = MpolcRunner.Run("plan", policy, "--device", "r", "--running", running);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{running}: the running ruleset has no \"nftables\" array; give the output of nft -j list ruleset", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }
}
