using PolicyKit.Mpolc;

namespace PolicyKit.Engine.Tests.Cli;

/// <summary><c>mpolc explain</c> end to end, in-process.</summary>
public sealed class ExplainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mpolc-explain-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Write(string text)
    {
        string path = Path.Combine(_dir, "p.mpol");
        File.WriteAllText(path, text);
        return path;
    }

    private const string Policy = """
        groups channel-guide { 239.255.255.254; }
        sources headend { 198.51.100.0/26; }
        filter joins {
            permit groups channel-guide;
            permit sources headend groups 232.10.0.0/16;
        }
        device bng platform linux {
            igmp default-limit 1 except channel-guide;
            interface "eth1" { igmp { access joins; } }
        }
        """;

    [Fact]
    public void Explains_each_event_with_verdict_reason_rule_location_and_source_line()
    {
        string path = Write(Policy);
        var (exit, output, error) = Run("explain", path, "--device", "bng", "--event",
            "join eth1 232.10.1.1 source 198.51.100.7 from 10.0.0.9; join eth1 232.10.1.2 source 198.51.100.7; join eth1 232.10.1.3 source 203.0.113.1; join eth1 239.255.255.254");
        Assert.True(exit == 0, error);
        Assert.Contains("1. join eth1 232.10.1.1 source 198.51.100.7 from 10.0.0.9", output);
        Assert.Contains($"{path.Replace('\\', '/')}:5:5", output);
        Assert.Contains("| permit sources headend groups 232.10.0.0/16;", output);
        Assert.Contains("deny (interface-limit)", output);
        Assert.Contains("| igmp default-limit 1 except channel-guide;", output);
        Assert.Contains("use    1 of 1", output);
        Assert.Contains("deny (access-filter)", output);
        Assert.Contains("no rule matches (implicit deny)", output);
        var last = output[output.IndexOf("4. join", StringComparison.Ordinal)..];
        Assert.Contains("admit", last);
        Assert.Contains("counts towards no limit", last);
    }

    [Fact]
    public void Unknown_device_bad_event_and_policy_errors_have_their_exit_codes()
    {
        string path = Write(Policy);
        var (exit, _, error) = Run("explain", path, "--device", "nope", "--event", "join eth1 239.1.1.1");
        Assert.Equal(2, exit);
        Assert.Contains("no device 'nope'", error);
        Assert.Contains("bng", error);

        (exit, _, error) = Run("explain", path, "--device", "bng", "--event", "join eth1 nonsense");
        Assert.Equal(2, exit);
        Assert.Contains("not a group address", error);

        string broken = Write("device x platform linux { mroute-limit 10 warn 20; }");
        (exit, _, error) = Run("explain", broken, "--device", "x", "--event", "join eth1 239.1.1.1");
        Assert.Equal(1, exit);
        Assert.Contains("MP3004", error);
    }

    [Fact]
    public void The_issue_example_runs()
    {
        string path = Write(Policy);
        var (exit, output, error) = Run("explain", path, "--device", "bng", "--event", "join eth1 232.10.1.1 from 10.0.0.9");
        Assert.True(exit == 0, error);
        // An ASM join in the SSM range: refused by the SSM range before any filter.
        Assert.Contains("deny (ssm-range-needs-source)", output);
    }
}
