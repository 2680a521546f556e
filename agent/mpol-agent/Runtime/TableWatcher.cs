namespace PolicyKit.Agent.Runtime;

/// <summary>
/// Calls back when the table file changes. Deployment tools replace a file in several ways (write
/// in place, write a temporary and rename over it, delete and create), each raising several
/// notifications, so changes are debounced: one callback after the file has been quiet for
/// <c>quiet</c>. The directory is watched, not the file, so a rename over it is seen.
/// </summary>
public sealed class TableWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _timer;
    private readonly TimeSpan _quiet;

    public TableWatcher(string path, TimeSpan quiet, Action changed)
    {
        _quiet = quiet;
        string full = Path.GetFullPath(path);
        _timer = new Timer(_ => changed(), null, Timeout.Infinite, Timeout.Infinite);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => Poke();
        _watcher.Created += (_, _) => Poke();
        _watcher.Renamed += (_, _) => Poke();
        _watcher.Deleted += (_, _) => Poke();
        _watcher.EnableRaisingEvents = true;
    }

    private void Poke() => _timer.Change(_quiet, Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        _watcher.Dispose();
        _timer.Dispose();
    }
}
