using BenchmarkDotNet.Running;

namespace PolicyKit.Telemetry.Bench;

/// <summary>
/// dotnet run -c Release --project bench/PolicyKit.Telemetry.Bench -- --filter '*'
///   PublishBenchmarks: QoS 1 messages/s to a local mosquitto (1e9 / mean ns per message), by
///   messages in flight (1 = the old one-at-a-time publisher, 256 = the default) and outbox
///   (memory, or journalled on disk with mqtt.outbox_dir).
///   --steady [--in-flight N] [--journal] [--broker-window W] [--batches B]
///   one case (256, memory outbox, 0) run for B (100) batches outside BenchmarkDotNet, for perf to
///   attach to: messages/s and CPU per message of the publisher and of mosquitto, per batch.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        if (args.Contains("--steady"))
        {
            return SteadyRun.Run(Console.Out, int.Parse(Value("--in-flight") ?? "256"), args.Contains("--journal"),
                int.Parse(Value("--broker-window") ?? "0"), int.Parse(Value("--batches") ?? "100"));
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
