using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Recording;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;

namespace PolicyKit.Bmp.Tests.Fuzz;

/// <summary>
/// A short fuzz run for CI: mutants of every message of the recordings go through the monitor
/// (framing, every decoder, RIB, engine, damping, events). No exception may escape; a stream
/// whose framing is lost is closed (a fresh monitor takes over, as a new session would). The
/// 1M-message run is <c>dotnet run -c Release --project bench/PolicyKit.Bmp.Bench -- --fuzz 1000000</c>.
/// </summary>
public sealed class FuzzTests
{
    public static List<byte[]> Corpus() =>
        [.. Recordings.All().SelectMany(name => PcapWriter.Messages(Recordings.Read(name))).Select(m => m.ToArray()), .. BmpMutator.Synthetic()];

    [Fact]
    public void TheSyntheticCorpusIsWellFormed()
    {
        var monitor = new RouterMonitor(TestTables.TwoPeers(), new BmpStationOptions(), new ListSink());
        var stream = BmpMutator.Synthetic().SelectMany(m => m).ToArray();
        Assert.Equal(stream.Length, monitor.Consume(stream, out var error));
        Assert.Null(error);
        var snapshot = monitor.Snapshot();
        Assert.Equal(0, snapshot.MalformedMessages);
        Assert.Equal(0, snapshot.BgpErrors);
        Assert.Equal(7, snapshot.MessagesByType.Count); // every message type
    }

    [Fact]
    public void MutatedRecordingsNeverThrowAndNeverStopOtherWork()
    {
        var corpus = Corpus();
        Assert.True(corpus.Count > 50, $"the recordings hold {corpus.Count} messages");
        var mutator = new BmpMutator(corpus, seed: 20261123);
        var options = new BmpStationOptions { Time = new ManualTime() };
        var table = TestTables.TwoPeers();
        var monitor = new RouterMonitor(table, options, new ListSink(1000));
        int framingLost = 0, malformedBefore = 0;
        long malformed = 0;
        const int count = 40_000;
        for (int i = 0; i < count; i++)
        {
            var mutant = mutator.Next();
            int used = monitor.Consume(mutant, out var error);
            if (error is not null || used < mutant.Length)
            {
                framingLost += error is not null ? 1 : 0;
                malformed += monitor.MalformedMessages - malformedBefore;
                monitor = new RouterMonitor(table, options, new ListSink(1000));
                malformedBefore = 0;
            }
            if (i % 5000 == 4999) Assert.NotNull(monitor.Snapshot()); // snapshots work on whatever state the mutants left
        }
        malformed += monitor.MalformedMessages;
        Assert.True(framingLost > 1000, $"framing lost {framingLost} times: the mutator must also break framing");
        Assert.True(malformed > 5000, $"{malformed} malformed messages: the mutator must reach the inner decoders");
    }
}
