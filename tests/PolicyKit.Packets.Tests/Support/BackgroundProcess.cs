using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace PolicyKit.Packets.Tests.Support;

/// <summary>
/// A program the test starts and stops itself (by its PID only): output collected, readiness
/// awaited with a timeout, stopped with a signal so capture tools flush their files.
/// </summary>
public sealed partial class BackgroundProcess : IDisposable
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly object _lock = new();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    public BackgroundProcess(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // socat and friends get an open, empty stdin
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Description = $"{program} {string.Join(' ', args)}";
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Description { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_lock) return _output.ToString(); }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_lock) _output.AppendLine(line);
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails the test on timeout or early exit.</summary>
    public void WaitFor(string text, int timeoutMs = 15_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal)) return;
            if (_process.HasExited)
            {
                _process.WaitForExit();
                if (Output.Contains(text, StringComparison.Ordinal)) return;
                Assert.Fail($"{Description} exited ({_process.ExitCode}) before saying '{text}': {Output.Trim()}");
            }
            Thread.Sleep(20);
        }
        Assert.Fail($"{Description} did not say '{text}' within {timeoutMs} ms: {Output.Trim()}");
    }

    /// <summary>Sends a signal and waits (bounded) for the exit; SIGKILL if it does not come.</summary>
    public void Stop(int signal = SIGTERM, int timeoutMs = 10_000)
    {
        if (_process.HasExited) return;
        kill(_process.Id, signal);
        if (!_process.WaitForExit(timeoutMs))
        {
            kill(_process.Id, SIGKILL);
            _process.WaitForExit(5_000);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                kill(_process.Id, SIGKILL);
                _process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
