using PolicyKit.Agent.Tests.Support;

namespace PolicyKit.Agent.Tests.Cli;

/// <summary>The command-line frictions of issue 17, each as a new user met it.</summary>
public sealed class AgentCliFrictionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (int Code, string Out, string Err) RunInProcess(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = PolicyKit.Agent.Cli.AgentCommandLine.Run(args, stdout, stderr, new Dictionary<string, string>());
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("NaN")]
    public void A_bad_watch_interval_is_a_clear_usage_error(string value)
    {
        var (code, _, err) = RunInProcess("status", "--watch", value);
        Assert.Equal(2, code);
        Assert.Contains($"invalid value '{value}' for --watch: expected a number of seconds", err);
        Assert.DoesNotContain("System.", err);
    }

    [Fact]
    public void Status_takes_format_as_mpolc_does_and_refuses_an_unknown_one()
    {
        var (code, _, err) = RunInProcess("status", "--format", "xml");
        Assert.Equal(2, code);
        Assert.Contains("unknown value 'xml' for --format: expected text or json", err);

        var help = new StringWriter();
        PolicyKit.Agent.Cli.AgentCommandLine.Run(["status", "--help"], help, TextWriter.Null, new Dictionary<string, string>());
        Assert.Contains("--format", help.ToString());
    }

    /// <summary>The README's own command: the --table given in the shell is relative to the shell's folder, not the configuration's.</summary>
    [Fact]
    public void A_table_given_on_the_command_line_is_relative_to_the_working_directory()
    {
        TestTables.BroadbandEdge(_dir.File("out"));
        Directory.CreateDirectory(_dir.File("conf"));
        File.WriteAllText(_dir.File("conf/agent.toml"), "[agent]\nsite = \"lab\"\n");

        var (code, output, err) = AgentProcess.Run(
            ["check-config", "--config", "conf/agent.toml", "--table", "out/pe-agg-1/pe-agg-1.mpt"], workingDirectory: _dir.Path);
        Assert.True(code == 0, $"exit {code}\n{output}\n{err}");

        // A table named in the file stays relative to the file.
        Directory.CreateDirectory(_dir.File("conf/out/pe-agg-1"));
        File.Copy(_dir.File("out/pe-agg-1/pe-agg-1.mpt"), _dir.File("conf/out/pe-agg-1/pe-agg-1.mpt"));
        File.WriteAllText(_dir.File("conf/agent.toml"), "[agent]\nsite = \"lab\"\ntable = \"out/pe-agg-1/pe-agg-1.mpt\"\n");
        File.Delete(_dir.File("out/pe-agg-1/pe-agg-1.mpt"));
        (code, output, err) = AgentProcess.Run(["check-config", "--config", "conf/agent.toml"], workingDirectory: _dir.Path);
        Assert.True(code == 0, $"exit {code}\n{output}\n{err}");
    }
}
