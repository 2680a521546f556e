using System.Diagnostics;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Robustness;

/// <summary>
/// Includes read only policy files of the policy's own folder tree (and std/, and folders given
/// with --include-dir), as regular files of bounded size; nothing else is read, and no
/// diagnostic quotes a file that is not a policy (issue 14, finding 3: `include
/// "/proc/self/environ";` printed an environment variable, `/dev/zero` ran out of memory, a FIFO
/// blocked, `include "";` crashed).
/// </summary>
public sealed class IncludeConfinementTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Policy(string include, string name = "site/p.mpol") =>
        _dir.Write(name, $"include \"{include}\";\ngroups g {{ 232.1.1.1; }}\n");

    private static MpolcRun Check(params string[] args) => MpolcRunner.Run(["check", .. args]);

    [Theory]
    [InlineData("/proc/self/environ", "MP1011")]
    [InlineData("/etc/passwd", "MP1011")]
    [InlineData("../../../../../../etc/passwd", "MP1011")]
    [InlineData("/dev/zero", "MP1011")]
    [InlineData("/proc/self/environ/../../../etc/hostname.mpol", "MP1010")]
    [InlineData("../outside.mpol", "MP1010")]
    [InlineData("/etc/policy.mpol", "MP1010")]
    public void An_include_outside_the_tree_or_not_a_policy_is_refused_unread(string include, string code)
    {
        _dir.Write("outside.mpol", "groups secret-looking { 232.9.9.9; }\nthis is not a policy: TOKEN=abc123\n");
        var run = Check(Policy(include));
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"error {code}: included file '{include}'", run.Stdout, StringComparison.Ordinal);
        foreach (string leak in new[] { "root:", "PATH=", "TOKEN=", "HOME=" })
            Assert.DoesNotContain(leak, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_in_the_tree_pointing_out_of_it_is_refused()
    {
        _dir.Write("outside.mpol", "groups x { 232.9.9.9; }\n");
        Directory.CreateDirectory(Path.Combine(_dir.Path, "site"));
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "site", "lists.mpol"), Path.Combine(_dir.Path, "outside.mpol"));
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "site", "zero.mpol"), "/dev/zero");
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "site", "etc"), "/etc");
        foreach (string include in new[] { "lists.mpol", "zero.mpol", "etc/x.mpol" })
        {
            var run = Check(Policy(include));
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains($"error MP1010: included file '{include}' is outside the policy's folder", run.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_fifo_or_a_directory_named_like_a_policy_is_refused_without_blocking()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "site", "dir.mpol"));
        using (var mkfifo = Process.Start("mkfifo", [Path.Combine(_dir.Path, "site", "fifo.mpol")]))
        {
            Assert.True(mkfifo.WaitForExit(10_000) && mkfifo.ExitCode == 0, "mkfifo failed (install coreutils)");
        }
        var fifo = Task.Run(() => Check(Policy("fifo.mpol")));
        Assert.True(await Task.WhenAny(fifo, Task.Delay(TimeSpan.FromSeconds(20))) == fifo, "mpolc check blocked on a FIFO include");
        Assert.Contains("error MP1009: cannot read 'fifo.mpol': not a regular file (a FIFO)", (await fifo).Stdout, StringComparison.Ordinal);
        Assert.Contains("error MP1009: cannot read 'dir.mpol': not a regular file (a directory)", Check(Policy("dir.mpol")).Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "an empty path")]
    [InlineData("a\u0000b.mpol", "the path holds a NUL character")]
    public void An_empty_path_or_a_nul_is_a_diagnostic_not_a_crash(string include, string reason)
    {
        var run = Check(Policy(include));
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"error MP1009: cannot read '", run.Stdout, StringComparison.Ordinal);
        Assert.Contains(reason, run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Includes_below_the_policy_folder_std_and_include_dir_folders_are_read()
    {
        _dir.Write("site/lists/tv.mpol", "groups tv { 232.10.0.0/16; }\n");
        _dir.Write("shared/common.mpol", "groups common { 232.11.0.0/16; }\n");
        string policy = _dir.Write("site/p.mpol", "include \"lists/tv.mpol\";\ninclude \"std/multicast-ranges.mpol\";\ninclude \"../shared/common.mpol\";\ngroups all { tv; common; }\n");
        var refused = Check(policy);
        Assert.Contains("error MP1010: included file '../shared/common.mpol' is outside the policy's folder", refused.Stdout, StringComparison.Ordinal);
        var run = Check(policy, "--include-dir", Path.Combine(_dir.Path, "shared"));
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public void A_top_level_file_that_is_a_device_is_refused_as_an_input_error()
    {
        var run = Check("/dev/zero");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("cannot read '/dev/zero': not a regular file (a character device)", run.Stderr, StringComparison.Ordinal);
    }
}
