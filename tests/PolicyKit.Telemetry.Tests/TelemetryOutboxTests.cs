using System.Text;

namespace PolicyKit.Telemetry.Tests;

public class TelemetryOutboxTests
{
    private static TelemetryMessage M(int n) => TelemetryMessage.Utf8("t", n.ToString(), retain: false);

    private static int N(OutboxEntry e) => int.Parse(Encoding.UTF8.GetString(e.Message.Payload.Span));

    [Fact]
    public void Keeps_fifo_order_and_sequences()
    {
        var outbox = new TelemetryOutbox(10);
        for (int i = 1; i <= 5; i++) Assert.True(outbox.Enqueue(M(i)));
        Assert.Equal([1, 2, 3, 4, 5], outbox.Snapshot().Select(N));
        Assert.Equal([1L, 2, 3, 4, 5], outbox.Snapshot().Select(e => e.Sequence));
        Assert.True(outbox.TryPeek(out var head));
        Assert.Equal(1, N(head));
        Assert.Equal(5, outbox.Count);   // peek does not remove
    }

    [Fact]
    public void Full_outbox_drops_the_oldest_and_counts_exactly()
    {
        var outbox = new TelemetryOutbox(3);
        for (int i = 1; i <= 3; i++) Assert.True(outbox.Enqueue(M(i)));
        Assert.False(outbox.Enqueue(M(4)));  // 1 dropped
        Assert.False(outbox.Enqueue(M(5)));  // 2 dropped
        Assert.Equal(2, outbox.Dropped);
        Assert.Equal([3, 4, 5], outbox.Snapshot().Select(N));
        for (int i = 6; i <= 1000; i++) outbox.Enqueue(M(i));
        Assert.Equal(997, outbox.Dropped);
        Assert.Equal([998, 999, 1000], outbox.Snapshot().Select(N));
        Assert.Equal(3, outbox.Capacity);
    }

    [Fact]
    public void Message_leaves_only_when_acknowledged()
    {
        var outbox = new TelemetryOutbox(4);
        outbox.Enqueue(M(1));
        outbox.Enqueue(M(2));
        outbox.Enqueue(M(3));
        Assert.True(outbox.TryPeek(out var first));
        // The connection died before PUBACK: nothing acknowledged, the same message is next again.
        Assert.True(outbox.TryPeek(out var again));
        Assert.Equal(first, again);
        Assert.True(outbox.Acknowledge(first.Sequence));
        Assert.False(outbox.Acknowledge(first.Sequence));       // twice: ignored
        Assert.False(outbox.Acknowledge(first.Sequence + 10));  // never queued: ignored
        Assert.True(outbox.TryPeek(out var second));
        Assert.Equal(2, N(second));
        Assert.Equal(1, outbox.Published);
        Assert.True(outbox.Reject(second.Sequence));
        Assert.Equal(1, outbox.Rejected);
        Assert.True(outbox.TryPeek(out var third));
        Assert.True(outbox.Acknowledge(third.Sequence));
        Assert.False(outbox.TryPeek(out _));
        Assert.Equal(0, outbox.Count);
    }

    [Fact]
    public void Pipelined_acknowledgements_in_any_order_leave_as_a_contiguous_prefix()
    {
        var outbox = new TelemetryOutbox(8);
        for (int i = 1; i <= 5; i++) outbox.Enqueue(M(i));
        // Hand out 1..4 without acknowledging (four in flight).
        var sent = new List<OutboxEntry>();
        long last = 0;
        while (sent.Count < 4 && outbox.TryGetAfter(last, out var e)) { sent.Add(e); last = e.Sequence; }
        Assert.Equal([1, 2, 3, 4], sent.Select(N));
        Assert.True(outbox.Acknowledge(sent[2].Sequence));   // 3 first: nothing leaves, 1 and 2 still wait
        Assert.True(outbox.Acknowledge(sent[1].Sequence));
        Assert.Equal(5, outbox.Count);
        Assert.Equal([1, 2, 3, 4, 5], outbox.Snapshot().Select(N));
        // After a reconnect, resending starts at the oldest message still waiting, skipping the acknowledged ones.
        Assert.True(outbox.TryGetAfter(0, out var resend));
        Assert.Equal(1, N(resend));
        Assert.True(outbox.TryGetAfter(resend.Sequence, out var next));
        Assert.Equal(4, N(next));
        Assert.True(outbox.Acknowledge(sent[0].Sequence));   // 1, then 2 and 3 leave with it
        Assert.Equal([4, 5], outbox.Snapshot().Select(N));
        Assert.Equal(3, outbox.Published);
        Assert.Equal(outbox.Enqueued, outbox.Published + outbox.Dropped + outbox.Rejected + outbox.Count);
    }

    [Fact]
    public void In_flight_message_dropped_by_overflow_is_not_acknowledged_later()
    {
        var outbox = new TelemetryOutbox(2);
        outbox.Enqueue(M(1));
        outbox.Enqueue(M(2));
        outbox.TryPeek(out var inFlight);           // 1 is being sent
        outbox.Enqueue(M(3));                       // full: 1 dropped while in flight
        Assert.False(outbox.Acknowledge(inFlight.Sequence));   // must not remove 2
        Assert.Equal([2, 3], outbox.Snapshot().Select(N));
        Assert.Equal(1, outbox.Dropped);
        Assert.Equal(0, outbox.Published);
    }

    [Fact]
    public void Capacity_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TelemetryOutbox(0));
    }

    [Fact]
    public async Task Concurrent_producers_and_a_sender_keep_counts_exact_and_per_producer_order()
    {
        const int producers = 4, perProducer = 50_000, capacity = 1000;
        var outbox = new TelemetryOutbox(capacity);
        var sent = new List<TelemetryMessage>();
        using var done = new CancellationTokenSource();

        var sender = Task.Run(() =>
        {
            while (true)
            {
                if (outbox.TryPeek(out var e))
                {
                    if (outbox.Acknowledge(e.Sequence)) sent.Add(e.Message);
                }
                else if (done.IsCancellationRequested && outbox.Count == 0)
                {
                    return;
                }
            }
        });
        var writers = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (int i = 0; i < perProducer; i++) outbox.Enqueue(TelemetryMessage.Utf8("p" + p, i.ToString(), false));
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        done.Cancel();
        await sender.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(producers * perProducer, outbox.Enqueued);
        Assert.Equal(outbox.Enqueued, outbox.Published + outbox.Dropped + outbox.Count);
        Assert.Equal(sent.Count, outbox.Published);
        Assert.Equal(0, outbox.Count);
        // Whatever was dropped, each producer's surviving messages arrive in the order written.
        foreach (var group in sent.GroupBy(m => m.Topic))
        {
            var numbers = group.Select(m => int.Parse(Encoding.UTF8.GetString(m.Payload.Span))).ToList();
            Assert.True(numbers.Zip(numbers.Skip(1)).All(pair => pair.First < pair.Second), "order broken for " + group.Key);
        }
    }
}
