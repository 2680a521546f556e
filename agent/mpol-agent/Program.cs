using PolicyKit.Agent.Cli;

namespace PolicyKit.Agent;

/// <summary>
/// mpol-agent's entry point: <c>run</c>, <c>check-config</c>, <c>status</c>, <c>--version</c>
/// (Cli/AgentCommandLine). Tests run the built program as a process, because signals, the Last
/// Will and exit codes are what they check.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => AgentCommandLine.Run(args, Console.Out, Console.Error, Environment.GetEnvironmentVariables());
}
