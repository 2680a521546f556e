using PolicyKit.Compiler.Emit;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// Writes the generated files of one compile, all or nothing. Every file is first written into a
/// staging folder inside the output folder (<c>DIR/.mpolc-staging-…</c>, beside the device
/// folders, so moving a file into place is a rename on the same file system); only when all of
/// them are written are they moved into place, each file that is replaced kept aside until the
/// end. If anything fails — a write (a full disk), a directory or file in the way, a rename —
/// the files already moved are put back, the old ones restored, the staging folder removed, and
/// the error names the path. Nothing partial, no temporary file left behind. Files holding
/// secrets are created with mode 0600 (never readable by others, not even briefly); a binary
/// file (the agent's table) is written as its bytes.
/// </summary>
internal sealed class OutputWriter
{
    private const string StagingPrefix = ".mpolc-staging-";

    private readonly string _outputDir;
    private readonly string _staging;
    private readonly List<Action> _undo = [];

    private OutputWriter(string outputDir)
    {
        _outputDir = outputDir;
        _staging = Path.Combine(outputDir, StagingPrefix + Guid.NewGuid().ToString("N")[..12]);
    }

    /// <summary>For tests: called with each final path just before a file is moved there (a failure injected here must roll everything back).</summary>
    internal static Action<string>? BeforeMove { get; set; }

    /// <summary>A file that cannot be written, and why, in the words of Unix tools.</summary>
    public sealed class WriteFailure(string path, string reason) : Exception($"cannot write '{path}': {reason}; nothing was changed in the output folder")
    {
        public string Path { get; } = path;
    }

    /// <summary>Writes every file or none; throws <see cref="WriteFailure"/> naming the path that failed.</summary>
    public static void WriteAll(string outputDir, IReadOnlyList<EmittedFile> files, Func<EmittedFile, bool> secret)
    {
        var writer = new OutputWriter(outputDir);
        writer.Run(files, secret);
        // What was written, for deployment tools; devices the last compile wrote and this one does not are removed.
        Guard(Path.Combine(outputDir, DeploymentManifest.FileName), () => DeploymentManifest.Update(outputDir, files));
    }

    private void Run(IReadOnlyList<EmittedFile> files, Func<EmittedFile, bool> secret)
    {
        Guard(_outputDir, () =>
        {
            if (File.Exists(_outputDir)) throw new IOException("a file is in the way of the output folder");
            Directory.CreateDirectory(_outputDir);
        });
        try
        {
            Guard(_staging, () => Directory.CreateDirectory(_staging));
            foreach (var file in files) Stage(file, secret(file));
            Preflight(files);
            foreach (var file in files) MoveIntoPlace(file);
            _undo.Clear();
        }
        catch
        {
            // Back out in reverse order: the new files leave, the old ones return, new folders go.
            for (int i = _undo.Count - 1; i >= 0; i--)
            {
                try { _undo[i](); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
            throw;
        }
        finally
        {
            try { if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private string Final(EmittedFile file) => Path.Combine(_outputDir, file.Device, file.FileName);

    private string Staged(EmittedFile file) => Path.Combine(_staging, "new", file.Device, file.FileName);

    private string Kept(EmittedFile file) => Path.Combine(_staging, "old", file.Device, file.FileName);

    private void Stage(EmittedFile file, bool secret)
    {
        string staged = Staged(file);
        Guard(Final(file), () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                    : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            }
            using var stream = new FileStream(staged, options);
            if (file.Bytes is { } bytes)
            {
                stream.Write(bytes);
            }
            else
            {
                using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
                writer.Write(file.Content);
            }
        });
    }

    /// <summary>What can be seen before anything moves: a file where a device folder goes, a folder where a file goes.</summary>
    private void Preflight(IReadOnlyList<EmittedFile> files)
    {
        foreach (var file in files)
        {
            string device = Path.Combine(_outputDir, file.Device);
            if (File.Exists(device)) throw new WriteFailure(device, "a file is in the way of the device folder");
            string final = Final(file);
            if (Directory.Exists(final)) throw new WriteFailure(final, "a directory is in the way");
        }
    }

    private void MoveIntoPlace(EmittedFile file)
    {
        string final = Final(file), staged = Staged(file);
        Guard(final, () =>
        {
            string device = Path.GetDirectoryName(final)!;
            if (!Directory.Exists(device))
            {
                Directory.CreateDirectory(device);
                _undo.Add(() => { if (!Directory.EnumerateFileSystemEntries(device).Any()) Directory.Delete(device); });
            }
            BeforeMove?.Invoke(final);
            if (File.Exists(final))
            {
                string kept = Kept(file);
                Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
                File.Move(final, kept);
                _undo.Add(() => File.Move(kept, final, overwrite: true));
            }
            File.Move(staged, final);
            _undo.Add(() => File.Move(final, staged, overwrite: true));
        });
    }

    /// <summary>Runs a file-system step; an I/O failure becomes a <see cref="WriteFailure"/> naming <paramref name="path"/>.</summary>
    private static void Guard(string path, Action step)
    {
        try
        {
            step();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new WriteFailure(path, Reason(e));
        }
    }

    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException or FileNotFoundException => "no such file or directory",
        IOException { HResult: 28 or unchecked((int)0x80070070) } => "no space left on device",
        _ => e.Message,
    };
}
