namespace PolicyKit.Mpolc;

/// <summary>
/// What a command may touch of the outside world: its two streams, whether stdout is a
/// terminal, and the environment. Commands read these from here rather than from Console and
/// Environment, so tests can set them.
/// </summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, bool OutIsTerminal, Func<string, string?> GetEnvironmentVariable)
{
    public static CliContext ForProcess(TextWriter stdout, TextWriter stderr) => new(
        stdout,
        stderr,
        // A writer other than the console's own (a test's StringWriter) is never a terminal.
        OutIsTerminal: ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected,
        Environment.GetEnvironmentVariable);

    /// <summary>Reports a usage or I/O error the way every mpolc command does: one line on stderr.</summary>
    public void ReportError(string message) => Error.WriteLine($"mpolc: error: {message}");
}
