using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;
using PolicyKit.Testing;

namespace PolicyKit.Telemetry.Bench;

/// <summary>
/// One operation is one QoS 1 message published and acknowledged: each invocation enqueues
/// <see cref="Batch"/> limit-sized messages (≈ 300 bytes, 64 retained topics, as an agent's
/// limits are) and waits until the broker has acknowledged every one, so the figure is
/// end-to-end throughput, not enqueue speed. messages/s = 1e9 / Mean (ns).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class PublishBenchmarks
{
    /// <summary>
    /// In process (a broker and a socket per case, seconds per iteration: nothing to gain from a
    /// generated project per job, whose build times out on a loaded machine), one batch per
    /// iteration, 8 iterations after 2 warm-up ones.
    /// </summary>
    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() => AddJob(Job.Default
            .WithToolchain(new InProcessNoEmitToolchain(TimeSpan.FromMinutes(10), logOutput: true))
            .WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(8)
            .WithInvocationCount(1).WithUnrollFactor(1));
    }

    public const int Batch = 20_000;

    private MosquittoBroker? _broker;
    private MqttTelemetryPublisher? _publisher;
    private string? _outbox;
    private TelemetryMessage[] _messages = [];

    /// <summary>Messages awaiting their PUBACK at once: 1 is the publisher before pipelining.</summary>
    [Params(1, 256)]
    public int InFlight { get; set; }

    /// <summary>The outbox also journalled on disk (mqtt.outbox_dir), so a restart loses nothing.</summary>
    [Params(false, true)]
    public bool Journal { get; set; }

    /// <summary>
    /// mosquitto's own default (<c>max_inflight_messages 20</c>, which it also announces to MQTT 5
    /// clients as its receive maximum) or a broker that takes any number in flight (0).
    /// </summary>
    [Params(20, 0)]
    public int BrokerWindow { get; set; }

    /// <summary>mosquitto's PID while set up (for <see cref="SteadyRun"/>).</summary>
    internal int? BrokerPid => _broker?.Pid;

    [GlobalSetup]
    public void Setup()
    {
        _broker = new MosquittoBroker(logEveryPacket: false);
        _broker.Start($"allow_anonymous true\nmax_inflight_messages {BrokerWindow}");
        if (Journal) _outbox = Directory.CreateTempSubdirectory("pk-outbox-bench-").FullName;
        _publisher = new MqttTelemetryPublisher(new MqttTelemetryOptions
        {
            Host = _broker.Host,
            Port = _broker.Port,
            ClientId = "bench-" + Guid.NewGuid().ToString("N")[..8],
            BufferCapacity = Batch * 2,
            MaxInFlight = InFlight,
            OutboxDirectory = _outbox,
        });
        _publisher.StartAsync().GetAwaiter().GetResult();
        string payload = "{\"v\":1,\"time\":\"2026-11-23T22:41:07.512Z\",\"scope\":\"interface/GigabitEthernet0%2F0%2F1/igmp\",\"kind\":\"interface-limit\","
            + "\"limit\":\"igmp limit 125 on GigabitEthernet0/0/1\",\"location\":\"broadband-edge.mpol:105:5\",\"unit\":\"entries\",\"used\":101,"
            + "\"max\":125,\"percent\":80.8,\"warn_above\":100,\"warning\":true,\"denies\":{\"interface-limit\":5}}";
        byte[] bytes = Encoding.UTF8.GetBytes(payload);
        _messages = Enumerable.Range(0, Batch).Select(i => new TelemetryMessage($"bench/site/dev/limits/interface/Gi0%2F0%2F{i % 64}/igmp", bytes, Retain: true)).ToArray();
        if (!_publisher.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult()) throw new InvalidOperationException("not connected: " + _publisher.LastError);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void Publish()
    {
        foreach (var message in _messages)
        {
            if (!_publisher!.Enqueue(message)) throw new InvalidOperationException("enqueue refused");
        }
        if (!_publisher!.FlushAsync(TimeSpan.FromMinutes(2)).GetAwaiter().GetResult()) throw new InvalidOperationException("not acknowledged in 2 min: " + _publisher.LastError);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _publisher?.StopAsync(null, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        _publisher?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _broker?.Dispose();
        if (_outbox is not null) Directory.Delete(_outbox, recursive: true);
    }
}
