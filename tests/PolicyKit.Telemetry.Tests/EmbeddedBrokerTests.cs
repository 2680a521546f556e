using System.Net;
using System.Text;

namespace PolicyKit.Telemetry.Tests;

public class EmbeddedBrokerTests
{
    [Fact]
    public async Task Publisher_to_embedded_broker_to_subscriber_with_retained_state_kept()
    {
        await using var broker = new EmbeddedBroker(IPAddress.Loopback, port: 0);
        await broker.StartAsync();
        Assert.NotEqual(0, broker.Port);
        string root = TestOptions.Root();
        await using var subscriber = await TestSubscriber.ConnectAsync("127.0.0.1", broker.Port, root + "/#");

        await using var publisher = new MqttTelemetryPublisher(TestOptions.For(broker.Port) with
        {
            Online = TelemetryMessage.Utf8(root + "/status", "online", true),
        });
        await publisher.StartAsync();
        publisher.Enqueue(TelemetryMessage.Utf8(root + "/limits/eth0", "{\"used\":3}", retain: true));
        publisher.Enqueue(TelemetryMessage.Utf8(root + "/events", "reload", retain: false));
        Assert.True(await publisher.FlushAsync(TestOptions.Long), publisher.LastError);

        var live = await subscriber.WaitForAsync(m => m.Count >= 3, TestOptions.Long, "3 messages");
        Assert.Equal(["online", "{\"used\":3}", "reload"], live.Select(m => m.Payload));

        await using var late = await TestSubscriber.ConnectAsync("127.0.0.1", broker.Port, root + "/#");
        var retained = await late.WaitForAsync(m => m.Count >= 2, TestOptions.Long, "2 retained messages");
        Assert.Equal([(root + "/limits/eth0", "{\"used\":3}"), (root + "/status", "online")], retained.Select(m => (m.Topic, m.Payload)).OrderBy(t => t.Topic));
        Assert.All(retained, m => Assert.True(m.Retain));

        var held = await broker.RetainedAsync();
        Assert.Contains(held, m => m.Topic == root + "/limits/eth0" && Encoding.UTF8.GetString(m.Payload.Span) == "{\"used\":3}");
    }

    [Fact]
    public async Task Port_zero_picks_distinct_free_ports_and_a_taken_port_fails_clearly()
    {
        await using var a = new EmbeddedBroker(IPAddress.Loopback);
        await using var b = new EmbeddedBroker(IPAddress.Loopback);
        await a.StartAsync();
        await b.StartAsync();
        Assert.NotEqual(a.Port, b.Port);
        await using var clash = new EmbeddedBroker(IPAddress.Loopback, a.Port);
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(clash.StartAsync);
    }
}
