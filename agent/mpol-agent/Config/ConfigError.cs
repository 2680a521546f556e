namespace PolicyKit.Agent.Config;

/// <summary>
/// One configuration mistake: the key (dotted, as written in TOML: <c>mqtt.port</c>), where its
/// value came from (<c>agent.toml:7:8</c>, <c>env POLICYKIT__MQTT__PORT</c>, <c>--set mqtt.port</c>),
/// and what is wrong. Never holds a secret's value.
/// </summary>
public sealed record ConfigError(string Key, string Origin, string Message)
{
    public override string ToString() => Key.Length == 0 ? $"{Origin}: error: {Message}" : $"{Origin}: error: {Key}: {Message}";
}

/// <summary>Something that works but should not be so (a password file others can read, an endpoint open to the network): reported, not refused.</summary>
public sealed record ConfigWarning(string Key, string Origin, string Message)
{
    public override string ToString() => $"{Origin}: warning: {Key}: {Message}";
}
