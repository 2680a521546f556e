using System.Diagnostics;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>
/// <c>mpolc diff</c> on a multi-file policy as it is reviewed: one side from a pipe
/// (<c>&lt;(git show HEAD:p.mpol)</c>, includes resolved beside the policy, not in /dev/fd), and
/// two git revisions of the whole policy (<c>--git REV</c>, <c>--git REV1..REV2</c>).
/// </summary>
public sealed class DiffSourcesTests : IDisposable
{
    private const string Today = "2026-11-23";

    private const string Main = """
        include "parts/groups.mpol";
        filter joins { permit groups tv; }

        device edge-1 platform ios-xe {
            interface "GigabitEthernet0/0/1" {
                igmp { access joins; limit 125; }
            }
        }

        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Repo => _dir.Path;

    private void Git(params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = Repo, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false" }.Concat(args)) info.ArgumentList.Add(a);
        Process? p = null;
        try
        {
            p = Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail("git is not installed: apt-get install git");
        }
        using (p)
        {
            string err = p!.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(30_000), "git did not finish");
            Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {err}");
        }
    }

    /// <summary>Two commits: the include's group range changes in the second; the main file does not.</summary>
    private string TwoRevisions()
    {
        Git("init", "-q");
        string policy = _dir.Write("policies/p.mpol", Main);
        _dir.Write("policies/parts/groups.mpol", "groups tv { 232.10.0.0/16; }\n");
        Git("add", "-A");
        Git("commit", "-q", "-m", "one");
        _dir.Write("policies/parts/groups.mpol", "groups tv { 232.20.0.0/16; }\n");
        Git("commit", "-q", "-a", "-m", "two");
        return policy;
    }

    [Fact]
    public void Git_range_compares_two_revisions_with_their_includes()
    {
        string policy = TwoRevisions();
        var run = MpolcRunner.Run("diff", "--git", "HEAD~1..HEAD", policy, "-t", "ios-xe", "--today", Today);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("232.10.0.0", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("232.20.0.0", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("device edge-1", run.Stdout, StringComparison.Ordinal);

        // The same revision twice: nothing to show.
        run = MpolcRunner.Run("diff", "--git", "HEAD..HEAD", policy, "-t", "ios-xe", "--today", Today);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public void Semantic_diff_of_a_git_range_and_against_the_working_tree()
    {
        string policy = TwoRevisions();
        var run = MpolcRunner.Run("diff", "--semantic", "--git", "HEAD~1..HEAD", policy, "--today", Today);
        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("  interface GigabitEthernet0/0/1: IGMP joins newly admitted: sources any except *; groups 232.20.0.0/16", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  interface GigabitEthernet0/0/1: IGMP joins newly denied: sources any except *; groups 232.10.0.0/16", run.Stdout, StringComparison.Ordinal);

        // Against the working tree, which is HEAD: no change in meaning.
        run = MpolcRunner.Run("diff", "--semantic", "--git", "HEAD", policy, "--today", Today);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public void Git_revision_against_the_working_tree()
    {
        string policy = TwoRevisions();
        var run = MpolcRunner.Run("diff", "--git", "HEAD", policy, "-t", "ios-xe", "--today", Today);
        Assert.True(run.ExitCode == 0, run.ToString());

        _dir.Write("policies/parts/groups.mpol", "groups tv { 232.30.0.0/16; }\n");
        run = MpolcRunner.Run("diff", "--git", "HEAD", policy, "-t", "ios-xe", "--today", Today);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("+", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("232.30.0.0", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-such-rev", "git archive:")]
    [InlineData("--output=/tmp/x", "expected REV")]
    [InlineData("HEAD..", "expected REV")]
    public void A_bad_revision_is_exit_2_and_leaves_nothing_behind(string range, string expected)
    {
        string policy = TwoRevisions();
        int before = Directory.GetDirectories(Path.GetTempPath(), "mpolc-git-*").Length;
        var run = MpolcRunner.Run("diff", "--git", range, policy, "-t", "ios-xe", "--today", Today);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        Assert.True(Directory.GetDirectories(Path.GetTempPath(), "mpolc-git-*").Length <= before);
    }

    [Fact]
    public void Git_with_old_and_new_or_neither_is_a_usage_error()
    {
        string policy = TwoRevisions();
        Assert.Equal(2, MpolcRunner.Run("diff", "--git", "HEAD", policy, policy, "-t", "ios-xe").ExitCode);
        Assert.Equal(2, MpolcRunner.Run("diff", policy, "-t", "ios-xe").ExitCode);
    }

    /// <summary>The issue's own command, through a real shell: <c>mpolc diff &lt;(git show HEAD:p.mpol) p.mpol</c>.</summary>
    [Fact]
    public async Task A_process_substitution_side_resolves_its_includes_beside_the_other_side()
    {
        string policy = TwoRevisions();
        _dir.Write("policies/p.mpol", Main.Replace("limit 125", "limit 200", StringComparison.Ordinal));
        string mpolc = Path.Combine(AppContext.BaseDirectory, "mpolc.dll");
        var info = new ProcessStartInfo("bash") { WorkingDirectory = Path.Combine(Repo, "policies"), RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"dotnet '{mpolc}' diff <(git show HEAD:policies/p.mpol) p.mpol -t ios-xe --today {Today}");
        using var p = Process.Start(info)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        string stderr = await p.StandardError.ReadToEndAsync();
        string stdout = await stdoutTask;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(timeout.Token);
        Assert.True(p.ExitCode == 1, $"exit {p.ExitCode}\n{stdout}\n{stderr}");
        Assert.Contains("\n- ip igmp limit 125\n+ ip igmp limit 200\n", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("/dev/fd/", stderr.Replace("only in /dev/fd", "", StringComparison.Ordinal), StringComparison.Ordinal);
        _ = policy;
    }
}
