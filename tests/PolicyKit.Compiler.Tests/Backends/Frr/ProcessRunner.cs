using System.Diagnostics;
using System.Text;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>The FRR tests' names for <see cref="ExternalCommand"/> (tests/Shared): stdout and stderr interleaved.</summary>
internal static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Output, bool TimedOut);

    public static Result Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var outcome = ExternalCommand.Run(fileName, arguments, timeout);
        return new Result(outcome.ExitCode, outcome.Output, outcome.TimedOut);
    }

    /// <summary>Starts a long-running program whose output is collected; the caller stops it.</summary>
    public static (Process Process, StringBuilder Output) Start(string fileName, IEnumerable<string> arguments)
    {
        var running = ExternalCommand.Start(fileName, arguments);
        return (running.Process, running.Output);
    }

    /// <summary>Stops a process started by <see cref="Start"/> (and its children), best effort.</summary>
    public static void Stop(Process process) => ExternalCommand.Stop(process);
}
