using System.Diagnostics;
using PolicyKit.Mpolc;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>What one in-process run of mpolc returned and printed.</summary>
internal sealed record MpolcRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

internal static class MpolcRunner
{
    /// <summary>Runs the real CLI in-process through <see cref="Program.Run(string[], TextWriter, TextWriter)"/>.</summary>
    public static MpolcRun Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = Program.Run(args, stdout, stderr);
        return new MpolcRun(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>How to start the real mpolc as a process of its own (the mpolc.dll built beside the tests), output streams redirected.</summary>
    public static ProcessStartInfo ProcessStart(string workingDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo
        {
            FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet",
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mpolc.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        return start;
    }
}
