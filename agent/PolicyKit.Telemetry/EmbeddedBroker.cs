using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;

namespace PolicyKit.Telemetry;

/// <summary>
/// A small in-process MQTT broker (MQTTnet.Server) so a new user sees telemetry without
/// installing one: plain TCP on one address, anonymous, retained messages kept in memory
/// (lost when it stops), no persistent sessions. For production point the agent at mosquitto
/// or a broker cluster.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServerOptions _serverOptions;
    private readonly MqttServer _server;
    private bool _started;

    /// <param name="address">The address to listen on (e.g. 127.0.0.1 or ::1).</param>
    /// <param name="port">The TCP port; 0 lets the system pick a free one (see <see cref="Port"/> after start).</param>
    public EmbeddedBroker(IPAddress address, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(address);
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
    }

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
