using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;

namespace PolicyKit.Telemetry;

/// <summary>
/// A small in-process MQTT broker (MQTTnet.Server) so a new user sees telemetry without
/// installing one: plain TCP on one address, retained messages kept in memory (lost when it
/// stops), no persistent sessions. Only the publisher of <see cref="EmbeddedBrokerAccess"/> may
/// publish; other clients subscribe (anonymously unless subscriber credentials are set). For
/// production point the agent at mosquitto or a broker cluster.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServerOptions _serverOptions;
    private readonly MqttServer _server;
    private bool _started;

    /// <param name="address">The address to listen on (e.g. 127.0.0.1 or ::1).</param>
    /// <param name="port">The TCP port; 0 lets the system pick a free one (see <see cref="Port"/> after start).</param>
    /// <param name="access">Who publishes and who may subscribe.</param>
    public EmbeddedBroker(IPAddress address, int port, EmbeddedBrokerAccess access)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(access);
        Access = access;
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Address = address;
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions(false);
        // MQTTnet opens one listener per address family; listen only on the one asked for.
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            builder.WithDefaultEndpointBoundIPAddress(IPAddress.None).WithDefaultEndpointBoundIPV6Address(address);
        else
            builder.WithDefaultEndpointBoundIPAddress(address).WithDefaultEndpointBoundIPV6Address(IPAddress.None);
        _serverOptions = builder.Build();
        _server = new MqttServerFactory().CreateMqttServer(_serverOptions);
        _server.ValidatingConnectionAsync += e =>
        {
            e.ReasonCode = access.Judge(e.ClientId, e.UserName, e.Password) switch
            {
                EmbeddedBrokerAccess.Verdict.Publisher or EmbeddedBrokerAccess.Verdict.Subscriber => MQTTnet.Protocol.MqttConnectReasonCode.Success,
                EmbeddedBrokerAccess.Verdict.BadClientId => MQTTnet.Protocol.MqttConnectReasonCode.ClientIdentifierNotValid,
                _ => MQTTnet.Protocol.MqttConnectReasonCode.BadUserNameOrPassword,
            };
            if (e.ReasonCode != MQTTnet.Protocol.MqttConnectReasonCode.Success) Interlocked.Increment(ref _refusedConnections);
            return Task.CompletedTask;
        };
        // A subscriber's publish (a forged status or limit) is dropped; the publisher is the only
        // client with the publisher's id, which its fresh credential guards.
        _server.InterceptingPublishAsync += e =>
        {
            if (e.ClientId != access.PublisherClientId)
            {
                e.ProcessPublish = false;
                Interlocked.Increment(ref _droppedPublishes);
            }
            return Task.CompletedTask;
        };
    }

    private long _refusedConnections;
    private long _droppedPublishes;

    public EmbeddedBrokerAccess Access { get; }

    /// <summary>Connections refused: bad credentials, or a client claiming the publisher's id.</summary>
    public long RefusedConnections => Interlocked.Read(ref _refusedConnections);

    /// <summary>Messages published by a client other than the publisher, dropped.</summary>
    public long DroppedPublishes => Interlocked.Read(ref _droppedPublishes);

    public IPAddress Address { get; }

    /// <summary>The port listened on; the one the system picked when 0 was asked for (valid after <see cref="StartAsync"/>).</summary>
    // MQTTnet writes the bound port back into the endpoint options when it binds.
    public int Port => _serverOptions.DefaultEndpointOptions.Port;

    public bool IsStarted => _server.IsStarted;

    /// <summary>Starts listening. Throws <see cref="SocketException"/> when the address/port cannot be bound.</summary>
    public async Task StartAsync()
    {
        if (_started) throw new InvalidOperationException("the embedded broker is already started");
        _started = true;
        await _server.StartAsync().ConfigureAwait(false);
    }

    /// <summary>The retained messages currently held (topic → payload), for a status view or tests.</summary>
    public async Task<IReadOnlyList<TelemetryMessage>> RetainedAsync()
    {
        var retained = await _server.GetRetainedMessagesAsync().ConfigureAwait(false);
        return retained.Select(m => new TelemetryMessage(m.Topic, m.Payload.ToArray(), true)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server.IsStarted) await _server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
        _server.Dispose();
    }
}
