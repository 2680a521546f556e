using System.Collections;
using System.CommandLine;
using PolicyKit.Agent.Runtime;

namespace PolicyKit.Agent.Cli;

/// <summary>The command tree of mpol-agent.</summary>
internal static class AgentCommandLine
{
    public static int Run(string[] args, TextWriter output, TextWriter error, IDictionary environment)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in environment)
        {
            if (e.Key is string k && e.Value is string v) env[k] = v;
        }

        var root = new RootCommand(
            "mpol-agent — the PolicyKit edge agent: enforces an admission table, reports limit use over MQTT.\n" +
            "Exit codes: 0 ok, 1 (status) agent offline, 2 configuration/usage/table error, 3 internal error.");
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new PrintVersion(output);
        }
        root.Add(RunCommand.Create(output, error, env));
        root.Add(CheckConfigCommand.Create(output, error, env));
        root.Add(StatusCommand.Create(output, error, env));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not PrintVersion)
        {
            foreach (var e in parse.Errors) error.WriteLine($"mpol-agent: error: {e.Message}");
            error.WriteLine("Try 'mpol-agent --help'.");
            return ExitCodes.ConfigOrUsage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (Exception e)
        {
            error.WriteLine($"mpol-agent: internal error: {e}");
            return ExitCodes.Internal;
        }
    }

    private sealed class PrintVersion(TextWriter output) : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            output.WriteLine($"mpol-agent {AgentRuntime.AgentVersion} (table format 1, telemetry v1)");
            return ExitCodes.Ok;
        }
    }
}
