using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace PolicyKit.Telemetry.Tests;

/// <summary>One message as a subscriber saw it.</summary>
internal sealed record Received(string Topic, string Payload, bool Retain);

/// <summary>
/// An MQTT 5 subscriber (MQTTnet) that records what it receives, in order. It subscribes with
/// "retain as published" so the retain flag of live messages is the publisher's.
/// </summary>
internal sealed class TestSubscriber : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentQueue<Received> _received = new();

    private TestSubscriber() =>
        _client.ApplicationMessageReceivedAsync += args =>
        {
            var m = args.ApplicationMessage;
            _received.Enqueue(new Received(m.Topic, Encoding.UTF8.GetString(m.Payload.ToArray()), m.Retain));
            return Task.CompletedTask;
        };

    public IReadOnlyList<Received> Messages => [.. _received];

    public IReadOnlyList<Received> On(string topic) => Messages.Where(m => m.Topic == topic).ToList();

    public static async Task<TestSubscriber> ConnectAsync(string host, int port, string topicFilter, Action<MqttClientOptionsBuilder>? configure = null)
    {
        var subscriber = new TestSubscriber();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId("test-sub-" + Guid.NewGuid().ToString("N")[..12])
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(30));
        configure?.Invoke(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var built = options.Build();
        var result = await subscriber._client.ConnectAsync(built, timeout.Token);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        var filter = new MqttTopicFilterBuilder()
            .WithTopic(topicFilter)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            // An MQTT 5 subscription option; a 3.1.1 session (NATS) has no such thing.
            .WithRetainAsPublished(built.ProtocolVersion == MqttProtocolVersion.V500)
            .Build();
        await subscriber._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter).Build(), timeout.Token);
        return subscriber;
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds over the messages received so far.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(Func<IReadOnlyList<Received>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var messages = Messages;
            if (condition(messages)) return messages;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for {what}; received {messages.Count}: "
                    + string.Join(" ", messages.TakeLast(10).Select(m => $"{m.Topic}={m.Payload}{(m.Retain ? "(r)" : "")}")));
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
            }
        }
        catch (Exception)
        {
            // The broker may already be gone (killed by the test).
        }
        _client.Dispose();
    }
}
