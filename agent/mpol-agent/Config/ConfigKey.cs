namespace PolicyKit.Agent.Config;

/// <summary>One key of the schema, as the docs and `check-config` list it.</summary>
public sealed record ConfigKey(string Path, string Type, string Default, string Doc)
{
    /// <summary>The environment variable that sets it: <c>POLICYKIT__MQTT__TLS__CA_FILE</c>.</summary>
    public string EnvironmentName => "POLICYKIT__" + Path.Replace(".", "__", StringComparison.Ordinal).ToUpperInvariant();
}
