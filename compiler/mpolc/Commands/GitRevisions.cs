using System.Diagnostics;
using System.Formats.Tar;
using PolicyKit.Compiler;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc diff --git REV POLICY</c> (REV against the working tree) and
/// <c>--git REV1..REV2 POLICY</c>: each revision of the policy's folder tree — the policy and
/// every include beside or below it — is taken out of git (<c>git archive</c>) into a temporary
/// folder and compiled there, so a multi-file policy is compared whole, not only its main file.
/// The temporary folder is removed on dispose.
/// </summary>
internal sealed class GitRevisions : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "mpolc-git-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_temp)) Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary folder must not turn a diff into an error.
        }
    }

    /// <summary>The two sides for <paramref name="range"/> (REV or REV1..REV2) of <paramref name="policy"/>; null after reporting why not.</summary>
    public (DiffSide Old, DiffSide New)? Sides(CliContext context, string range, string policy)
    {
        string[] revisions = range.Split("..", 2);
        foreach (string revision in revisions)
        {
            // Never an option to git (--output=…), never empty.
            if (revision.Length == 0 || revision[0] == '-' || revision.Any(char.IsControl))
            {
                context.ReportError($"--git '{range}': expected REV (against the working tree) or REV1..REV2");
                return null;
            }
        }
        string full = Path.GetFullPath(policy);
        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            context.ReportError($"cannot read '{policy}': no such folder");
            return null;
        }
        if (Git(context, folder, ["rev-parse", "--show-toplevel"]) is not { } top) return null;
        string root = new StreamReader(top).ReadToEnd().Trim();
        string relative = Path.GetRelativePath(root, full);
        string tree = Path.GetDirectoryName(relative) is { Length: > 0 } d ? d : ".";

        var old = Checkout(context, root, revisions[0], tree, relative, 0);
        if (old is null) return null;
        if (revisions.Length == 1)
        {
            var current = InputFiles.TryRead(policy, out _, out string reason) ? new DiffSide(policy, policy, DiskPolicyFileReader.Instance) : null;
            if (current is null) context.ReportError($"cannot read '{policy}': {reason}");
            return current is null ? null : (old, current);
        }
        var @new = Checkout(context, root, revisions[1], tree, relative, 1);
        return @new is null ? null : (old, @new);
    }

    private DiffSide? Checkout(CliContext context, string root, string revision, string tree, string relative, int index)
    {
        string into = Path.Combine(_temp, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(into);
        if (Git(context, root, ["archive", "--format=tar", revision, "--", tree]) is not { } archive) return null;
        try
        {
            TarFile.ExtractToDirectory(archive, into, overwriteFiles: false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            context.ReportError($"cannot take '{tree}' out of git at {revision}: {e.Message}");
            return null;
        }
        string path = Path.Combine(into, relative);
        if (!File.Exists(path))
        {
            context.ReportError($"'{relative}' does not exist at {revision}");
            return null;
        }
        return new DiffSide($"{revision}:{relative}", path, DiskPolicyFileReader.Instance);
    }

    /// <summary>Runs git in <paramref name="directory"/>; its whole stdout, or null after reporting git's own error.</summary>
    private static MemoryStream? Git(CliContext context, string directory, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            context.ReportError("--git needs git on the PATH");
            return null;
        }
        using (process)
        {
            var output = new MemoryStream();
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                string first = errors.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? $"exit {process.ExitCode}";
                context.ReportError($"git {arguments[0]}: {first.Trim()}");
                return null;
            }
            output.Position = 0;
            return output;
        }
    }
}
