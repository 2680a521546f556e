using System.Diagnostics;

namespace PolicyKit.Telemetry.Bench;

/// <summary>
/// One case of <see cref="PublishBenchmarks"/> run steadily outside BenchmarkDotNet, for a
/// profiler to attach to (<c>perf record -g -p PID</c>, <c>perf stat -p PID</c>): prints both
/// PIDs, then per batch the messages/s and the CPU time per message of the publisher's process
/// and of mosquitto — which side spends more says which one limits the figure.
/// </summary>
internal static class SteadyRun
{
    public static int Run(TextWriter output, int inFlight, bool journal, int brokerWindow, int batches)
    {
        var bench = new PublishBenchmarks { InFlight = inFlight, Journal = journal, BrokerWindow = brokerWindow };
        bench.Setup();
        try
        {
            int brokerPid = bench.BrokerPid ?? throw new InvalidOperationException("mosquitto is not running");
            output.WriteLine($"InFlight {inFlight}, Journal {journal}, BrokerWindow {brokerWindow}: publisher pid {Environment.ProcessId}, mosquitto pid {brokerPid}, {PublishBenchmarks.Batch} messages per batch");
            using var self = Process.GetCurrentProcess();
            using var broker = Process.GetProcessById(brokerPid);
            for (int i = 1; i <= batches; i++)
            {
                self.Refresh();
                broker.Refresh();
                var (selfStart, brokerStart) = (self.TotalProcessorTime, broker.TotalProcessorTime);
                var clock = Stopwatch.StartNew();
                bench.Publish();
                clock.Stop();
                self.Refresh();
                broker.Refresh();
                double perMessage(TimeSpan cpu) => cpu.TotalMicroseconds / PublishBenchmarks.Batch;
                output.WriteLine($"batch {i,3}: {PublishBenchmarks.Batch / clock.Elapsed.TotalSeconds / 1000,6:F1} k msg/s; "
                    + $"CPU per message: publisher {perMessage(self.TotalProcessorTime - selfStart),5:F1} µs, mosquitto {perMessage(broker.TotalProcessorTime - brokerStart),5:F1} µs");
            }
            return 0;
        }
        finally
        {
            bench.Cleanup();
        }
    }
}
