using System.CommandLine;
using PolicyKit.Agent.Runtime;

namespace PolicyKit.Agent.Cli;

/// <summary><c>mpol-agent run</c>: load the configuration, then run until SIGTERM/Ctrl+C (or the end of a replay with exit_when_done).</summary>
internal static class RunCommand
{
    public static Command Create(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string> environment)
    {
        var options = new ConfigOptions();
        var command = new Command("run", "Run the agent: enforce the table, publish telemetry, replay a trace if configured.");
        options.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            string? Variable(string name) => environment.TryGetValue(name, out var value) ? value : null;
            bool journal = JournalStream.IsStderr(Variable);
            var result = options.Load(parse, environment);
            if (!result.Ok) return ConfigOptions.Report(result, error, journal ? JournalStream.Prefix(AgentLogLevel.Error) : "");
            var plan = RunPlanFactory.Create(result.Settings!, error);
            if (plan is null) return ExitCodes.ConfigOrUsage;
            var log = new AgentLog(error, plan.LogLevel, plan.LogJson, journal);
            foreach (var w in result.Warnings) log.Warn($"configuration: {w}");
            using var systemd = SystemdNotifier.FromEnvironment(Variable);
            return await new AgentHost(plan, output, log, systemd).RunAsync(cancel);
        });
        return command;
    }
}
