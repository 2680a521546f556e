namespace PolicyKit.Mpolc;

/// <summary>
/// mpolc's entry point. <see cref="Run(string[], TextWriter, TextWriter)"/> is the whole
/// program with its streams passed in, so tests run the real CLI in-process and read what it
/// printed, without spawning a process per case.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs mpolc with <paramref name="args"/>; returns the process exit code (<see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        Run(args, CliContext.ForProcess(stdout, stderr));

    internal static int Run(string[] args, CliContext context) =>
        MpolcCommandLine.Run(args, context);
}
