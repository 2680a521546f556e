using PolicyKit.Testing;

namespace PolicyKit.Telemetry.Tests;

public class PublishOrderTests
{
    [Fact]
    public async Task Messages_arrive_in_order_with_their_retain_flags_and_retained_state_reaches_a_late_subscriber()
    {
        using var broker = new MosquittoBroker();
        broker.Start();
        string root = TestOptions.Root();
        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, root + "/#");
        await using var publisher = new MqttTelemetryPublisher(TestOptions.For(broker.Port));
        await publisher.StartAsync();

        const int count = 300;
        for (int i = 1; i <= count; i++)
        {
            // Every 10th message is retained, on one of three retained topics (the last one per topic wins).
            bool retain = i % 10 == 0;
            string topic = retain ? $"{root}/state/{i % 3}" : $"{root}/events";
            Assert.True(publisher.Enqueue(TelemetryMessage.Utf8(topic, i.ToString(), retain)));
        }
        Assert.True(await publisher.FlushAsync(TestOptions.Long), "flush timed out: " + publisher.LastError);
        var received = await subscriber.WaitForAsync(m => m.Count >= count, TestOptions.Long, $"{count} messages");

        Assert.Equal(Enumerable.Range(1, count), received.Select(TestOptions.Seq));
        Assert.All(received, m => Assert.Equal(TestOptions.Seq(m) % 10 == 0, m.Retain));
        Assert.Equal(count, publisher.Published);
        Assert.Equal(0, publisher.Dropped);
        Assert.True(publisher.IsConnected);

        await using var late = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, root + "/state/+");
        var retained = await late.WaitForAsync(m => m.Count >= 3, TestOptions.Long, "3 retained states");
        Assert.Equal(
            new[] { ($"{root}/state/0", "300"), ($"{root}/state/1", "280"), ($"{root}/state/2", "290") },
            retained.Select(m => (m.Topic, m.Payload)).OrderBy(t => t.Topic));
        Assert.All(retained, m => Assert.True(m.Retain));
    }

    [Fact]
    public async Task Messages_queued_before_start_are_published_after_the_online_message()
    {
        using var broker = new MosquittoBroker();
        broker.Start();
        string root = TestOptions.Root();
        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, root + "/#");
        var options = TestOptions.For(broker.Port) with { Online = TelemetryMessage.Utf8(root + "/status", "online", true) };
        await using var publisher = new MqttTelemetryPublisher(options);
        var states = new List<TelemetryConnectionState>();
        publisher.ConnectionStateChanged += s => { lock (states) states.Add(s); };
        Assert.True(publisher.Enqueue(TelemetryMessage.Utf8(root + "/events", "early", false)));
        Assert.Equal(1, publisher.Buffered);

        await publisher.StartAsync();
        var received = await subscriber.WaitForAsync(m => m.Count >= 2, TestOptions.Long, "online + early");
        Assert.Equal([(root + "/status", "online", true), (root + "/events", "early", false)], received.Select(m => (m.Topic, m.Payload, m.Retain)));
        lock (states) Assert.Equal(new TelemetryConnectionState(true, null), Assert.Single(states));
    }

    [Fact]
    public async Task Broker_away_gives_a_clear_error_and_start_does_not_throw()
    {
        int port = MosquittoBroker.FreePort();   // nothing listens here
        var logger = new CapturingLogger();
        await using var publisher = new MqttTelemetryPublisher(TestOptions.For(port), logger);
        await publisher.StartAsync();
        Assert.True(publisher.Enqueue(TelemetryMessage.Utf8("t/x", "1", false)));
        await Wait.UntilAsync(() => publisher.LastError is not null, TestOptions.Long, "an error");
        Assert.Equal($"connection refused by 127.0.0.1:{port}", publisher.LastError);
        Assert.False(publisher.IsConnected);
        Assert.Equal(1, publisher.Buffered);
        Assert.False(await publisher.FlushAsync(TimeSpan.FromMilliseconds(300)));
        // Retried several times (100–500 ms backoff) but logged once.
        await Task.Delay(1500);
        Assert.Single(logger.Warnings, w => w.Contains("connection refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unpublishable_topic_is_refused_at_enqueue_and_stopped_publisher_refuses_everything()
    {
        using var broker = new MosquittoBroker();
        broker.Start();
        await using var publisher = new MqttTelemetryPublisher(TestOptions.For(broker.Port));
        Assert.False(publisher.Enqueue(TelemetryMessage.Utf8("a/#", "x", false)));
        Assert.Contains("wildcard '#'", publisher.LastError);
        Assert.Equal(0, publisher.Enqueued);
        await publisher.StartAsync();
        Assert.True(publisher.Enqueue(TelemetryMessage.Utf8("a/b", "x", false)));
        Assert.True(await publisher.StopAsync(null, TestOptions.Long));
        Assert.False(publisher.Enqueue(TelemetryMessage.Utf8("a/b", "y", false)));
        Assert.Equal(1, publisher.Published);
    }
}
