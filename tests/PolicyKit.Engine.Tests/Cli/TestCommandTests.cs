using System.Xml.Linq;
using PolicyKit.Mpolc;

namespace PolicyKit.Engine.Tests.Cli;

/// <summary><c>mpolc test</c> end to end, in-process: the examples' tests pass, a wrong expectation fails with the rule that decided, JUnit XML, coverage.</summary>
public sealed class TestCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mpolc-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PolicyKit.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PolicyKit.sln not found above " + AppContext.BaseDirectory);
    }

    private const string Policy = """
        groups channel-guide { 239.255.255.254; }
        sources headend { 198.51.100.0/26; }
        filter joins {
            permit groups channel-guide;
            permit sources headend groups 232.10.0.0/16;
            deny groups 239.1.0.0/16;
        }
        device bng platform linux {
            interface "eth1" { igmp { access joins; limit 3 except channel-guide; } }
        }

        test "three channels and the guide" device bng {
            expect permit "join eth1 232.10.0.{n} source 198.51.100.1" repeat 3 by "permit sources headend";
            expect permit "join eth1 239.255.255.254";
            expect deny "join eth1 232.10.0.4 source 198.51.100.1" because "interface-limit" by "limit 3";
        }
        """;

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void The_examples_tests_of_the_guides_numbers_pass()
    {
        var files = Directory.GetFiles(Path.Combine(RepoRoot(), "policies", "examples"), "*.mpoltest").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        var (exit, output, error) = Run(["test", .. files]);
        Assert.True(exit == 0, output + error);
        Assert.Matches(@"(?m)^[1-9]\d* passed, 0 failed$", output);
        Assert.Contains("SD DSLAM: 500 Mbps / 4 Mbps = 125 SD channels, the 126th refused", output);
    }

    [Fact]
    public void Passing_tests_report_checks_and_the_rules_no_test_exercised()
    {
        string path = Write("p.mpol", Policy);
        var (exit, output, error) = Run("test", path);
        Assert.True(exit == 0, output + error);
        Assert.Contains("PASS  three channels and the guide  (bng, 5 checks)", output);
        Assert.Contains("coverage: 2 of 3 filter rules exercised; not exercised by any test:", output);
        Assert.Contains(":6:5 | deny groups 239.1.0.0/16;", output);
        Assert.EndsWith("1 passed, 0 failed\n", output);
    }

    [Fact]
    public void A_wrong_expectation_fails_with_exit_4_the_step_and_the_deciding_rule_and_in_junit()
    {
        string path = Write("p.mpol", Policy + """

            test "four channels" device bng {
                expect permit "join eth1 232.10.0.{n} source 198.51.100.1" repeat 4;
            }
            test "wrong reason" device bng {
                expect deny "join eth1 239.1.2.3" because "group-range";
            }
            """);
        string junit = Path.Combine(_dir, "junit.xml");
        var (exit, output, _) = Run("test", path, "--junit", junit);
        Assert.Equal(4, exit);
        Assert.Contains("FAIL  four channels", output);
        Assert.Contains("(repetition 4 of 4): join eth1 232.10.0.4 source 198.51.100.1: expected permit, got deny because interface-limit", output);
        Assert.Contains("FAIL  wrong reason", output);
        Assert.Contains("expected deny because group-range, got deny because access-filter by ", output);
        Assert.Contains("| deny groups 239.1.0.0/16;", output);
        Assert.EndsWith("1 passed, 2 failed\n", output);

        var xml = XDocument.Load(junit);
        Assert.Equal("3", xml.Root!.Attribute("tests")!.Value);
        Assert.Equal("2", xml.Root.Attribute("failures")!.Value);
        var failed = xml.Descendants("testcase").Where(t => t.Element("failure") is not null).Select(t => t.Attribute("name")!.Value).ToList();
        Assert.Equal(["four channels", "wrong reason"], failed);
    }

    [Fact]
    public void A_test_file_includes_the_policy_and_errors_stop_the_run_with_exit_1()
    {
        Write("p.mpol", Policy);
        string tests = Write("p.mpoltest", """
            include "p.mpol";
            test "guide" device bng { expect permit "join eth1 239.255.255.254"; }
            """);
        var (exit, output, error) = Run("test", tests);
        Assert.True(exit == 0, output + error);
        Assert.Contains("2 passed, 0 failed", output);

        string broken = Write("broken.mpoltest", """
            include "p.mpol";
            test "guide" device nope { expect permit "join eth1 239.255.255.254"; }
            """);
        (exit, _, error) = Run("test", broken);
        Assert.Equal(1, exit);
        Assert.Contains("MP2030", error);

        (exit, _, error) = Run("test", Path.Combine(_dir, "missing.mpoltest"));
        Assert.Equal(2, exit);
        Assert.Contains("cannot read", error);
    }
}
