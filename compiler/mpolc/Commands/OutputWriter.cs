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
/// file (the agent's table) is written as its bytes. Files are staged one by one as the compile
/// renders them (<see cref="Open"/>, <see cref="Stage"/>, <see cref="Commit"/>), so the compile
/// never holds every file at once: its memory follows the policy, not the output (issue 18).
/// </summary>
internal sealed class OutputWriter : IDisposable
{
    private const string StagingPrefix = ".mpolc-staging-";

    private readonly string _outputDir;
    private readonly string _staging;
    private readonly List<Action> _undo = [];
    // Where each staged file goes: only its place is kept, not its content, so a compile that
    // stages each device's files as they are rendered holds no more than a device's worth.
    private readonly List<Place> _places = [];
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
    private readonly List<DeploymentManifest.Entry> _manifest = [];
    private readonly Lock _lock = new();
    private bool _started, _createdOutputDir, _committed;

    // Why the output folder could not be made: every device staged after it (from another emit
    // thread) fails with that cause, so whichever device is reported first names the real one.
    private WriteFailure? _startFailure;

    private readonly record struct Place(string Device, string FileName);

    private OutputWriter(string outputDir)
    {
        _outputDir = outputDir;
        _staging = Path.Combine(outputDir, StagingPrefix + Guid.NewGuid().ToString("N")[..12]);
    }

    /// <summary>
    /// For tests: called with each final path just before a file is moved there (a failure
    /// injected here must roll everything back). Per flow of execution, so a test that injects a
    /// failure never reaches another test's compile running beside it in the same process.
    /// </summary>
    internal static Action<string>? BeforeMove
    {
        get => s_beforeMove.Value;
        set => s_beforeMove.Value = value;
    }

    private static readonly AsyncLocal<Action<string>?> s_beforeMove = new();

    /// <summary>A file that cannot be written, and why, in the words of Unix tools.</summary>
    public sealed class WriteFailure(string path, string reason) : Exception($"cannot write '{path}': {reason}; nothing was changed in the output folder")
    {
        public string Path { get; } = path;

        public string Reason { get; } = reason;
    }

    /// <summary>Writes every file or none; throws <see cref="WriteFailure"/> naming the path that failed.</summary>
    public static void WriteAll(string outputDir, IReadOnlyList<EmittedFile> files, Func<EmittedFile, bool> secret)
    {
        using var writer = Open(outputDir);
        foreach (var file in files) writer.Stage(file, secret(file));
        writer.Commit();
    }

    /// <summary>
    /// A writer for one compile: <see cref="Stage"/> each file as soon as it is rendered (from any
    /// thread), then <see cref="Commit"/>; disposing a writer that was not committed removes what
    /// was staged (and the output folder, if this writer created it), so nothing is left.
    /// Nothing touches the disk before the first file is staged.
    /// </summary>
    public static OutputWriter Open(string outputDir) => new(outputDir);

    /// <summary>The files staged so far.</summary>
    public int Count
    {
        get { lock (_lock) return _places.Count; }
    }

    /// <summary>True when a file for this DEVICE/FILE was staged already (two policies defining one device).</summary>
    public bool Has(string relativePath)
    {
        lock (_lock) return _paths.Contains(relativePath);
    }

    /// <summary>Writes one file into the staging folder; throws <see cref="WriteFailure"/> naming the path that failed.</summary>
    public void Stage(EmittedFile file, bool secret)
    {
        lock (_lock)
        {
            if (!_paths.Add(file.RelativePath)) throw new InvalidOperationException($"{file.RelativePath} staged twice");
            if (_startFailure is { } failed) throw new WriteFailure(failed.Path, failed.Reason);
            if (!_started)
            {
                _started = true;
                try
                {
                    Guard(_outputDir, () =>
                    {
                        if (File.Exists(_outputDir)) throw new IOException("a file is in the way of the output folder");
                        _createdOutputDir = !Directory.Exists(_outputDir);
                        Directory.CreateDirectory(_outputDir);
                    });
                    Guard(_staging, () => Directory.CreateDirectory(_staging));
                }
                catch (WriteFailure e)
                {
                    _startFailure = e;
                    throw;
                }
            }
        }
        // Written outside the lock: devices are emitted in parallel and stage their files at
        // once, each to a path of its own (the writing, hashing and scanning of a large file was
        // most of the time one device waited for another's, issue 18).
        var place = new Place(file.Device, file.FileName);
        var entry = StageFile(place, file, secret);
        lock (_lock)
        {
            _manifest.Add(entry);
            _places.Add(place);
        }
    }

    /// <summary>Moves every staged file into place, or — if one cannot be — none (the old files restored).</summary>
    public void Commit()
    {
        lock (_lock)
        {
            if (!_started)
            {
                // Nothing staged: the output folder is still made, as a compile that writes nothing always did.
                Guard(_outputDir, () =>
                {
                    if (File.Exists(_outputDir)) throw new IOException("a file is in the way of the output folder");
                    Directory.CreateDirectory(_outputDir);
                });
                _committed = true;
                WriteManifest();
                return;
            }
            try
            {
                Preflight();
                foreach (var place in _places) MoveIntoPlace(place);
                _undo.Clear();
                _committed = true;
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
                RemoveStaging();
            }
            WriteManifest();
        }
    }

    // What was written, for deployment tools; devices the last compile wrote and this one does not are removed.
    private void WriteManifest() =>
        Guard(Path.Combine(_outputDir, DeploymentManifest.FileName), () => DeploymentManifest.Update(_outputDir, _manifest));

    /// <summary>Without a <see cref="Commit"/>: the staged files are removed and the output folder is as it was.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_committed || !_started) return;
            RemoveStaging();
            try
            {
                if (_createdOutputDir && Directory.Exists(_outputDir) && !Directory.EnumerateFileSystemEntries(_outputDir).Any()) Directory.Delete(_outputDir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private void RemoveStaging()
    {
        try { if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private string Final(Place file) => Path.Combine(_outputDir, file.Device, file.FileName);

    private string Staged(Place file) => Path.Combine(_staging, "new", file.Device, file.FileName);

    private string Kept(Place file) => Path.Combine(_staging, "old", file.Device, file.FileName);

    // Writes the file and takes its manifest entry in the same pass over its text.
    private DeploymentManifest.Entry StageFile(Place place, EmittedFile file, bool secret)
    {
        string staged = Staged(place);
        var entry = new DeploymentManifest.EntryReader(file);
        Guard(Final(place), () =>
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
                foreach (var chunk in file.Utf8Content.Chunks)
                {
                    stream.Write(chunk.Span);
                    entry.Read(chunk.Span);
                }
            }
        });
        return entry.Finish();
    }

    /// <summary>What can be seen before anything moves: a file where a device folder goes, a folder where a file goes.</summary>
    private void Preflight()
    {
        foreach (var file in _places)
        {
            string device = Path.Combine(_outputDir, file.Device);
            if (File.Exists(device)) throw new WriteFailure(device, "a file is in the way of the device folder");
            string final = Final(file);
            if (Directory.Exists(final)) throw new WriteFailure(final, "a directory is in the way");
        }
    }

    private void MoveIntoPlace(Place file)
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
