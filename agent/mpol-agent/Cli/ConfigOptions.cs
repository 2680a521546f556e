using System.CommandLine;
using PolicyKit.Agent.Config;

namespace PolicyKit.Agent.Cli;

/// <summary>
/// The options `run` and `check-config` share: the file, `--set key=value` overrides, and
/// shortcuts that are overrides by another name (<c>--table X</c> is <c>--set agent.table=X</c>),
/// so every value goes through the same checks and errors name the option it came from.
/// </summary>
internal sealed class ConfigOptions
{
    public Option<string?> Config { get; } = new("--config", "-c") { Description = "the TOML configuration (agent/agent.example.toml documents every key)" };

    public Option<string[]> Set { get; } = new("--set") { Description = "override a key: --set mqtt.port=1884 (repeatable; wins over the file and POLICYKIT__* variables)", AllowMultipleArgumentsPerToken = false };

    public Option<string?> Table { get; } = new("--table") { Description = "= --set agent.table=PATH" };

    public Option<string?> Replay { get; } = new("--replay") { Description = "= --set replay.file=PATH (JSONL event log or pcap/pcapng)" };

    public Option<string?> Speed { get; } = new("--speed") { Description = "= --set replay.speed=recorded|fast|10x" };

    public Option<bool> EmbeddedBroker { get; } = new("--embedded-broker") { Description = "= --set mqtt.embedded_broker=true" };

    public Option<bool> PrintDecisions { get; } = new("--print-decisions") { Description = "= --set telemetry.print_decisions=true" };

    public Option<bool> ExitWhenDone { get; } = new("--exit-when-done") { Description = "= --set replay.exit_when_done=true" };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Config, Set, Table, Replay, Speed, EmbeddedBroker, PrintDecisions, ExitWhenDone }) command.Add(o);
    }

    public ConfigLoadResult Load(ParseResult parse, IReadOnlyDictionary<string, string> environment)
    {
        var overrides = new List<string>(parse.GetValue(Set) ?? []);
        void Add(string key, string? value)
        {
            if (value is not null) overrides.Add($"{key}={value}");
        }
        Add("agent.table", parse.GetValue(Table));
        Add("replay.file", parse.GetValue(Replay));
        Add("replay.speed", parse.GetValue(Speed));
        if (parse.GetValue(EmbeddedBroker)) Add("mqtt.embedded_broker", "true");
        if (parse.GetValue(PrintDecisions)) Add("telemetry.print_decisions", "true");
        if (parse.GetValue(ExitWhenDone)) Add("replay.exit_when_done", "true");
        return AgentConfigLoader.Load(parse.GetValue(Config), environment, overrides);
    }

    /// <param name="priority">The syslog priority prefix ("&lt;3&gt;") when stderr is journald's stream, else empty.</param>
    public static int Report(ConfigLoadResult result, TextWriter error, string priority = "")
    {
        foreach (var e in result.Errors) error.WriteLine($"{priority}mpol-agent: {e}");
        return ExitCodes.ConfigOrUsage;
    }
}
