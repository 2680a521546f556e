using System.Diagnostics;
using System.Text;

namespace PolicyKit.Bmp.Tests.Support;

/// <summary>
/// Real programs the tests drive (FRR, GoBGP, socat, openssl, tshark, ip), through
/// <see cref="ExternalCommand"/> (tests/Shared). A missing one fails the test with the Debian
/// package that installs it — never a skip.
/// </summary>
internal static class Tools
{
    public static string Require(string name, string package) =>
        ExternalCommand.Require(name, $"install the Debian package {package} (apt-get install -y {package}; scripts/install-prereqs does)");

    public sealed record Result(int ExitCode, string Output, bool TimedOut);

    public static Result Run(string file, IEnumerable<string> arguments, TimeSpan? timeout = null, string? stdinFile = null)
    {
        var outcome = ExternalCommand.Run(file, arguments, timeout, stdinFile: stdinFile);
        return new Result(outcome.ExitCode, outcome.Output, outcome.TimedOut);
    }

    public static Result Run(string file, params string[] arguments) => Run(file, (IEnumerable<string>)arguments);

    /// <summary>Starts a program whose stdout and stderr are collected; the caller stops it with <see cref="Stop"/>.</summary>
    public static (Process Process, StringBuilder Output) Start(string file, IEnumerable<string> arguments, string? stdinFile = null)
    {
        var running = ExternalCommand.Start(file, arguments, stdinFile);
        return (running.Process, running.Output);
    }

    /// <summary>Stops a process this test started (by its own handle, with its children).</summary>
    public static void Stop(Process process) => ExternalCommand.Stop(process);

    /// <summary>Polls until <paramref name="condition"/> holds or the timeout passes; returns whether it held.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            Thread.Sleep(50);
        }
        return condition();
    }

    public static string Unique(string prefix) => $"{prefix}{Environment.ProcessId % 10000}{Random.Shared.Next(1000, 9999)}";
}

/// <summary>A temporary directory removed at the end of the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pk-bmp-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
        // Daemons that drop privileges (frr, gobgp) must reach files in here.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path, (UnixFileMode)0x1FF);
    }

    public string Path { get; }

    public string File_(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
