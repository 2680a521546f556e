using PolicyKit.Testing;

namespace PolicyKit.Telemetry.Tests;

/// <summary>MQTT 3.1.1 (what NATS and RabbitMQ speak) and failover across several brokers, against real mosquittos.</summary>
public class BrokerFailoverTests
{
    [Fact]
    public async Task Publishes_in_order_over_MQTT_3_1_1_and_its_will_fires_when_the_connection_dies()
    {
        using var broker = new MosquittoBroker();
        broker.Start();
        using var relay = new TcpRelay(broker.Port);
        string root = TestOptions.Root();
        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, root + "/#");
        var options = TestOptions.For(relay.Port) with
        {
            Protocol = MqttProtocol.V311,
            Will = TelemetryMessage.Utf8(root + "/status", "offline", retain: true),
            Online = TelemetryMessage.Utf8(root + "/status", "online", retain: true),
        };
        var logger = new CapturingLogger();
        await using (var publisher = new MqttTelemetryPublisher(options, logger))
        {
            await publisher.StartAsync();
            for (int i = 1; i <= 500; i++) publisher.Enqueue(TelemetryMessage.Utf8(root + "/seq", i.ToString(), false));
            Assert.True(await publisher.FlushAsync(TestOptions.Long), publisher.LastError);
            var received = await subscriber.WaitForAsync(m => m.Count(x => x.Topic.EndsWith("/seq", StringComparison.Ordinal)) >= 500, TestOptions.Long, "500 messages");
            Assert.Equal(Enumerable.Range(1, 500), received.Where(m => m.Topic.EndsWith("/seq", StringComparison.Ordinal)).Select(TestOptions.Seq));
            Assert.Contains("(MQTT 3.1.1,", logger.All, StringComparison.Ordinal);
        }   // disposed without a clean stop: on 3.1.1 the connection is dropped, and the broker sends the Will

        var status = await subscriber.WaitForAsync(m => m.Count(x => x.Topic.EndsWith("/status", StringComparison.Ordinal)) >= 2, TestOptions.Long, "online, then the will");
        Assert.Equal(["online", "offline"], status.Where(m => m.Topic.EndsWith("/status", StringComparison.Ordinal)).Select(m => m.Payload));
    }

    [Fact]
    public async Task Broker_that_dies_is_replaced_by_the_next_one_in_the_list_and_nothing_is_lost()
    {
        using var a = new MosquittoBroker();
        using var b = new MosquittoBroker();
        a.Start();
        b.Start();
        using var relayA = new TcpRelay(a.Port);
        string topic = TestOptions.Root() + "/seq";
        await using var onA = await TestSubscriber.ConnectAsync(a.Host, a.Port, topic);
        await using var onB = await TestSubscriber.ConnectAsync(b.Host, b.Port, topic);
        var options = TestOptions.For(relayA.Port, capacity: 5000) with
        {
            Brokers = [new MqttBrokerAddress("127.0.0.1", relayA.Port), new MqttBrokerAddress("127.0.0.1", b.Port, MqttProtocol.V311)],
            // Long backoff: the failover must not wait for it.
            ReconnectMin = TimeSpan.FromSeconds(20),
            ReconnectMax = TimeSpan.FromSeconds(20),
        };
        await using var publisher = new MqttTelemetryPublisher(options);
        await publisher.StartAsync();
        const int total = 2000;
        var producer = Task.Run(async () =>
        {
            for (int i = 1; i <= total; i++)
            {
                publisher.Enqueue(TelemetryMessage.Utf8(topic, i.ToString(), false));
                if (i % 50 == 0) await Task.Delay(5);
            }
        });
        await Wait.UntilAsync(() => publisher.Published >= 500, TestOptions.Long, () => "500 published; " + publisher.LastError);
        Assert.Equal($"127.0.0.1:{relayA.Port}", publisher.Broker);
        relayA.Block();
        relayA.Sever();   // broker A is gone for the publisher
        await producer.WaitAsync(TestOptions.Long);
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)), "not failed over in time: " + publisher.LastError);
        Assert.Equal($"127.0.0.1:{b.Port}", publisher.Broker);

        await onB.WaitForAsync(m => m.Count > 0 && TestOptions.Seq(m[^1]) == total, TestOptions.Long, "the last message on B");
        var (sequence, duplicates) = TestOptions.Dedupe(onA.Messages.Concat(onB.Messages).Select(TestOptions.Seq));
        Assert.Equal(Enumerable.Range(1, total), sequence);
        Assert.InRange(duplicates, 0, publisher.MaxInFlight);
        Assert.Equal(0, publisher.Dropped);
    }
}
