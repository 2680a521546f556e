using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace PolicyKit.Agent.Tests.Support;

/// <summary>
/// The built mpol-agent as a real process (signals, the Last Will and exit codes are what these
/// tests check). Output is collected line by line; waits are bounded; Dispose kills it by PID.
/// </summary>
internal sealed partial class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();
    private readonly Lock _lock = new();

    private AgentProcess(Process process) => _process = process;

    /// <summary>The agent's dll, copied next to the tests by the project reference.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "mpol-agent.dll");

    /// <param name="launcher">A command that execs the agent in its own place (e.g. <c>nohup</c>), so the PID stays the agent's.</param>
    public static AgentProcess Start(IEnumerable<string> args, IDictionary<string, string>? env = null, string? launcher = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(launcher ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        if (launcher is not null) info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Dll);
        foreach (string a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var process = new Process { StartInfo = info };
        var agent = new AgentProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (agent._lock) agent._out.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (agent._lock) agent._err.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    /// <summary>Runs to completion (bounded) and returns exit code, stdout, stderr.</summary>
    public static (int Code, string Out, string Err) Run(IEnumerable<string> args, IDictionary<string, string>? env = null, int timeoutSeconds = 60, string? workingDirectory = null)
    {
        using var p = Start(args, env, workingDirectory: workingDirectory);
        int code = p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds));
        return (code, p.Output, p.Errors);
    }

    public int Pid => _process.Id;

    public string Output { get { lock (_lock) return _out.ToString(); } }

    public string Errors { get { lock (_lock) return _err.ToString(); } }

    public bool HasExited => _process.HasExited;

    public void WaitForLog(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (Errors.Contains(text, StringComparison.Ordinal) || Output.Contains(text, StringComparison.Ordinal)) return;
            if (_process.HasExited) break;
            Thread.Sleep(50);
        }
        Assert.Fail($"mpol-agent did not print '{text}' within {timeout.TotalSeconds} s (exited: {_process.HasExited}).\nstderr:\n{Errors}\nstdout (tail):\n{Tail(Output)}");
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            Assert.Fail($"mpol-agent did not exit within {timeout.TotalSeconds} s.\nstderr:\n{Errors}");
        }
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    public void Signal(int signal)
    {
        if (sys_kill(_process.Id, signal) != 0) Assert.Fail($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public const int SIGHUP = 1, SIGKILL = 9, SIGTERM = 15;

    /// <summary>The process's VmRSS and VmHWM (its peak) in kB, from /proc.</summary>
    public (long Current, long Peak) Rss()
    {
        long current = 0, peak = 0;
        foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) current = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        return (current, peak);
    }

    public void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static string Tail(string text) => text.Length > 3000 ? "…" + text[^3000..] : text;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int sys_kill(int pid, int signal);
}
