using PolicyKit.Compiler.Emit;
using PolicyKit.Mpolc;
using PolicyKit.Mpolc.Commands;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>
/// `mpolc compile` writes all of its output or none (issue 14, finding 6: with one device's file
/// blocked, the other devices were written, old and new files mixed, and `*.tmp` files holding
/// keys stayed behind, with only "permission denied" to go on).
/// </summary>
public sealed class StagedOutputTests : IDisposable
{
    private static readonly string MixedFleet = Path.Combine(RepoPaths.Examples, "mixed-fleet.mpol");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Out => Path.Combine(_dir.Path, "out");

    private MpolcRun Compile(string policy, string keySuffix, string? missing = null)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var context = new CliContext(stdout, stderr, false, name => name.StartsWith("MIXED_", StringComparison.Ordinal) && name != missing ? $"Key-{name}-{keySuffix}" : null);
        int exit = Program.Run(["compile", policy, "--today", "2026-11-23", "-o", Out], context);
        return new MpolcRun(exit, stdout.ToString(), stderr.ToString());
    }

    private Dictionary<string, string> Snapshot() =>
        Directory.EnumerateFiles(Out, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Out, f), f => Convert.ToHexString(File.ReadAllBytes(f)), StringComparer.Ordinal);

    private void AssertNoLeftovers()
    {
        var left = Directory.EnumerateFileSystemEntries(Out, "*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".tmp", StringComparison.Ordinal) || p.Contains(".mpolc-staging-", StringComparison.Ordinal)).ToList();
        Assert.True(left.Count == 0, "left behind: " + string.Join(", ", left));
    }

    [Fact]
    public void A_directory_in_the_way_of_one_file_changes_nothing_and_the_message_names_it()
    {
        Assert.Equal(0, Compile(MixedFleet, "v1").ExitCode);
        string blocked = Path.Combine(Out, "edge-frr", "frr.conf");
        File.Delete(blocked);
        Directory.CreateDirectory(blocked);
        var before = Snapshot();

        var run = Compile(MixedFleet, "v2");   // every secret changes: every file would change
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"mpolc: error: cannot write '{blocked}': a directory is in the way; nothing was changed in the output folder", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot());
        AssertNoLeftovers();
    }

    [Fact]
    public void A_failure_while_moving_files_into_place_puts_every_old_file_back()
    {
        Assert.Equal(0, Compile(MixedFleet, "v1").ExitCode);
        Directory.Delete(Path.Combine(Out, "edge-xr"), recursive: true);   // a device folder the failed run creates, then removes
        var before = Snapshot();
        int moves = 0;
        string? failedAt = null;
        OutputWriter.BeforeMove = path =>
        {
            if (!path.StartsWith(Out, StringComparison.Ordinal) || ++moves < 6) return;
            failedAt = path;
            throw new IOException("No space left on device");
        };
        try
        {
            var run = Compile(MixedFleet, "v2");
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains($"cannot write '{failedAt}': No space left on device; nothing was changed", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            OutputWriter.BeforeMove = null;
        }
        Assert.Equal(before, Snapshot());
        Assert.False(Directory.Exists(Path.Combine(Out, "edge-xr")));
        AssertNoLeftovers();
    }

    [Fact]
    public void A_file_in_the_way_of_a_device_folder_or_the_output_folder_is_named()
    {
        Directory.CreateDirectory(Out);
        File.WriteAllText(Path.Combine(Out, "edge-xe"), "not a folder");
        var run = Compile(MixedFleet, "v1");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"cannot write '{Path.Combine(Out, "edge-xe")}': a file is in the way of the device folder", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(["edge-xe"], Directory.EnumerateFileSystemEntries(Out).Select(Path.GetFileName));

        Directory.Delete(Out, recursive: true);
        File.WriteAllText(Out, "a file");
        run = Compile(MixedFleet, "v1");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"cannot write '{Out}': a file is in the way of the output folder", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_good_compile_replaces_the_files_keeps_secrets_0600_and_leaves_nothing_else()
    {
        Assert.Equal(0, Compile(MixedFleet, "v1").ExitCode);
        File.WriteAllText(Path.Combine(Out, "notes.txt"), "kept");     // what mpolc did not write stays
        var run = Compile(MixedFleet, "v2");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Key-MIXED_FRR_MD5-v2", File.ReadAllText(Path.Combine(Out, "edge-frr", "frr.conf")), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Out, "edge-frr", "frr.conf")));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(Out, "notes.txt")));
        AssertNoLeftovers();
    }

    [Fact]
    public void Files_staged_while_compiling_are_removed_when_a_later_device_has_an_error()
    {
        // Each device's files are staged as soon as they are rendered (issue 18); a secret missing
        // on the last device is an error found after the others were staged.
        var fresh = Compile(MixedFleet, "v1", missing: "MIXED_LNX_MD5");
        Assert.True(fresh.ExitCode == 1, fresh.ToString());
        Assert.False(Directory.Exists(Out), "a failed first compile left the output folder behind");

        Assert.Equal(0, Compile(MixedFleet, "v1").ExitCode);
        var before = Snapshot();
        var run = Compile(MixedFleet, "v2", missing: "MIXED_LNX_MD5");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(before, Snapshot());
        AssertNoLeftovers();
    }

    [Fact]
    public void Every_device_staged_after_the_output_folder_failed_reports_the_same_cause()
    {
        // Devices are staged from parallel emit threads, and the first failure reported is the
        // first device's, whichever thread got there first. A device staged after the output
        // folder could not be made must name that cause too, not a staging file it could not
        // write (seen in a full run: "cannot write '…/.mpolc-staging…/…'" for a file in the way).
        File.WriteAllText(Out, "a file");
        using var writer = OutputWriter.Open(Out);
        foreach (string device in new[] { "r1", "r2" })
        {
            var failure = Assert.Throws<OutputWriter.WriteFailure>(() => writer.Stage(new EmittedFile(device, "frr", "frr.conf", "!\n", false), secret: false));
            Assert.Equal($"cannot write '{Out}': a file is in the way of the output folder; nothing was changed in the output folder", failure.Message);
        }
        Assert.Equal("a file", File.ReadAllText(Out));
    }
}
