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
}
