namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>
/// <c>mpolc diff OLD NEW --target T</c> through the real CLI: a unified diff per device of the
/// generated configuration, exit codes as diff(1) (0 same, 1 different, 2 trouble).
/// </summary>
public sealed class DiffCommandTests : IDisposable
{
    private const string Today = "2026-11-23";

    // Two routers; each test changes one thing in one of them.
    private const string Policy = """
        groups tv { 232.10.0.0/16; }
        groups guide { 239.255.255.254; }
        filter joins { permit groups guide; permit groups tv; }

        device edge-1 platform ios-xe {
            mroute-limit 4000 warn 3200;
            sap-listen off;
            interface "GigabitEthernet0/0/1" {
                description "subscribers";
                igmp { access joins; limit 125 except guide; }
            }
        }

        device edge-2 platform ios-xe {
            mroute-limit 2000 warn 1600;
            interface "GigabitEthernet0/0/1" {
                igmp { access joins; limit 50 except guide; }
            }
        }

        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private MpolcRun Diff(string oldText, string newText, params string[] options)
    {
        string oldPath = _dir.Write("old.mpol", oldText);
        string newPath = _dir.Write("new.mpol", newText);
        return MpolcRunner.Run(["diff", oldPath, newPath, "--today", Today, .. options]);
    }

    [Fact]
    public void Changed_limit_shows_minus_and_plus_lines_under_its_device()
    {
        var run = Diff(Policy, Policy.Replace("limit 125 except guide", "limit 100 except guide", StringComparison.Ordinal), "--target", "ios-xe");

        Assert.True(run.ExitCode == 1, run.ToString());
        var lines = run.Stdout.Split('\n');
        int device = Array.IndexOf(lines, "device edge-1 (ios-xe.cfg): changed");
        Assert.True(device >= 0, run.ToString());
        Assert.Equal("--- a/edge-1/ios-xe.cfg", lines[device + 1]);
        Assert.Equal("+++ b/edge-1/ios-xe.cfg", lines[device + 2]);
        Assert.StartsWith("@@ -", lines[device + 3], StringComparison.Ordinal);
        int minus = Array.FindIndex(lines, l => l.StartsWith("- ip igmp limit 125 ", StringComparison.Ordinal));
        int plus = Array.FindIndex(lines, l => l.StartsWith("+ ip igmp limit 100 ", StringComparison.Ordinal));
        Assert.True(device < minus && minus < plus, run.ToString());
        // Exactly one line out, one line in; the other router is unchanged and not mentioned.
        Assert.Single(lines, l => l.StartsWith('-') && !l.StartsWith("---", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith('+') && !l.StartsWith("+++", StringComparison.Ordinal));
        Assert.DoesNotContain("edge-2", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 changed, 0 added, 0 removed", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Hunk_line_numbers_are_those_of_the_generated_files()
    {
        string newText = Policy.Replace("mroute-limit 2000 warn 1600", "mroute-limit 2500 warn 1600", StringComparison.Ordinal);
        var run = Diff(Policy, newText, "--target", "ios-xe", "-U", "0");
        Assert.True(run.ExitCode == 1, run.ToString());

        string compiled = Path.Combine(_dir.Path, "out");
        var compile = MpolcRunner.Run("compile", Path.Combine(_dir.Path, "new.mpol"), "--target", "ios-xe", "-o", compiled, "--today", Today);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var file = File.ReadAllLines(Path.Combine(compiled, "edge-2", "ios-xe.cfg"));
        int line = Array.FindIndex(file, l => l == "ip multicast route-limit 2500 1600") + 1;
        Assert.Contains($"@@ -{line} +{line} @@\n-ip multicast route-limit 2000 1600\n+ip multicast route-limit 2500 1600\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Identical_policies_exit_0_with_no_output()
    {
        var run = Diff(Policy, Policy, "--target", "ios-xe");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains("no differences", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_change_that_generates_the_same_configuration_exits_0()
    {
        // Comments and layout change the text, so the content hash in every header changes;
        // the header is not part of the comparison, so there is nothing to show.
        string reformatted = "// reviewed 2026-11\n" + Policy.Replace("    mroute-limit 4000 warn 3200;", "    mroute-limit 4000   warn 3200;   // unchanged", StringComparison.Ordinal);
        var run = Diff(Policy, reformatted, "--target", "ios-xe");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Added_and_removed_devices_are_reported_as_such()
    {
        string without2 = Policy[..Policy.IndexOf("device edge-2", StringComparison.Ordinal)];
        string with3 = without2 + "device edge-3 platform ios-xe {\n    mroute-limit 100 warn 80;\n}\n";
        var run = Diff(Policy, with3, "--target", "ios-xe");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("device edge-3 (ios-xe.cfg): added (only in ", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--- /dev/null\n+++ b/edge-3/ios-xe.cfg\n@@ -0,0 +1,", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("+ip multicast route-limit 100 80\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("device edge-2 (ios-xe.cfg): removed (only in ", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--- a/edge-2/ios-xe.cfg\n+++ /dev/null\n@@ -1,", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("device edge-1", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 changed, 1 added, 1 removed", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_policy_exits_2_with_its_diagnostics()
    {
        string broken = Policy.Replace("groups tv { 232.10.0.0/16; }", "groups tv { 10.0.0.0/8; }", StringComparison.Ordinal);
        var run = Diff(Policy, broken, "--target", "ios-xe");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains(Path.Combine(_dir.Path, "new.mpol") + ":1:13: error MP3001: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("has errors; nothing to compare", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("old.mpol", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_error_in_the_old_policy_also_exits_2()
    {
        var run = Diff("groups x { 232.0.0.0/8 }\n", Policy, "--target", "ios-xe");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("error MP1001: ", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Unsupported_construct_is_an_error_unless_allowed_and_its_marker_is_a_real_change()
    {
        const string bmp = "    bmp station noc { address 192.0.2.10; tls mutual { ca file(\"ca.pem\"); cert file(\"s.crt\"); key file(\"s.key\"); } }\n";
        string withTls = Policy.Replace("    sap-listen off;\n", "    sap-listen off;\n" + bmp, StringComparison.Ordinal);

        var strict = Diff(Policy, withTls, "--target", "ios-xe", "--redact");
        Assert.True(strict.ExitCode == 2, strict.ToString());
        Assert.Contains("error MP4001: bmp over tls cannot be expressed on ios-xe", strict.Stderr, StringComparison.Ordinal);

        var allowed = Diff(Policy, withTls, "--target", "ios-xe", "--redact", "--allow-unsupported");
        Assert.True(allowed.ExitCode == 1, allowed.ToString());
        Assert.Contains("\n+! UNSUPPORTED on ios-xe: bmp over tls (", allowed.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Moving_statements_is_not_a_change_even_where_comments_cite_their_lines()
    {
        // UNSUPPORTED markers cite "old.mpol:N" and "new.mpol:N+2": the same configuration.
        const string bmp = "    bmp station noc { address 192.0.2.10; tls mutual { ca file(\"ca.pem\"); cert file(\"s.crt\"); key file(\"s.key\"); } }\n";
        string withTls = Policy.Replace("    sap-listen off;\n", "    sap-listen off;\n" + bmp, StringComparison.Ordinal);
        var run = Diff(withTls, "// moved down two lines\n\n" + withTls, "--target", "ios-xe", "--redact", "--allow-unsupported");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Agent_table_changes_show_in_its_readable_form()
    {
        var run = Diff(Policy, Policy.Replace("limit 125 except guide", "limit 100 except guide", StringComparison.Ordinal), "--target", "agent");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("device edge-1 (edge-1.mpt): changed\n--- a/edge-1/edge-1.mpt\n+++ b/edge-1/edge-1.mpt\n", run.Stdout, StringComparison.Ordinal);
        Assert.Single(run.Stdout.Split('\n'), l => l.StartsWith('-') && l.Contains("limit 125", StringComparison.Ordinal));
        Assert.Single(run.Stdout.Split('\n'), l => l.StartsWith('+') && l.Contains("limit 100", StringComparison.Ordinal));
        Assert.DoesNotContain("edge-2", run.Stdout, StringComparison.Ordinal);

        // Its rendering cites policy lines and columns: moving statements changes nothing.
        var moved = Diff(Policy, "// moved down two lines\n\n" + Policy, "--target", "agent");
        Assert.True(moved.ExitCode == 0, moved.ToString());
    }

    [Fact]
    public void Missing_file_exits_2()
    {
        string policy = _dir.Write("p.mpol", Policy);
        var run = MpolcRunner.Run("diff", policy, Path.Combine(_dir.Path, "missing.mpol"), "--target", "ios-xe");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("cannot read", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("--target", "no-such-target")]
    [InlineData("--unified", "-1")]
    [InlineData("--bogus")]
    public void Usage_errors_exit_2(params string[] options)
    {
        string policy = _dir.Write("p.mpol", Policy);
        var run = MpolcRunner.Run(["diff", policy, policy, .. options]);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("mpolc: error: ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Target_is_required()
    {
        string policy = _dir.Write("p.mpol", Policy);
        var run = MpolcRunner.Run("diff", policy, policy);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--target", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_are_only_read_without_redact()
    {
        const string peer = "    msdp { peer 198.51.100.1 as 64510 { sa-filter both joins2; sa-limit 100; auth md5 secret env(\"POLICYKIT_TEST_UNSET_MD5\"); } }\n";
        string withPeer = Policy.Replace("    sap-listen off;\n", "    sap-listen off;\n" + peer, StringComparison.Ordinal)
            + "filter joins2 { permit any; }\n";

        var unresolved = Diff(Policy, withPeer, "--target", "ios-xe");
        Assert.True(unresolved.ExitCode == 2, unresolved.ToString());
        Assert.Contains("MP4002", unresolved.Stderr, StringComparison.Ordinal);

        var redacted = Diff(Policy, withPeer, "--target", "ios-xe", "--redact");
        Assert.True(redacted.ExitCode == 1, redacted.ToString());
        Assert.Contains("<redacted:environment:POLICYKIT_TEST_UNSET_MD5>", redacted.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_is_listed_in_the_help()
    {
        var run = MpolcRunner.Run("--help");
        Assert.Contains("diff", run.Stdout, StringComparison.Ordinal);
    }
}
