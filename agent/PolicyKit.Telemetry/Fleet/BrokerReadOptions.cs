using System.Text;

namespace PolicyKit.Telemetry.Fleet;

/// <summary>
/// How a reader of the fleet's retained topics (<c>mpol-agent status --mqtt</c>,
/// <c>mpolc drift</c>) reaches the broker: address and protocol, user name and password, TLS.
/// <see cref="Password"/> is a secret: it never appears in <see cref="ToString"/> or an error.
/// </summary>
public sealed record BrokerReadOptions
{
    /// <summary>The environment variable a password comes from, as for the agent itself (docs/agent-config.md).</summary>
    public const string PasswordVariable = "POLICYKIT__MQTT__PASSWORD";

    public required MqttBrokerAddress Broker { get; init; }

    public string? Username { get; init; }

    /// <summary>Secret; sent only in the MQTT CONNECT packet.</summary>
    public string? Password { get; init; }

    public MqttTlsSettings? Tls { get; init; }

    /// <summary>Bound on the whole read: connect, subscribe and the retained messages.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The retained messages are all in once none has come for this long after the subscription.</summary>
    public TimeSpan Quiet { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The options from command-line values: <paramref name="broker"/> is <c>HOST[:PORT][/3.1.1]</c>
    /// (port 1883, or 8883 with TLS); TLS is on when a CA file is given; the password is the first
    /// line of <paramref name="passwordFile"/>, else <see cref="PasswordVariable"/> from
    /// <paramref name="environment"/> (never a command-line value, which every user of the machine
    /// can read). <paramref name="errors"/> holds one line per problem.
    /// </summary>
    public static BrokerReadOptions? FromArguments(
        string broker, string? caFile, string? certFile, string? keyFile, string? serverName,
        string? username, string? passwordFile, Func<string, string?> environment, out List<string> errors)
    {
        errors = [];
        bool tls = caFile is not null;
        string text = broker.Trim();
        string address = text.Contains('/') ? text[..text.LastIndexOf('/')] : text;
        bool hasPort = address.StartsWith('[') ? address.Contains("]:", StringComparison.Ordinal) : address.Contains(':');
        if (!hasPort) text = address + (tls ? ":8883" : ":1883") + text[address.Length..];
        if (!MqttBrokerAddress.TryParse(text, MqttProtocol.V5, out var parsed, out string error)) errors.Add($"--mqtt {error}");
        if (!tls && (certFile is not null || keyFile is not null || serverName is not null)) errors.Add("--cert-file, --key-file and --server-name need --ca-file (TLS to the broker is checked against that CA only)");
        if ((certFile is null) != (keyFile is null)) errors.Add("--cert-file and --key-file go together (a client certificate needs its key)");
        foreach (var (option, path) in new[] { ("--ca-file", caFile), ("--cert-file", certFile), ("--key-file", keyFile), ("--password-file", passwordFile) })
            if (path is not null && !File.Exists(path)) errors.Add($"{option} {path}: no such file");

        string? password = null;
        if (passwordFile is not null && File.Exists(passwordFile))
        {
            try
            {
                using var reader = new StreamReader(passwordFile);
                password = reader.ReadLine() ?? "";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add($"--password-file {passwordFile}: cannot read: {ConnectionErrors.OneLine(e.Message)}");
            }
        }
        password ??= environment(PasswordVariable);
        if (password is not null && username is null) errors.Add($"a password ({(passwordFile is not null ? "--password-file" : PasswordVariable)}) needs --username");
        if (errors.Count > 0) return null;
        return new BrokerReadOptions
        {
            Broker = parsed,
            Username = username,
            Password = username is null ? null : password,
            Tls = tls ? new MqttTlsSettings { Enabled = true, CaFile = caFile, CertFile = certFile, KeyFile = keyFile, ServerName = serverName } : null,
        };
    }

    // Records print every property; this one must not print the password.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Broker = ").Append(Broker)
            .Append(", Username = ").Append(Username)
            .Append(", Password = ").Append(Password is null ? "(none)" : "(set)")
            .Append(", Tls = ").Append(Tls)
            .Append(", Timeout = ").Append(Timeout);
        return true;
    }
}
