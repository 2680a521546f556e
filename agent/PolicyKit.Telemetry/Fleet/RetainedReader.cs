using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;

namespace PolicyKit.Telemetry.Fleet;

/// <summary>What a broker held retained under some topic filters; <see cref="Error"/> when it could not be read.</summary>
public sealed record RetainedMessages(IReadOnlyDictionary<string, byte[]> Messages, string? Error);

/// <summary>
/// Reads the retained messages under a few topic filters once: connects (TLS and credentials as
/// the agent does, <see cref="MqttClientSetup"/>), subscribes, collects until no message has come
/// for <see cref="BrokerReadOptions.Quiet"/> (a broker sends what it retains right after the
/// subscription) or the timeout, disconnects. Never throws for a broker problem: it comes back as
/// one line in <see cref="RetainedMessages.Error"/>, without the password.
/// </summary>
public static class RetainedReader
{
    public static async Task<RetainedMessages> ReadAsync(BrokerReadOptions options, IReadOnlyList<string> filters, CancellationToken cancel)
    {
        var messages = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        long lastArrival = Environment.TickCount64;
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            // Only retained messages are state; an empty one is a cleared topic.
            if (e.ApplicationMessage.Retain && e.ApplicationMessage.Payload.Length > 0)
                messages[e.ApplicationMessage.Topic] = System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload);
            Interlocked.Exchange(ref lastArrival, Environment.TickCount64);
            return Task.CompletedTask;
        };
        var builder = new MqttClientOptionsBuilder()
            .WithClientId($"policykit-reader-{Environment.ProcessId}-{Random.Shared.Next():x}")
            .WithCleanStart()
            .WithTimeout(options.Timeout);
        BrokerCertificateValidator? validator = null;
        TlsMaterial? material = null;
        string endpoint = options.Broker.Endpoint;
        try
        {
            validator = MqttClientSetup.Configure(builder, options.Broker, options.Username, options.Password, options.Tls, ref material);
            long deadline = Environment.TickCount64 + (long)options.Timeout.TotalMilliseconds;
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            bounded.CancelAfter(options.Timeout);
            var connected = await client.ConnectAsync(builder.Build(), bounded.Token).ConfigureAwait(false);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
                return Failed(options, ConnectionErrors.Refused(connected, options.Username is not null));
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (string filter in filters) subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
            var subscribed = await client.SubscribeAsync(subscribe.Build(), bounded.Token).ConfigureAwait(false);
            if (subscribed.Items.FirstOrDefault(i => (int)i.ResultCode > 2) is { } refused)
                return Failed(options, $"the broker at {endpoint} refused the subscription to {refused.TopicFilter.Topic}: {refused.ResultCode}");
            Interlocked.Exchange(ref lastArrival, Environment.TickCount64);
            while (Environment.TickCount64 < deadline && Environment.TickCount64 - Interlocked.Read(ref lastArrival) < (long)options.Quiet.TotalMilliseconds)
            {
                await Task.Delay(25, cancel).ConfigureAwait(false);
            }
            await client.DisconnectAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Failed(options, e is OperationCanceledException
                ? $"no answer from {endpoint} within {options.Timeout.TotalSeconds:0.#} s"
                : ConnectionErrors.Describe(e, endpoint, options.Tls is { Enabled: true }, options.Tls?.CertFile, validator?.Failure));
        }
        finally
        {
            material?.Dispose();
        }
        return new RetainedMessages(messages, null);
    }

    // Defence in depth: no text we return may carry the password, whatever a library put in it.
    private static RetainedMessages Failed(BrokerReadOptions options, string error) => new(
        new Dictionary<string, byte[]>(),
        $"cannot read from mqtt://{options.Broker.Endpoint}: " +
        (string.IsNullOrEmpty(options.Password) ? error : error.Replace(options.Password, "***", StringComparison.Ordinal)));
}
