namespace PolicyKit.Agent.Config;

/// <summary>[log]: the agent's own log on stderr.</summary>
public sealed record LogSection(string Level, string Format)
{
    public static LogSection Bind(ConfigValues v) => new(
        v.Choice("log.level", "info", ["trace", "debug", "info", "warn", "error"], "least severe message logged"),
        v.Choice("log.format", "text", ["text", "json"], "one line per message: text, or a JSON object"));
}
