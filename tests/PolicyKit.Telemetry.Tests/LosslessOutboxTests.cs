using PolicyKit.Testing;

namespace PolicyKit.Telemetry.Tests;

/// <summary>
/// The on-disk outbox: what was accepted survives the publisher (a restart), a torn last record
/// (a crash mid-write) is cut off, the bound drops exactly the oldest, and many messages in flight
/// keep their order.
/// </summary>
public class LosslessOutboxTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pk-outbox-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private static TelemetryMessage M(string topic, int n, bool retain = false) => TelemetryMessage.Utf8(topic, n.ToString(), retain);

    [Fact]
    public void Journal_recovers_every_unacknowledged_message_in_order_with_its_retain_flag()
    {
        using (var outbox = new TelemetryOutbox(100, OutboxJournal.Open(_folder)))
        {
            for (int i = 1; i <= 10; i++) outbox.Enqueue(M("t/" + (i % 2), i, retain: i % 3 == 0));
            Assert.True(outbox.TryPeek(out var first));
            Assert.True(outbox.Acknowledge(first.Sequence));
            Assert.True(outbox.Acknowledge(first.Sequence + 1));
        }
        using var again = new TelemetryOutbox(100, OutboxJournal.Open(_folder));
        Assert.Equal(8, again.Recovered);
        var entries = again.Snapshot();
        Assert.Equal(Enumerable.Range(3, 8), entries.Select(e => int.Parse(System.Text.Encoding.UTF8.GetString(e.Message.Payload.Span))));
        Assert.Equal(Enumerable.Range(3, 8).Select(i => i % 3 == 0), entries.Select(e => e.Message.Retain));
        Assert.Equal(Enumerable.Range(3, 8).Select(i => "t/" + (i % 2)), entries.Select(e => e.Message.Topic));
        // New messages continue the sequence.
        again.Enqueue(M("t/x", 11));
        Assert.Equal(11, again.Snapshot()[^1].Sequence);
    }

    [Fact]
    public void Unsynced_journal_of_a_process_that_died_is_recovered_and_a_torn_last_record_is_cut_off()
    {
        // A "crash": the journal is never synced or disposed cleanly; the head file still says 1.
        var journal = OutboxJournal.Open(_folder);
        var outbox = new TelemetryOutbox(100, journal);
        for (int i = 1; i <= 5; i++) outbox.Enqueue(M("t", i));
        journal.Dispose();   // releases the files (the process is gone), without Sync
        string segment = Directory.GetFiles(_folder, "*.seg").Single();
        using (var stream = new FileStream(segment, FileMode.Append))
        {
            stream.Write([40, 0, 0, 0, 1, 2, 3, 4, 5, 6]);   // half a record, as a write cut short by SIGKILL
        }
        long before = new FileInfo(segment).Length;

        using var recovered = new TelemetryOutbox(100, OutboxJournal.Open(_folder));
        Assert.Equal(5, recovered.Recovered);
        Assert.Equal(before - 10, new FileInfo(segment).Length);
        recovered.Enqueue(M("t", 6));
        Assert.Equal([1L, 2, 3, 4, 5, 6], recovered.Snapshot().Select(e => e.Sequence));
    }

    [Fact]
    public void Second_outbox_over_the_same_folder_is_refused()
    {
        using var first = new TelemetryOutbox(10, OutboxJournal.Open(_folder));
        Assert.ThrowsAny<IOException>(() => OutboxJournal.Open(_folder));
    }

    [Fact]
    public void Recovery_past_a_smaller_bound_drops_exactly_the_oldest()
    {
        using (var outbox = new TelemetryOutbox(100, OutboxJournal.Open(_folder)))
        {
            for (int i = 1; i <= 50; i++) outbox.Enqueue(M("t", i));
        }
        using var smaller = new TelemetryOutbox(20, OutboxJournal.Open(_folder));
        Assert.Equal(50, smaller.Recovered);
        Assert.Equal(30, smaller.Dropped);
        Assert.Equal(Enumerable.Range(31, 20).Select(i => (long)i), smaller.Snapshot().Select(e => e.Sequence));
        Assert.Equal(smaller.Recovered, smaller.Published + smaller.Dropped + smaller.Rejected + smaller.Count);
    }

    [Fact]
    public void Segments_wholly_acknowledged_are_deleted_so_the_disk_use_stays_bounded()
    {
        using var outbox = new TelemetryOutbox(1000, OutboxJournal.Open(_folder));
        var payload = new byte[64 * 1024];
        long sent = 0;
        for (int i = 0; i < 600; i++)   // ≈ 39 MB through a 1000-message outbox, acknowledged as it goes
        {
            outbox.Enqueue(new TelemetryMessage("t", payload, false));
            while (outbox.TryGetAfter(sent, out var e)) { outbox.Acknowledge(e.Sequence); sent = e.Sequence; }
        }
        long bytes = Directory.GetFiles(_folder, "*.seg").Sum(f => new FileInfo(f).Length);
        Assert.InRange(bytes, 0, 2 * OutboxJournal.SegmentBytes);
        Assert.Equal(600, outbox.Published);
    }

    [Fact]
    public async Task Publisher_restarted_over_its_outbox_delivers_what_the_first_one_could_not()
    {
        using var broker = new MosquittoBroker();
        broker.Start();
        using var relay = new TcpRelay(broker.Port);
        relay.Block();   // the broker is unreachable for the first publisher
        string topic = TestOptions.Root() + "/seq";
        var options = TestOptions.For(relay.Port, capacity: 500) with { OutboxDirectory = _folder };
        await using (var first = new MqttTelemetryPublisher(options))
        {
            await first.StartAsync();
            for (int i = 1; i <= 300; i++) Assert.True(first.Enqueue(M(topic, i)));
            Assert.Equal(300, first.Buffered);
        }   // stopped without delivering anything

        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, topic);
        relay.Unblock();
        await using var second = new MqttTelemetryPublisher(options);
        Assert.Equal(300, second.Recovered);
        await second.StartAsync();
        for (int i = 301; i <= 400; i++) Assert.True(second.Enqueue(M(topic, i)));
        Assert.True(await second.FlushAsync(TestOptions.Long), second.LastError);
        var received = await subscriber.WaitForAsync(m => m.Count >= 400, TestOptions.Long, "400 messages");
        Assert.Equal(Enumerable.Range(1, 400), received.Select(TestOptions.Seq));
        Assert.Equal(0, second.Dropped);
    }

    [Fact]
    public async Task Many_messages_in_flight_arrive_in_order_on_every_topic()
    {
        using var broker = new MosquittoBroker();
        broker.Start();
        string root = TestOptions.Root();
        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Host, broker.Port, root + "/#");
        await using var publisher = new MqttTelemetryPublisher(TestOptions.For(broker.Port, capacity: 50_000));
        await publisher.StartAsync();
        const int count = 20_000;
        for (int i = 1; i <= count; i++) publisher.Enqueue(M($"{root}/t{i % 4}", i));
        Assert.True(await publisher.FlushAsync(TestOptions.Long), publisher.LastError);
        var received = await subscriber.WaitForAsync(m => m.Count >= count, TestOptions.Long, $"{count} messages");
        // One connection, no loss: every message exactly once, in the order enqueued.
        Assert.Equal(Enumerable.Range(1, count), received.Select(TestOptions.Seq));
        Assert.Equal(count, publisher.Published);
    }
}
