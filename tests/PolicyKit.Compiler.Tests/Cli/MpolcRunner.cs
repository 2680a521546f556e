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
}
