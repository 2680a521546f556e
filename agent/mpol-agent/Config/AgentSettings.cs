namespace PolicyKit.Agent.Config;

/// <summary>The whole configuration of mpol-agent, checked and typed. Built by <see cref="AgentConfigLoader"/>.</summary>
public sealed record AgentSettings(
    AgentSection Agent,
    EngineSection Engine,
    MqttSection Mqtt,
    TelemetrySection Telemetry,
    ReplaySection Replay,
    NfqueueSection Nfqueue,
    BmpSection Bmp,
    LogSection Log)
{
    /// <summary>The settings for `check-config`, one `key = value` per line, secrets shown as "(set)".</summary>
    public string Describe(IReadOnlyList<ConfigKey> keys, Func<string, string?> value)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var k in keys)
        {
            string shown = k.Type == "secret" ? (value(k.Path) is null ? "(none)" : "(set)") : value(k.Path) is { } v ? $"\"{v}\"" : $"{k.Default} (default)";
            sb.AppendLine($"{k.Path} = {shown}");
        }
        return sb.ToString();
    }
}
