using System.Text.Json;

namespace PolicyKit.Agent.Runtime;

public enum AgentLogLevel { Trace, Debug, Info, Warn, Error }

/// <summary>
/// The agent's log: one line per message on stderr (systemd's journal takes it from there), as
/// text or JSON. Small on purpose: a trimmed agent carries no logging framework. Callers never
/// pass secrets here; configuration and telemetry errors are worded without them. Under
/// systemd's journal (<paramref name="journal"/>, see <see cref="JournalStream"/>) each line
/// starts with its syslog priority, so journald files warnings and errors as such.
/// </summary>
public sealed class AgentLog(TextWriter writer, AgentLogLevel minimum, bool json, bool journal = false)
{
    private readonly Lock _lock = new();

    public AgentLogLevel Minimum { get; } = minimum;

    public void Write(AgentLogLevel level, string message)
    {
        if (level < Minimum) return;
        string name = level.ToString().ToLowerInvariant();
        string line = json
            ? JsonSerializer.Serialize(new Dictionary<string, string> { ["time"] = Telemetry.TelemetryPayloads.Time(DateTimeOffset.UtcNow), ["level"] = name, ["message"] = message }, AgentLogJson.Default.DictionaryStringString)
            : $"mpol-agent: {name}: {message}";
        if (journal) line = JournalStream.Prefix(level) + line;
        lock (_lock) writer.WriteLine(line);
    }

    public void Info(string message) => Write(AgentLogLevel.Info, message);

    public void Warn(string message) => Write(AgentLogLevel.Warn, message);

    public void Error(string message) => Write(AgentLogLevel.Error, message);

    public void Debug(string message) => Write(AgentLogLevel.Debug, message);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class AgentLogJson : System.Text.Json.Serialization.JsonSerializerContext;
