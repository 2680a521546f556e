using PolicyKit.Testing;

namespace PolicyKit.Telemetry.Tests;

public class WillTests
{
    private static MqttTelemetryOptions WithStatus(int port, string status) => TestOptions.For(port) with
    {
        Will = TelemetryMessage.Utf8(status, "offline (lost)", retain: true),
        Online = TelemetryMessage.Utf8(status, "online", retain: true),
    };

    [Fact]
    public async Task Connection_dying_without_disconnect_makes_the_broker_publish_the_will_then_online_returns()
    {
        using var broker = new MosquittoBroker();
        broker.Start();
        using var relay = new TcpRelay(broker.Port);
        string status = TestOptions.Root() + "/status";
        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, status);
        await using var publisher = new MqttTelemetryPublisher(WithStatus(relay.Port, status));
        await publisher.StartAsync();
        await subscriber.WaitForAsync(m => m.Count == 1, TestOptions.Long, "online");

        relay.Sever();   // RST both ways: no DISCONNECT reaches the broker

        var received = await subscriber.WaitForAsync(m => m.Count >= 3, TestOptions.Long, "will, then online again");
        Assert.Equal(["online", "offline (lost)", "online"], received.Take(3).Select(m => m.Payload));
        Assert.True(received[1].Retain);
        Assert.True(publisher.IsConnected);
    }

    [Fact]
    public async Task Graceful_stop_publishes_the_final_message_and_no_will()
    {
        using var broker = new MosquittoBroker();
        broker.Start();
        string status = TestOptions.Root() + "/status";
        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, status);
        var publisher = new MqttTelemetryPublisher(WithStatus(broker.Port, status));
        using var shutdown = new CancellationTokenSource();
        await publisher.StartAsync(shutdown.Token);
        await subscriber.WaitForAsync(m => m.Count == 1, TestOptions.Long, "online");
        var states = new List<TelemetryConnectionState>();
        publisher.ConnectionStateChanged += s => { lock (states) states.Add(s); };
        // As in the agent: the shutdown token given to StartAsync fires first, then StopAsync runs.
        shutdown.Cancel();
        await Task.Delay(200);
        Assert.True(publisher.IsConnected);

        Assert.True(await publisher.StopAsync(TelemetryMessage.Utf8(status, "offline (stopped)", true), TestOptions.Long));
        Assert.False(publisher.IsConnected);
        lock (states) Assert.Equal(new TelemetryConnectionState(false, null), Assert.Single(states));
        await publisher.DisposeAsync();   // after a stop: nothing more is sent

        await subscriber.WaitForAsync(m => m.Count >= 2, TestOptions.Long, "offline (stopped)");
        await Task.Delay(1500);   // a Will would come right after the connection closed
        Assert.Equal(["online", "offline (stopped)"], subscriber.Messages.Select(m => m.Payload));

        await using var late = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, status);
        var retained = await late.WaitForAsync(m => m.Count >= 1, TestOptions.Long, "retained status");
        Assert.Equal("offline (stopped)", retained[0].Payload);
        Assert.Contains("DISCONNECT", broker.Log());
    }

    [Fact]
    public async Task Dispose_without_stop_lets_the_broker_publish_the_will()
    {
        using var broker = new MosquittoBroker();
        broker.Start();
        string status = TestOptions.Root() + "/status";
        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, status);
        var publisher = new MqttTelemetryPublisher(WithStatus(broker.Port, status));
        await publisher.StartAsync();
        await subscriber.WaitForAsync(m => m.Count == 1, TestOptions.Long, "online");

        await publisher.DisposeAsync();

        var received = await subscriber.WaitForAsync(m => m.Count >= 2, TestOptions.Long, "will");
        Assert.Equal(["online", "offline (lost)"], received.Select(m => m.Payload));
    }
}
