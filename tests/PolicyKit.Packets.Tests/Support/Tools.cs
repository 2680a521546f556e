
namespace PolicyKit.Packets.Tests.Support;

/// <summary>External programs the tests drive, through <see cref="ExternalCommand"/> (tests/Shared): a missing one fails the test naming the Debian package.</summary>
public static class Tools
{
    public static string Require(string program, string debianPackage) =>
        ExternalCommand.Require(program, $"apt-get install -y {debianPackage}");

    public static void RequireRoot() => ExternalCommand.RequireRoot("this test creates network namespaces");

    /// <summary>Runs a program to completion (bounded), returning exit code, stdout and stderr.</summary>
    public static (int Exit, string Out, string Err) Run(string program, IEnumerable<string> args, int timeoutMs = 60_000, string? stdin = null)
    {
        var outcome = ExternalCommand.Run(program, args, TimeSpan.FromMilliseconds(timeoutMs), stdinText: stdin);
        if (outcome.TimedOut) throw new TimeoutException($"{outcome.Command} did not finish in {timeoutMs} ms");
        return (outcome.ExitCode, outcome.StandardOutput, outcome.StandardError);
    }

    public static string RunOk(string program, params string[] args)
    {
        var (exit, output, error) = Run(program, args);
        if (exit != 0) Assert.Fail($"{program} {string.Join(' ', args)} exited {exit}: {error.Trim()}");
        return output;
    }
}
