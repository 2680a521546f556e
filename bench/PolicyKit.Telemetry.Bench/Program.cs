using BenchmarkDotNet.Running;

namespace PolicyKit.Telemetry.Bench;

/// <summary>
/// dotnet run -c Release --project bench/PolicyKit.Telemetry.Bench -- --filter '*'
///   PublishBenchmarks: QoS 1 messages/s to a local mosquitto (1e9 / mean ns per message), by
///   messages in flight (1 = the old one-at-a-time publisher, 256 = the default) and outbox
///   (memory, or journalled on disk with mqtt.outbox_dir).
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
