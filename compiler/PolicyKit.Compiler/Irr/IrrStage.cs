using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Irr;

/// <summary>The prefixes of every IRR-built set of a policy, and the lock that pins them.</summary>
public sealed record IrrOutcome(IReadOnlyDictionary<IrrItemSyntax, ImmutableArray<PrefixEntry>> Sets, ImmutableArray<IrrLockedSet> Lock)
{
    public static readonly IrrOutcome None = new(new Dictionary<IrrItemSyntax, ImmutableArray<PrefixEntry>>(), []);
}

/// <summary>
/// The compile-time stage between loading and binding that answers the IRR questions of a
/// policy. A compile takes each set from the lock file beside the policy when the lock holds
/// the same question (MP3083 when the RPSL data changed since), and resolves it from the data
/// otherwise (MP3082); <c>mpolc lock</c> resolves every set from the data and writes the lock.
/// RPSL data is read like includes are: from the policy's folder tree, --include-dir folders
/// and the --rpsl paths only, regular files of bounded size, each parsed once.
/// </summary>
public sealed class IrrStage(IPolicyFileReader reader, DiagnosticBag diagnostics, CompilationOptions options)
{
    /// <summary>The most RPSL errors reported per file (the rest are counted in one more).</summary>
    public const int MaxErrorsPerFile = 20;

    /// <summary>The most files read from one RPSL folder.</summary>
    public const int MaxFilesPerFolder = 1000;

    private readonly Dictionary<string, RpslDatabase?> _databases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (SourceFile File, string Sha256)?> _files = new(StringComparer.Ordinal);
    private IncludeScope? _scope;
    private string _lockDirectory = ".";

    /// <param name="refresh">true for `mpolc lock`: ignore the lock and resolve every set from the RPSL data.</param>
    /// <param name="requireOrigins">true for `mpolc origins`: a locked set must pin its route objects' origins (MP3084 otherwise).</param>
    public IrrOutcome Resolve(IReadOnlyList<LoadedFile> files, string rootPath, bool refresh, bool requireOrigins = false)
    {
        var items = new List<(SetDeclSyntax Set, IrrItemSyntax Item, SourceFile File)>();
        foreach (var file in files)
        {
            foreach (var declaration in file.Syntax?.Declarations ?? [])
            {
                if (declaration is SetDeclSyntax { Entries: [{ Item: IrrItemSyntax item }] } set) items.Add((set, item, file.Source));
            }
        }
        if (items.Count == 0) return IrrOutcome.None;

        var rpslRoots = options.RpslPaths.Select(p => Directory.Exists(p) ? p : Path.GetDirectoryName(Path.GetFullPath(p)) ?? ".");
        _scope = new IncludeScope(rootPath, options.IncludeDirectories.Concat(rpslRoots));
        string lockPath = IrrLockFile.PathFor(rootPath);
        _lockDirectory = Path.GetDirectoryName(Path.GetFullPath(lockPath)) ?? ".";
        var locked = refresh ? null : ReadLock(lockPath);
        string lockName = Path.GetFileName(lockPath);

        var sets = new Dictionary<IrrItemSyntax, ImmutableArray<PrefixEntry>>(ReferenceEqualityComparer.Instance);
        var lockEntries = ImmutableArray.CreateBuilder<IrrLockedSet>();
        foreach (var (set, item, file) in items)
        {
            string name = set.Name.Text;
            var dataPaths = DataPaths(item, file);
            ImmutableArray<IrrPrefix> prefixes;
            ImmutableArray<IrrDataFile> data;
            ImmutableArray<IrrOrigin> origins;
            if (locked is not null && locked.TryGetValue(name, out var pinned) && pinned.QueryKey == item.Query.Key)
            {
                prefixes = pinned.Prefixes;
                data = pinned.Data;
                origins = pinned.Origins;
                if (requireOrigins && origins.IsEmpty && !prefixes.IsEmpty)
                {
                    diagnostics.Add(item.Span, c => c.IrrLockInvalid($"set {name} in {lockName} pins no origins (the lock predates them), which the expected-origins file needs"));
                }
                if (StaleData(dataPaths, pinned.Data) is { } change) diagnostics.Add(item.Span, c => c.IrrLockStale(name, lockName, change));
            }
            else
            {
                if (LoadData(name, item, dataPaths) is not { } loaded) continue;
                var resolution = IrrResolver.Resolve(loaded.Database, item.Query);
                if (!resolution.ObjectFound)
                {
                    diagnostics.Add(item.Span, c => c.IrrObjectNotFound(name, item.Query.ObjectName));
                    continue;
                }
                if (resolution.MissingSets.Length > 0)
                {
                    string missing = string.Join(", ", resolution.MissingSets.Take(10)) + (resolution.MissingSets.Length > 10 ? $" and {resolution.MissingSets.Length - 10} more" : "");
                    diagnostics.Add(item.Span, c => c.IrrMemberSetMissing(name, missing));
                }
                foreach (string cycle in resolution.Cycles) diagnostics.Add(item.Span, c => c.IrrSetCycle(name, cycle));
                if (!refresh) diagnostics.Add(item.Span, c => c.IrrNotLocked(name, lockName));
                prefixes = resolution.Prefixes;
                data = loaded.Files;
                origins = resolution.Origins;
            }
            if (prefixes.IsEmpty)
            {
                diagnostics.Add(item.Span, c => c.IrrSetEmpty(name, item.Query.ObjectName));
                continue;
            }
            if (prefixes.Length > item.Query.Limit)
            {
                diagnostics.Add(item.Span, c => c.IrrSetTooLarge(name, prefixes.Length, item.Query.Limit));
                continue;
            }
            sets[item] = prefixes.Select(p => ToEntry(p, item.Span)).ToImmutableArray();
            lockEntries.Add(new IrrLockedSet(name, item.Query.Key, data, prefixes) { Origins = origins });
        }
        return new IrrOutcome(sets, lockEntries.ToImmutable());
    }

    private static PrefixEntry ToEntry(IrrPrefix prefix, SourceSpan span)
    {
        int length = prefix.Prefix.Length;
        if (prefix.Ge == length && prefix.Le == length) return new PrefixEntry(prefix.Prefix, null, null, span);
        return new PrefixEntry(prefix.Prefix, prefix.Ge == length ? null : prefix.Ge, prefix.Le, span);
    }

    /// <summary>The RPSL paths of a set: its own 'rpsl' (beside the file that declares it), else the --rpsl paths.</summary>
    private IReadOnlyList<(string Written, string Resolved)> DataPaths(IrrItemSyntax item, SourceFile file)
    {
        if (item.RpslPath is { } own) return [(own, reader.Resolve(file.Path, own))];
        return options.RpslPaths.Select(p => (p, p)).ToList();
    }

    private sealed record LoadedData(RpslDatabase Database, ImmutableArray<IrrDataFile> Files);

    private LoadedData? LoadData(string set, IrrItemSyntax item, IReadOnlyList<(string Written, string Resolved)> paths)
    {
        if (paths.Count == 0)
        {
            diagnostics.Add(item.Span, c => c.IrrDataUnavailable(set, "(none)", "the set names no 'rpsl' data and mpolc was given no --rpsl"));
            return null;
        }
        var files = new List<string>();
        foreach (var (written, resolved) in paths)
        {
            if (ListFiles(resolved, out string? reason) is { } listed) files.AddRange(listed);
            else
            {
                diagnostics.Add(item.Span, c => c.IrrDataUnavailable(set, written, reason!));
                return null;
            }
        }
        string key = string.Join('\n', files);
        if (!_databases.TryGetValue(key, out var database))
        {
            database = new RpslDatabase();
            foreach (string path in files)
            {
                if (ReadData(path) is not { } read)
                {
                    database = null;
                    break;
                }
                int errors = 0;
                var source = read.File;
                database.Add(source.Text, error =>
                {
                    if (++errors <= MaxErrorsPerFile)
                    {
                        diagnostics.Add(new SourceSpan(source, error.Offset, error.Length), c => c.RpslSyntax(error.Message));
                    }
                });
                if (errors > MaxErrorsPerFile)
                {
                    int more = errors - MaxErrorsPerFile;
                    diagnostics.Add(new SourceSpan(source, source.Text.Length, 0), c => c.RpslSyntax($"{more} more errors in this file are not shown"));
                }
            }
            _databases[key] = database;
        }
        if (database is null)
        {
            var unreadable = files.First(f => _files.GetValueOrDefault(f) is null);
            reader.Read(unreadable, out string? why);
            diagnostics.Add(item.Span, c => c.IrrDataUnavailable(set, unreadable, why ?? "unreadable"));
            return null;
        }
        return new LoadedData(database, files.Select(f => new IrrDataFile(LockRelative(f), _files[f]!.Value.Sha256)).ToImmutableArray());
    }

    /// <summary>The files of an RPSL path: the file itself, or a folder's regular files (not hidden), in name order.</summary>
    private List<string>? ListFiles(string path, out string? reason)
    {
        reason = null;
        if (!_scope!.Allows(path))
        {
            reason = "it is outside the policy's folder (allow its folder with --include-dir or --rpsl)";
            return null;
        }
        if (Directory.Exists(path))
        {
            var listed = new DirectoryInfo(path).EnumerateFiles()
                .Where(f => !f.Name.StartsWith('.'))
                .Select(f => Path.Combine(path, f.Name))
                .Order(StringComparer.Ordinal)
                .Take(MaxFilesPerFolder + 1)
                .ToList();
            // A file of the folder that is a link out of the allowed folders is refused, not skipped.
            if (listed.Find(f => !_scope.Allows(f)) is { } outside) reason = $"'{Path.GetFileName(outside)}' in it links outside the policy's folder";
            else if (listed.Count > MaxFilesPerFolder) reason = $"the folder has more than {MaxFilesPerFolder} files";
            else if (listed.Count == 0) reason = "the folder has no files";
            return reason is null ? listed : null;
        }
        // A file: whether it can be read is the reader's to say (it serves in-memory files too).
        return [path];
    }

    private (SourceFile File, string Sha256)? ReadData(string path)
    {
        if (_files.TryGetValue(path, out var known)) return known;
        string? text = reader.Read(path, out _);
        (SourceFile, string)? read = text is null ? null : (new SourceFile(path, text), Sha256Of(text));
        _files[path] = read;
        return read;
    }

    /// <summary>What changed between the data a lock was written from and the data now (null: nothing, or the data is not here to compare).</summary>
    private string? StaleData(IReadOnlyList<(string Written, string Resolved)> paths, ImmutableArray<IrrDataFile> pinned)
    {
        var now = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, resolved) in paths)
        {
            if (ListFiles(resolved, out _) is not { } files) return null;
            foreach (string file in files)
            {
                if (ReadData(file) is not { } read) return null;
                now[LockRelative(file)] = read.Sha256;
            }
        }
        if (now.Count == 0) return null;
        var before = pinned.ToDictionary(d => d.Path, d => d.Sha256, StringComparer.Ordinal);
        var changes = new List<string>();
        foreach (var (path, hash) in now.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!before.TryGetValue(path, out var old)) changes.Add($"{path} is new");
            else if (old != hash) changes.Add($"{path} changed");
        }
        foreach (var path in before.Keys.Where(p => !now.ContainsKey(p)).Order(StringComparer.Ordinal)) changes.Add($"{path} is gone");
        return changes.Count == 0 ? null : string.Join(", ", changes.Take(5)) + (changes.Count > 5 ? $" and {changes.Count - 5} more" : "");
    }

    private IReadOnlyDictionary<string, IrrLockedSet>? ReadLock(string lockPath)
    {
        string? text = reader.Read(lockPath, out string? error);
        if (text is null)
        {
            if (error is not ("no such file" or null)) diagnostics.Add(new SourceSpan(new SourceFile(lockPath, ""), 0, 0), c => c.IrrLockInvalid($"cannot read {lockPath}: {error}"));
            return null;
        }
        var source = new SourceFile(lockPath, text);
        return IrrLockFile.Parse(text, e => diagnostics.Add(new SourceSpan(source, e.Offset, e.Length), c => c.IrrLockInvalid(e.Message)));
    }

    private string LockRelative(string path) => Path.GetRelativePath(_lockDirectory, Path.GetFullPath(path)).Replace('\\', '/');

    internal static string Sha256Of(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
