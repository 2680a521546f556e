using PolicyKit.Testing;

namespace PolicyKit.Telemetry.Tests;

/// <summary>
/// The publisher reaches mosquitto through a <see cref="TcpRelay"/> so the test can hold it off
/// until the subscriber is back after a restart (otherwise a fast reconnect could publish before
/// anyone listens). mosquitto runs without persistence: nothing comes from broker-side queues.
/// </summary>
public class BrokerOutageTests
{
    private static TelemetryMessage Seq(string topic, int n) => TelemetryMessage.Utf8(topic, n.ToString(), false);

    [Fact]
    public async Task Broker_killed_mid_stream_within_capacity_every_message_arrives_in_order()
    {
        using var broker = new MosquittoBroker();
        broker.Start();
        using var relay = new TcpRelay(broker.Port);
        string topic = TestOptions.Root() + "/seq";
        var before = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, topic);
        await using var publisher = new MqttTelemetryPublisher(TestOptions.For(relay.Port, capacity: 1000));
        await publisher.StartAsync();

        // A producer that keeps enqueueing through the outage.
        const int total = 600;
        int produced = 0;
        using var stopProducing = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            for (int i = 1; i <= total; i++)
            {
                publisher.Enqueue(Seq(topic, i));
                Volatile.Write(ref produced, i);
                if (i % 10 == 0) await Task.Delay(5);
                // Hold at 300 until the broker is down, so part of the stream is enqueued during the outage.
                while (i == 300 && !stopProducing.IsCancellationRequested) await Task.Delay(5);
            }
        });

        await Wait.UntilAsync(() => publisher.Published >= 100, TestOptions.Long, () => "100 published; " + publisher.LastError);
        relay.Block();
        // Let mosquitto hand what it already acknowledged to the subscriber before it dies: the
        // publisher's promise ends at the broker's PUBACK, and this test checks the publisher.
        long acknowledged = publisher.Published;
        await before.WaitForAsync(m => m.Count > 0 && TestOptions.Seq(m[^1]) >= acknowledged, TestOptions.Long, $"message {acknowledged}");
        broker.Kill();
        var receivedBefore = before.Messages.Select(TestOptions.Seq).ToList();
        await before.DisposeAsync();
        stopProducing.Cancel();
        await producer.WaitAsync(TestOptions.Long);
        await Wait.UntilAsync(() => !publisher.IsConnected, TestOptions.Long, "publisher notices the outage");
        Assert.True(publisher.Buffered > 0);

        broker.Start();   // same port, fresh state
        await using var after = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, topic);
        relay.Unblock();
        Assert.True(await publisher.FlushAsync(TestOptions.Long), "not flushed after restart: " + publisher.LastError);
        await after.WaitForAsync(m => m.Count > 0 && TestOptions.Seq(m[^1]) == total, TestOptions.Long, "the last message");

        var (sequence, duplicates) = TestOptions.Dedupe(receivedBefore.Concat(after.Messages.Select(TestOptions.Seq)));
        Assert.Equal(Enumerable.Range(1, total), sequence);
        // Redelivered: at most what was in flight when the broker died.
        Assert.InRange(duplicates, 0, publisher.MaxInFlight);
        Assert.Equal(0, publisher.Dropped);
        Assert.Equal(total, publisher.Published);
        Assert.NotNull(publisher.LastError);   // the outage was seen and described
    }

    [Fact]
    public async Task Broker_killed_past_capacity_drops_exactly_the_oldest_and_delivers_the_newest_in_order()
    {
        const int capacity = 20, beforeOutage = 10, total = 100;
        using var broker = new MosquittoBroker();
        broker.Start();
        using var relay = new TcpRelay(broker.Port);
        string topic = TestOptions.Root() + "/seq";
        await using var publisher = new MqttTelemetryPublisher(TestOptions.For(relay.Port, capacity));
        await publisher.StartAsync();
        for (int i = 1; i <= beforeOutage; i++) publisher.Enqueue(Seq(topic, i));
        Assert.True(await publisher.FlushAsync(TestOptions.Long), publisher.LastError);

        relay.Block();
        broker.Kill();
        for (int i = beforeOutage + 1; i <= total; i++) Assert.True(publisher.Enqueue(Seq(topic, i)));

        long published = publisher.Published;
        Assert.Equal(beforeOutage, published);
        Assert.Equal(total - capacity - published, publisher.Dropped);
        Assert.Equal(capacity, publisher.Buffered);

        broker.Start();
        await using var after = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, topic);
        relay.Unblock();
        Assert.True(await publisher.FlushAsync(TestOptions.Long), "not flushed after restart: " + publisher.LastError);
        var received = await after.WaitForAsync(m => m.Count >= capacity, TestOptions.Long, $"{capacity} messages");

        Assert.Equal(Enumerable.Range(total - capacity + 1, capacity), received.Select(TestOptions.Seq));
        Assert.Equal(total - capacity - beforeOutage, publisher.Dropped);
        Assert.Equal(beforeOutage + capacity, publisher.Published);
        Assert.Equal(publisher.Enqueued, publisher.Published + publisher.Dropped + publisher.Rejected + publisher.Buffered);
    }

    [Fact]
    public async Task Connection_reset_mid_stream_loses_nothing_and_keeps_order()
    {
        using var broker = new MosquittoBroker();
        broker.Start();
        using var relay = new TcpRelay(broker.Port);
        string topic = TestOptions.Root() + "/seq";
        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, topic);
        await using var publisher = new MqttTelemetryPublisher(TestOptions.For(relay.Port, capacity: 5000));
        await publisher.StartAsync();

        const int total = 3000;
        var producer = Task.Run(async () =>
        {
            for (int i = 1; i <= total; i++)
            {
                publisher.Enqueue(Seq(topic, i));
                if (i % 50 == 0) await Task.Delay(2);
            }
        });
        // Cut the connection three times while messages are in flight.
        for (int cut = 1; cut <= 3; cut++)
        {
            long target = cut * 500;
            await Wait.UntilAsync(() => publisher.Published >= target, TestOptions.Long, () => $"{target} published; {publisher.LastError}");
            relay.Sever();
        }
        await producer.WaitAsync(TestOptions.Long);
        Assert.True(await publisher.FlushAsync(TestOptions.Long), publisher.LastError);
        await subscriber.WaitForAsync(m => m.Count > 0 && TestOptions.Seq(m[^1]) == total, TestOptions.Long, "the last message");

        var (sequence, duplicates) = TestOptions.Dedupe(subscriber.Messages.Select(TestOptions.Seq));
        Assert.Equal(Enumerable.Range(1, total), sequence);
        Assert.InRange(duplicates, 0, 3 * publisher.MaxInFlight);
        Assert.Equal(total, publisher.Published);
        Assert.True(relay.Accepted >= 4, $"expected reconnects through the relay, saw {relay.Accepted} connections");
    }
}
