using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace PolicyKit.Agent.Status;

/// <summary>
/// Reads one agent's retained topics from a broker (status + limits/#) for <c>mpol-agent status --mqtt</c>:
/// subscribes, waits until the retained messages have stopped arriving (or the timeout), disconnects.
/// </summary>
public static class MqttStatusReader
{
    public static async Task<(byte[]? Status, IReadOnlyList<byte[]> Limits, string? Error)> ReadAsync(
        string host, int port, string root, TimeSpan timeout, CancellationToken cancel)
    {
        var messages = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        long lastArrival = Environment.TickCount64;
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            messages[e.ApplicationMessage.Topic] = System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload);
            Interlocked.Exchange(ref lastArrival, Environment.TickCount64);
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"policykit-status-{Environment.ProcessId}-{Random.Shared.Next():x}")
            .WithCleanStart()
            .WithTimeout(timeout)
            .Build();
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            connectTimeout.CancelAfter(timeout);
            await client.ConnectAsync(options, connectTimeout.Token).ConfigureAwait(false);
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                // Limits first: a broker delivers the retained messages of one subscription in
                // filter order, so once the status is in, every retained limit is too.
                .WithTopicFilter(root + "/limits/#", MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(root + "/status", MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), cancel).ConfigureAwait(false);
            // Retained messages come right after the subscription; stop when they have been quiet
            // for 300 ms once the status is in (limits came before it), or at the timeout.
            var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
            while (Environment.TickCount64 < deadline && !cancel.IsCancellationRequested)
            {
                await Task.Delay(50, cancel).ConfigureAwait(false);
                if (messages.ContainsKey(root + "/status") && Environment.TickCount64 - Interlocked.Read(ref lastArrival) > 300) break;
            }
            await client.DisconnectAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            return (null, [], $"cannot read from mqtt://{host}:{port}: {e.Message}");
        }
        messages.TryGetValue(root + "/status", out var status);
        var limits = messages.Where(m => m.Key.StartsWith(root + "/limits/", StringComparison.Ordinal)).OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Value).ToList();
        return (status, limits, status is null ? $"no retained status on {root}/status at mqtt://{host}:{port}: is the site/device right, has the agent ever connected?" : null);
    }
}
