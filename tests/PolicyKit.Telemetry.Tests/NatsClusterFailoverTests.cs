using MQTTnet.Formatter;
using PolicyKit.Testing;

namespace PolicyKit.Telemetry.Tests;

/// <summary>
/// The issue's cluster test: a real three-node NATS cluster speaking MQTT 3.1.1, the publisher on
/// node A (with B as its second address), a subscriber on node C; A is killed mid-stream; the
/// publisher fails over to B, and C receives every message, in the order published.
/// </summary>
public class NatsClusterFailoverTests
{
    [Fact]
    public async Task Node_a_killed_mid_stream_the_publisher_fails_over_and_node_c_gets_everything_in_order()
    {
        using var cluster = new NatsCluster();
        cluster.Start();
        string topic = TestOptions.Root() + "/seq";

        // The cluster takes a moment to elect its JetStream leader, which MQTT sessions need.
        TestSubscriber? onC = null;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (onC is null)
        {
            try
            {
                onC = await TestSubscriber.ConnectAsync("127.0.0.1", cluster.MqttPorts[2], topic, o => o.WithProtocolVersion(MqttProtocolVersion.V311));
            }
            catch (Exception e) when (e is not OutOfMemoryException && DateTime.UtcNow < until)
            {
                await Task.Delay(500);
            }
        }
        await using var subscriber = onC!;

        var options = TestOptions.For(cluster.MqttPorts[0], capacity: 10_000) with
        {
            Brokers = [new MqttBrokerAddress("127.0.0.1", cluster.MqttPorts[0], MqttProtocol.V311), new MqttBrokerAddress("127.0.0.1", cluster.MqttPorts[1], MqttProtocol.V311)],
            ReconnectMin = TimeSpan.FromSeconds(20),
            ReconnectMax = TimeSpan.FromSeconds(20),
        };
        await using var publisher = new MqttTelemetryPublisher(options);
        await publisher.StartAsync();
        const int total = 3000;
        var producer = Task.Run(async () =>
        {
            for (int i = 1; i <= total; i++)
            {
                publisher.Enqueue(TelemetryMessage.Utf8(topic, i.ToString(System.Globalization.CultureInfo.InvariantCulture), false));
                if (i % 50 == 0) await Task.Delay(5);
            }
        });
        // Generous bounds: a JetStream session on a loaded 2-core machine takes seconds to set up.
        await Wait.UntilAsync(() => publisher.Published >= 800, TimeSpan.FromSeconds(120), () => "800 published on A; " + publisher.LastError + "\nnode A:\n" + Tail(cluster.Log(0)));
        Assert.Equal($"127.0.0.1:{cluster.MqttPorts[0]}", publisher.Broker);
        cluster.Kill(0);

        await producer.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(120)), "not failed over in time: " + publisher.LastError + "\nnode B:\n" + Tail(cluster.Log(1)));
        Assert.Equal($"127.0.0.1:{cluster.MqttPorts[1]}", publisher.Broker);

        await subscriber.WaitForAsync(m => m.Count > 0 && TestOptions.Seq(m[^1]) == total, TimeSpan.FromSeconds(120), "the last message on C");
        var raw = subscriber.Messages.Select(TestOptions.Seq).ToList();
        var (sequence, duplicates) = TestOptions.Dedupe(raw);
        Assert.True(sequence.SequenceEqual(Enumerable.Range(1, total)), GapReport(raw, sequence, total, publisher));
        Assert.InRange(duplicates, 0, publisher.MaxInFlight);
        Assert.Equal(0, publisher.Dropped);
    }

    /// <summary>
    /// Where the received order first departs from 1..total: the raw arrivals around it and
    /// whether the missing number arrived later (out of order) or never (lost).
    /// </summary>
    private static string GapReport(List<int> raw, List<int> sequence, int total, MqttTelemetryPublisher publisher)
    {
        int missing = Enumerable.Range(1, total).Except(sequence).FirstOrDefault();
        if (missing == 0) return $"received {sequence.Count} in order, expected {total}";
        int at = raw.FindIndex(n => n > missing);
        var around = raw.Skip(Math.Max(0, at - 5)).Take(15);
        var later = raw.Select((n, i) => (n, i)).Where(x => x.n == missing).Select(x => x.i).ToList();
        return $"message {missing} is out of the deduplicated order; raw arrivals from index {Math.Max(0, at - 5)}: [{string.Join(", ", around)}]; "
            + (later.Count == 0 ? $"{missing} never arrived" : $"{missing} arrived at raw index {string.Join("/", later)} (out of order)")
            + $"; {raw.Count} arrivals in all; publisher: published {publisher.Published}, dropped {publisher.Dropped}, last error {publisher.LastError}";
    }

    /// <summary>The last lines of a node's log, without the reconnect attempts to the killed node.</summary>
    private static string Tail(string log) =>
        string.Join("\n", log.Split('\n').Where(l => !l.Contains("Error trying to connect to route", StringComparison.Ordinal)).TakeLast(20));
}
