using System.Text;

namespace PolicyKit.Telemetry;

/// <summary>
/// Where and how <see cref="MqttTelemetryPublisher"/> publishes: QoS 1, clean start, MQTT 5 or
/// 3.1.1 per broker, to <see cref="Host"/>:<see cref="Port"/> or to the first reachable of
/// <see cref="Brokers"/> (failing over in turn).
/// <see cref="Password"/> is a secret: it never appears in <see cref="ToString"/>, logs,
/// errors or telemetry.
/// </summary>
public sealed record MqttTelemetryOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 1883;

    /// <summary>The protocol spoken to <see cref="Host"/>.</summary>
    public MqttProtocol Protocol { get; init; } = MqttProtocol.V5;

    /// <summary>
    /// Several brokers (a cluster's nodes): the publisher connects to the first, and after a failed
    /// connect or a lost connection to the next, in turn. When empty, <see cref="Host"/>:<see cref="Port"/>.
    /// </summary>
    public IReadOnlyList<MqttBrokerAddress> Brokers { get; init; } = [];

    /// <summary>
    /// How many QoS 1 messages may wait for their PUBACK at once (no more than the broker's
    /// receive maximum). Order is kept: messages are sent in order and leave the outbox in order.
    /// </summary>
    public int MaxInFlight { get; init; } = 256;

    /// <summary>When set, the outbox is also kept in this folder (<see cref="OutboxJournal"/>): a restart or crash loses nothing accepted.</summary>
    public string? OutboxDirectory { get; init; }

    /// <summary>The brokers in the order they are tried.</summary>
    public IReadOnlyList<MqttBrokerAddress> Addresses() => Brokers.Count > 0 ? Brokers : [new MqttBrokerAddress(Host, Port, Protocol)];

    /// <summary>Unique per agent: a broker disconnects the older of two clients with the same id.</summary>
    public required string ClientId { get; init; }

    public string? Username { get; init; }

    /// <summary>Secret; sent only in the MQTT CONNECT packet.</summary>
    public string? Password { get; init; }

    /// <summary>MQTT keep-alive: the broker drops the connection (and publishes the Will) after 1.5× this without traffic.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many messages are kept while the broker is away; beyond it the oldest are dropped.</summary>
    public int BufferCapacity { get; init; } = 10_000;

    /// <summary>Reconnect delays grow exponentially from <see cref="ReconnectMin"/> to <see cref="ReconnectMax"/>, with jitter.</summary>
    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Bound on connecting (TCP + TLS + CONNACK) and on waiting for one PUBACK.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public MqttTlsSettings? Tls { get; init; }

    /// <summary>Last Will, published by the broker (QoS 1) when the connection dies without a clean DISCONNECT.</summary>
    public TelemetryMessage? Will { get; init; }

    /// <summary>Published right after each (re)connect, before anything queued (use Retain = true for a status topic).</summary>
    public TelemetryMessage? Online { get; init; }

    /// <summary>The problems that make these options unusable, each one line; empty when fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var broker in Addresses())
        {
            if (string.IsNullOrWhiteSpace(broker.Host)) problems.Add("host is empty");
            if (broker.Port is < 1 or > 65535) problems.Add($"port {broker.Port} is not between 1 and 65535");
        }
        if (MaxInFlight is < 1 or > 65535) problems.Add($"max in flight {MaxInFlight} is not between 1 and 65535");
        if (string.IsNullOrEmpty(ClientId)) problems.Add("client id is empty");
        if (Password is not null && Username is null) problems.Add("a password is set without a user name");
        if (KeepAlive < TimeSpan.Zero || KeepAlive > TimeSpan.FromSeconds(ushort.MaxValue)) problems.Add($"keep-alive {KeepAlive} is not between 0 and 65535 s");
        if (BufferCapacity < 1) problems.Add($"buffer capacity {BufferCapacity} is less than 1");
        if (ReconnectMin <= TimeSpan.Zero) problems.Add("reconnect minimum must be positive");
        if (ReconnectMax < ReconnectMin) problems.Add($"reconnect maximum {ReconnectMax} is below the minimum {ReconnectMin}");
        if (OperationTimeout <= TimeSpan.Zero) problems.Add("operation timeout must be positive");
        if (Will is { } will && TelemetryMessage.TopicProblem(will.Topic) is { } wp) problems.Add("will: " + wp);
        if (Online is { } online && TelemetryMessage.TopicProblem(online.Topic) is { } op) problems.Add("online message: " + op);
        if (Tls is { Enabled: true } tls)
        {
            if (string.IsNullOrEmpty(tls.CaFile)) problems.Add("TLS is enabled but ca_file is not set (the broker's certificate is checked against it only)");
            if ((tls.CertFile is null) != (tls.KeyFile is null)) problems.Add("TLS: cert_file and key_file must be set together");
        }
        return problems;
    }

    // Records print every property; this one must not print the password.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Brokers = ").Append(string.Join(", ", Addresses()))
            .Append(", ClientId = ").Append(ClientId)
            .Append(", Username = ").Append(Username)
            .Append(", Password = ").Append(Password is null ? "(none)" : "(set)")
            .Append(", KeepAlive = ").Append(KeepAlive)
            .Append(", BufferCapacity = ").Append(BufferCapacity)
            .Append(", MaxInFlight = ").Append(MaxInFlight)
            .Append(", OutboxDirectory = ").Append(OutboxDirectory)
            .Append(", ReconnectMin = ").Append(ReconnectMin)
            .Append(", ReconnectMax = ").Append(ReconnectMax)
            .Append(", OperationTimeout = ").Append(OperationTimeout)
            .Append(", Tls = ").Append(Tls)
            .Append(", Will = ").Append(Will?.Topic)
            .Append(", Online = ").Append(Online?.Topic);
        return true;
    }
}
