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

    /// <summary>The fleet reader's --timeout, the same class as --watch: no CLR type name in the error.</summary>
    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("1e9")]
    public void A_bad_mqtt_timeout_is_a_clear_usage_error(string value)
    {
        var (code, _, err) = RunInProcess("status", "--mqtt", "127.0.0.1:1", "--timeout", value);
        Assert.Equal(2, code);
        Assert.Contains($"invalid value '{value}' for --timeout: expected a number of seconds", err);
        Assert.DoesNotContain("System.", err);
    }

    /// <summary>A password on the command line is visible to every user (ps): there is no such option, and the error says where a password goes.</summary>
    [Fact]
    public void Status_has_no_password_option_and_a_password_needs_a_user()
    {
        var (code, _, err) = RunInProcess("status", "--mqtt", "127.0.0.1:1", "--password", "hunter2");
        Assert.Equal(2, code);
        Assert.Contains("'--password'", err);

        File.WriteAllText(_dir.File("pw"), "s3cret\n");
        (code, _, err) = RunInProcess("status", "--mqtt", "127.0.0.1:1", "--password-file", _dir.File("pw"));
        Assert.Equal(2, code);
        Assert.Contains("a password (--password-file) needs --username", err);
        Assert.DoesNotContain("s3cret", err);
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
