using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace PolicyKit.Nfqueue.Tests.Infrastructure;

/// <summary>
/// A child process a test started (inside a namespace through <c>ip netns exec</c>, which execs, so
/// the PID is the program's own): its output lines are collected; the test waits for lines, sends
/// signals by PID, and the lab kills it at the end if it still runs.
/// </summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _errors = new();

    public HostProcess(string name, string file, IEnumerable<string> arguments)
    {
        Name = name;
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_lines)
            {
                _lines.Add(e.Data);
                Monitor.PulseAll(_lines);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_errors) _errors.AppendLine(e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool Exited => _process.HasExited;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    /// <summary>The first line (from <paramref name="from"/> on) matching <paramref name="match"/>; fails the test with the output after the timeout.</summary>
    public string WaitFor(Func<string, bool> match, TimeSpan timeout, string what, int from = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        int seen = from;
        while (true)
        {
            bool exited = _process.HasExited;
            // An exited process may still have output in flight: wait for the end of its streams
            // (outside the lock, which the output handler takes), then look one last time.
            if (exited) _process.WaitForExit();
            lock (_lines)
            {
                for (; seen < _lines.Count; seen++)
                {
                    if (match(_lines[seen])) return _lines[seen];
                }
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || exited)
                {
                    Assert.Fail($"{Name}: no {what} within {timeout.TotalSeconds:0} s{(exited ? $" (exited {_process.ExitCode})" : string.Empty)}.\n{Transcript()}");
                }
                Monitor.Wait(_lines, left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250));
            }
        }
    }

    public int LineCount
    {
        get
        {
            lock (_lines) return _lines.Count;
        }
    }

    public string Transcript()
    {
        string output, errors;
        lock (_lines) output = string.Join('\n', _lines.TakeLast(60));
        lock (_errors) errors = _errors.ToString();
        if (errors.Length > 3000) errors = errors[..3000] + " …";
        return $"--- {Name} stdout (last 60 lines) ---\n{output}\n--- stderr ---\n{errors}";
    }

    public void Signal(int signal)
    {
        if (!_disposed && !_process.HasExited) kill(_process.Id, signal);
    }

    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        if (!_process.HasExited)
        {
            Signal(SIGKILL);
            _process.WaitForExit(5000);
        }
        _disposed = true;
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
