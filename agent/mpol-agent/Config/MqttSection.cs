using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PolicyKit.Tables.Files;
using PolicyKit.Telemetry;

namespace PolicyKit.Agent.Config;

/// <summary>[mqtt.tls]: TLS to the broker.</summary>
public sealed record MqttTlsSection(bool Enabled, string CaFile, string CertFile, string KeyFile, string ServerName);

/// <summary>[mqtt] and [mqtt.tls]: where telemetry goes and how it waits for the broker.</summary>
public sealed record MqttSection(
    bool Enabled, bool EmbeddedBroker, string EmbeddedListen, string Host, int Port, string ClientId, string TopicPrefix,
    string Username, string? Password, TimeSpan KeepAlive, TimeSpan PublishInterval, int BufferCapacity,
    TimeSpan ReconnectMin, TimeSpan ReconnectMax, MqttTlsSection Tls)
{
    /// <summary>The protocol spoken to <see cref="Host"/> (mqtt.protocol).</summary>
    public MqttProtocol Protocol { get; init; } = MqttProtocol.V5;

    /// <summary>A cluster's nodes, tried in turn (mqtt.brokers); empty = <see cref="Host"/>:<see cref="Port"/>.</summary>
    public IReadOnlyList<MqttBrokerAddress> Brokers { get; init; } = [];

    /// <summary>Where the outbox is journalled, so a restart or crash loses nothing accepted (mqtt.outbox_dir); empty = memory only.</summary>
    public string OutboxDir { get; init; } = "";

    /// <summary>Never prints the password.</summary>
    public override string ToString() => $"MqttSection {{ Host = {Host}, Port = {Port}, Username = {Username}, Password = {(Password is null ? "(none)" : "(set)")} }}";

    /// <summary>
    /// The TLS files are read now, as the connection would read them, so check-config finds a CA
    /// file that holds no certificate, or a certificate without its key, instead of the first connect.
    /// </summary>
    private static void CheckTlsFiles(ConfigValues v, MqttTlsSection tls)
    {
        const int MaxPem = 1024 * 1024;
        if (tls.CaFile.Length > 0 && File.Exists(tls.CaFile))
        {
            if (!BoundedFile.TryReadAllText(tls.CaFile, MaxPem, out string pem, out string error))
            {
                v.Error("mqtt.tls.ca_file", $"cannot read: {error}");
            }
            else
            {
                var cas = new X509Certificate2Collection();
                try
                {
                    cas.ImportFromPem(pem);
                    if (cas.Count == 0) v.Error("mqtt.tls.ca_file", $"{tls.CaFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
                }
                catch (CryptographicException e)
                {
                    v.Error("mqtt.tls.ca_file", $"{tls.CaFile} is not a PEM CA certificate: {e.Message}");
                }
                finally
                {
                    foreach (var c in cas) c.Dispose();
                }
            }
        }
        if (tls.CertFile.Length > 0 && tls.KeyFile.Length > 0 && File.Exists(tls.CertFile) && File.Exists(tls.KeyFile))
        {
            if (!BoundedFile.TryReadAllText(tls.CertFile, MaxPem, out string cert, out string error)) v.Error("mqtt.tls.cert_file", $"cannot read: {error}");
            else if (!BoundedFile.TryReadAllText(tls.KeyFile, MaxPem, out string key, out error)) v.Error("mqtt.tls.key_file", $"cannot read: {error}");
            else
            {
                try
                {
                    using var pair = X509Certificate2.CreateFromPem(cert, key);
                }
                catch (CryptographicException e)
                {
                    v.Error("mqtt.tls.cert_file", $"cert_file and key_file are not a PEM certificate and its private key: {e.Message}");
                }
            }
        }
    }

    private static string Mode(string path) => OperatingSystem.IsWindows() ? "?" : Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(4, '0');

    public static MqttSection Bind(ConfigValues v, IReadOnlyDictionary<string, string> environment, Func<string, bool> fromFile)
    {
        bool enabled = v.Bool("mqtt.enabled", true, "publish telemetry over MQTT");
        bool embedded = v.Bool("mqtt.embedded_broker", false, "start an MQTT broker inside the agent and publish to it (demos; no TLS)");
        string embeddedListen = v.String("mqtt.embedded_listen", "127.0.0.1:1883", "HOST:PORT the embedded broker listens on (port 0 = any free port)");
        string host = v.String("mqtt.host", "127.0.0.1", "the broker");
        var tls = new MqttTlsSection(
            v.Bool("mqtt.tls.enabled", false, "TLS to the broker (TLS 1.2/1.3, the broker's certificate checked against ca_file only)"),
            v.Path("mqtt.tls.ca_file", mustExist: true, "PEM CA certificate(s) the broker's certificate must chain to"),
            v.Path("mqtt.tls.cert_file", mustExist: true, "PEM client certificate, for brokers that require one (mutual TLS)"),
            v.Path("mqtt.tls.key_file", mustExist: true, "PEM private key of cert_file"),
            v.String("mqtt.tls.server_name", "", "the name the broker's certificate must carry; empty = host"));
        bool portGiven = v.Has("mqtt.port");
        int port = v.Int("mqtt.port", 1883, 1, 65535, "the broker's port (default 1883, or 8883 with TLS)");
        if (!portGiven && tls.Enabled) port = 8883;
        string clientId = v.String("mqtt.client_id", "", "MQTT client id; empty = policykit-DEVICE");
        string prefix = v.String("mqtt.topic_prefix", "policykit/v1", "topics are PREFIX/SITE/DEVICE/… (docs/telemetry.md)");
        string username = v.String("mqtt.username", "", "user name for the broker; empty = anonymous");
        string passwordFile = v.Path("mqtt.password_file", mustExist: true, "file holding the broker password (first line); or set POLICYKIT__MQTT__PASSWORD");

        string? password = v.Secret("mqtt.password", "the broker password: only from the environment (POLICYKIT__MQTT__PASSWORD), never in the file");
        if (password is not null && fromFile("mqtt.password"))
        {
            v.Error("mqtt.password", "a password does not belong in the configuration file: put it in mqtt.password_file (mode 0600) or the environment variable POLICYKIT__MQTT__PASSWORD");
            password = null;
        }
        else if (password is not null && v.Origin("mqtt.password").StartsWith("--set ", StringComparison.Ordinal))
        {
            // A command line is visible to every user of the machine (ps, /proc/PID/cmdline).
            v.Error("mqtt.password", "a password does not belong on the command line, where every user sees it (ps): put it in mqtt.password_file (mode 0600) or the environment variable POLICYKIT__MQTT__PASSWORD");
            password = null;
        }
        if (password is null && passwordFile.Length > 0 && File.Exists(passwordFile))
        {
            if (BoundedFile.TryReadAllText(passwordFile, 4096, out string text, out string error))
                password = text.Split('\n')[0].TrimEnd('\r');
            else
                v.Error("mqtt.password_file", $"cannot read: {error}");
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(passwordFile) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.GroupWrite)) != 0)
                v.Warn("mqtt.password_file", $"{passwordFile} can be read or changed by other users (mode {Mode(passwordFile)}): chmod 600 it");
        }
        var section = new MqttSection(enabled, embedded, embeddedListen, host, port, clientId, prefix, username, password,
            v.Duration("mqtt.keepalive", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), "MQTT keep-alive"),
            v.Duration("mqtt.publish_interval", TimeSpan.Zero, TimeSpan.Zero, "how often every limit's state is published; 0 = the table's telemetry interval, else 10s"),
            v.Int("mqtt.buffer_capacity", 10_000, 1, 10_000_000, "messages kept while the broker is away; when full the oldest is dropped and counted"),
            v.Duration("mqtt.reconnect_min", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10), "first reconnect delay (doubles, with jitter)"),
            v.Duration("mqtt.reconnect_max", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(10), "longest reconnect delay"),
            tls);
        string protocolName = v.Choice("mqtt.protocol", "5", ["5", "3.1.1"], "MQTT version spoken to mqtt.host: 5, or 3.1.1 (NATS and RabbitMQ MQTT listeners)");
        MqttBrokerAddress.TryParseProtocol(protocolName, out var protocol);
        string brokerList = v.String("mqtt.brokers", "", "comma-separated HOST:PORT[/3.1.1] of a cluster's nodes, tried in turn (failover); replaces mqtt.host and mqtt.port");
        var brokers = new List<MqttBrokerAddress>();
        foreach (string entry in brokerList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (MqttBrokerAddress.TryParse(entry, protocol, out var address, out string brokerError)) brokers.Add(address);
            else v.Error("mqtt.brokers", brokerError);
        }
        if (brokers.Count > 0 && (v.Has("mqtt.host") || portGiven)) v.Error("mqtt.brokers", "give either mqtt.brokers or mqtt.host/mqtt.port, not both");
        if (brokers.Count > 0 && embedded) v.Error("mqtt.brokers", "the agent publishes to its embedded broker: mqtt.brokers does not apply with mqtt.embedded_broker = true");
        string outboxDir = v.Path("mqtt.outbox_dir", mustExist: false, "folder (created, mode 0700) where the outbox is journalled so a restart or crash loses nothing accepted; empty = memory only");
        if (outboxDir.Length > 0 && File.Exists(outboxDir)) v.Error("mqtt.outbox_dir", $"{outboxDir} is a file, not a folder");
        section = section with { Protocol = protocol, Brokers = brokers, OutboxDir = outboxDir };
        if (section.ReconnectMax < section.ReconnectMin) v.Error("mqtt.reconnect_max", $"must be at least mqtt.reconnect_min ({ConfigValues.FormatDuration(section.ReconnectMin)})");
        if (tls.CertFile.Length > 0 != tls.KeyFile.Length > 0) v.Error(tls.CertFile.Length > 0 ? "mqtt.tls.key_file" : "mqtt.tls.cert_file", "cert_file and key_file go together (a client certificate needs its key)");
        if (tls.Enabled && tls.CaFile.Length == 0) v.Error("mqtt.tls.ca_file", "TLS needs the CA that signed the broker's certificate");
        if (tls.Enabled) CheckTlsFiles(v, tls);
        if (embedded)
        {
            if (!Endpoints.TryParse(embeddedListen, out var listenOn)) v.Error("mqtt.embedded_listen", $"expected HOST:PORT, got \"{embeddedListen}\"");
            else if (enabled && !System.Net.IPAddress.IsLoopback(listenOn.Address) && (username.Length == 0 || password is null))
                v.Error("mqtt.embedded_listen", $"the embedded broker would accept anonymous clients on {listenOn.Address}: listen on loopback (127.0.0.1, [::1]), or set mqtt.username and a password (POLICYKIT__MQTT__PASSWORD or mqtt.password_file) that subscribers must give");
        }
        if (prefix.Contains('+') || prefix.Contains('#') || prefix.Length == 0) v.Error("mqtt.topic_prefix", "must be non-empty and hold no MQTT wildcard (+ #)");
        return section;
    }
}
