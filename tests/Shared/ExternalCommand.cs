using System.Diagnostics;
using System.Text;

namespace PolicyKit.TestSupport;

/// <summary>What one external command did: its exit code, its two streams apart and interleaved.</summary>
internal sealed record CommandOutcome(string Command, int ExitCode, string StandardOutput, string StandardError, string Output, bool TimedOut)
{
    public override string ToString() => $"`{Command}` exited {ExitCode}{(TimedOut ? " (timed out)" : "")}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

/// <summary>
/// The one way the test suites find and run real programs (FRR, nft, ip, socat, openssl, tshark…).
/// Every run is bounded; a timed-out program is killed with its children (only what this test
/// started, by its own handle); a missing program fails the test naming the Debian package — it
/// is never skipped. Linked into each test project (tests/Shared), so no test writes this again.
/// </summary>
internal static class ExternalCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    // Daemons and admin tools live in sbin and FRR's libexec folder, which a non-login PATH lacks.
    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/lib/frr"];

    /// <summary>The full path of <paramref name="program"/>, or null when no folder on the search path has it.</summary>
    public static string? Find(string program)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(ExtraDirectories)
            .Distinct();
        foreach (var directory in directories)
        {
            string candidate = Path.Combine(directory, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The full path of <paramref name="program"/>; a missing one fails the test with <paramref name="installHint"/>.</summary>
    public static string Require(string program, string installHint)
    {
        string? path = Find(program);
        if (path is null) Assert.Fail($"'{program}' is not installed on this machine: {installHint}");
        return path!;
    }

    /// <summary>Fails unless the tests run as root (network namespaces and nftables need it).</summary>
    public static void RequireRoot(string why)
    {
        var id = Run(Require("id", "apt-get install -y coreutils"), ["-u"], TimeSpan.FromSeconds(10));
        Assert.True(id.StandardOutput.Trim() == "0", $"{why}: run the tests as root (id -u said '{id.StandardOutput.Trim()}')");
    }

    /// <summary>
    /// Runs <paramref name="file"/> to completion or <paramref name="timeout"/>. Standard input is
    /// always redirected, so no program waits on the terminal: it gets <paramref name="stdinText"/>,
    /// the bytes of <paramref name="stdinFile"/>, or an immediate end of file.
    /// </summary>
    public static CommandOutcome Run(string file, IEnumerable<string> arguments, TimeSpan? timeout = null, string? stdinText = null, string? stdinFile = null)
    {
        var started = Start(file, arguments, keepStdinOpen: true);
        using var process = started.Process;
        FeedAndClose(process, stdinText, stdinFile);
        var limit = timeout ?? DefaultTimeout;
        bool exited = process.WaitForExit(limit);
        if (!exited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended on its own just now.
            }
        }
        process.WaitForExit(); // drains the asynchronous readers
        return started.Outcome(exited ? process.ExitCode : -1, timedOut: !exited);
    }

    /// <summary>A program left running; its output is collected until the caller stops it with <see cref="Stop"/>.</summary>
    public static RunningCommand Start(string file, IEnumerable<string> arguments, string? stdinFile = null)
    {
        var started = Start(file, arguments, keepStdinOpen: stdinFile is not null);
        if (stdinFile is not null) FeedAndClose(started.Process, null, stdinFile);
        return started;
    }

    /// <summary>Stops a program this test started (and its children), best effort, bounded.</summary>
    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }

    private static RunningCommand Start(string file, IEnumerable<string> arguments, bool keepStdinOpen)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var running = new RunningCommand(new Process { StartInfo = info }, file + " " + string.Join(" ", info.ArgumentList));
        running.Process.Start();
        running.Process.BeginOutputReadLine();
        running.Process.BeginErrorReadLine();
        // Programs such as socat read standard input; one that is not fed gets an end of file at once.
        if (!keepStdinOpen) running.Process.StandardInput.Close();
        return running;
    }

    private static void FeedAndClose(Process process, string? stdinText, string? stdinFile)
    {
        try
        {
            if (stdinText is not null) process.StandardInput.Write(stdinText);
            if (stdinFile is not null)
            {
                process.StandardInput.Flush();
                using var input = File.OpenRead(stdinFile);
                input.CopyTo(process.StandardInput.BaseStream);
            }
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited without reading all of its input; its exit code says why.
        }
    }
}

/// <summary>A started program and what it has printed so far (stdout and stderr kept apart and interleaved).</summary>
internal sealed class RunningCommand
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    public RunningCommand(Process process, string command)
    {
        Process = process;
        Command = command;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
    }

    public Process Process { get; }

    public string Command { get; }

    /// <summary>Both streams in the order the lines arrived.</summary>
    public StringBuilder Output { get; } = new();

    internal CommandOutcome Outcome(int exitCode, bool timedOut)
    {
        lock (Output) return new CommandOutcome(Command, exitCode, _stdout.ToString(), _stderr.ToString(), Output.ToString(), timedOut);
    }

    private void Append(StringBuilder stream, string? line)
    {
        if (line is null) return;
        lock (Output)
        {
            stream.Append(line).Append('\n');
            Output.Append(line).Append('\n');
        }
    }
}
