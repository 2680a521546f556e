using System.Net;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace PolicyKit.Telemetry.Tests;

public class EmbeddedBrokerTests
{
    private static EmbeddedBrokerAccess Access(string clientId, string? user = null, string? password = null) =>
        EmbeddedBrokerAccess.ForPublisher(clientId, user, password);

    /// <summary>The publisher's options: its client id and the credential made for it.</summary>
    private static MqttTelemetryOptions Publisher(EmbeddedBroker broker) => TestOptions.For(broker.Port) with
    {
        ClientId = broker.Access.PublisherClientId,
        Username = broker.Access.PublisherUserName,
        Password = broker.Access.PublisherPassword,
    };

    [Fact]
    public async Task Publisher_to_embedded_broker_to_subscriber_with_retained_state_kept()
    {
        await using var broker = new EmbeddedBroker(IPAddress.Loopback, 0, Access("test-pub-" + Guid.NewGuid().ToString("N")[..8]));
        await broker.StartAsync();
        Assert.NotEqual(0, broker.Port);
        string root = TestOptions.Root();
        await using var subscriber = await TestSubscriber.ConnectAsync("127.0.0.1", broker.Port, root + "/#");

        await using var publisher = new MqttTelemetryPublisher(Publisher(broker) with
        {
            Online = TelemetryMessage.Utf8(root + "/status", "online", true),
        });
        await publisher.StartAsync();
        publisher.Enqueue(TelemetryMessage.Utf8(root + "/limits/eth0", "{\"used\":3}", retain: true));
        publisher.Enqueue(TelemetryMessage.Utf8(root + "/events", "reload", retain: false));
        Assert.True(await publisher.FlushAsync(TestOptions.Long), publisher.LastError);

        var live = await subscriber.WaitForAsync(m => m.Count >= 3, TestOptions.Long, "3 messages");
        Assert.Equal(["online", "{\"used\":3}", "reload"], live.Select(m => m.Payload));

        await using var late = await TestSubscriber.ConnectAsync("127.0.0.1", broker.Port, root + "/#");
        var retained = await late.WaitForAsync(m => m.Count >= 2, TestOptions.Long, "2 retained messages");
        Assert.Equal([(root + "/limits/eth0", "{\"used\":3}"), (root + "/status", "online")], retained.Select(m => (m.Topic, m.Payload)).OrderBy(t => t.Topic));
        Assert.All(retained, m => Assert.True(m.Retain));

        var held = await broker.RetainedAsync();
        Assert.Contains(held, m => m.Topic == root + "/limits/eth0" && Encoding.UTF8.GetString(m.Payload.Span) == "{\"used\":3}");
    }

    /// <summary>
    /// Issue 14, finding 5: a client of the embedded broker published a retained status and limits
    /// for the device, and took the agent's client id over. Only the publisher publishes now; a
    /// subscriber's publish is dropped and the publisher's id cannot be claimed without its credential.
    /// </summary>
    [Fact]
    public async Task A_subscriber_cannot_forge_a_retained_message_or_take_the_publishers_id()
    {
        string root = TestOptions.Root();
        await using var broker = new EmbeddedBroker(IPAddress.Loopback, 0, Access("policykit-pe-1"));
        await broker.StartAsync();
        await using var publisher = new MqttTelemetryPublisher(Publisher(broker) with { Online = TelemetryMessage.Utf8(root + "/status", "online", true) });
        await publisher.StartAsync();
        Assert.True(await publisher.FlushAsync(TestOptions.Long), publisher.LastError);

        using var forger = new MqttClientFactory().CreateMqttClient();
        await forger.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("forger").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await forger.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(root + "/status").WithPayload("forged").WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await forger.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(root + "/limits/x").WithPayload("forged").WithRetainFlag().Build());
        await Task.Delay(300);
        Assert.Equal(2, broker.DroppedPublishes);

        using var thief = new MqttClientFactory().CreateMqttClient();
        var taken = await thief.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("policykit-pe-1").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, taken.ResultCode);
        Assert.True(publisher.IsConnected);

        await using var reader = await TestSubscriber.ConnectAsync("127.0.0.1", broker.Port, root + "/#");
        var retained = await reader.WaitForAsync(m => m.Count >= 1, TestOptions.Long, "the retained status");
        Assert.Equal([(root + "/status", "online")], retained.Select(m => (m.Topic, m.Payload)));
    }

    [Fact]
    public async Task With_subscriber_credentials_anonymous_and_wrong_passwords_are_refused()
    {
        await using var broker = new EmbeddedBroker(IPAddress.Loopback, 0, Access("policykit-pe-1", "dashboard", "s3cret-Password"));
        await broker.StartAsync();
        async Task<MqttClientConnectResultCode> Connect(string? user, string? password)
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("c-" + Guid.NewGuid().ToString("N")[..8]).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500);
            if (user is not null) options.WithCredentials(user, password);
            try
            {
                return (await client.ConnectAsync(options.Build())).ResultCode;
            }
            catch (Exception e) when (e.GetType().Name == "MqttConnectingFailedException")
            {
                // The refusal's reason code, wherever this MQTTnet version keeps it.
                var code = e.GetType().GetProperty("ResultCode")?.GetValue(e)
                    ?? (e.GetType().GetProperty("Result")?.GetValue(e) as MqttClientConnectResult)?.ResultCode;
                return code is MqttClientConnectResultCode c ? c : MqttClientConnectResultCode.UnspecifiedError;
            }
        }
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await Connect(null, null));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await Connect("dashboard", "wrong"));
        Assert.Equal(MqttClientConnectResultCode.Success, await Connect("dashboard", "s3cret-Password"));
        Assert.Equal(2, broker.RefusedConnections);
        Assert.DoesNotContain("s3cret", broker.Access.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Port_zero_picks_distinct_free_ports_and_a_taken_port_fails_clearly()
    {
        await using var a = new EmbeddedBroker(IPAddress.Loopback, 0, Access("a"));
        await using var b = new EmbeddedBroker(IPAddress.Loopback, 0, Access("b"));
        await a.StartAsync();
        await b.StartAsync();
        Assert.NotEqual(a.Port, b.Port);
        await using var clash = new EmbeddedBroker(IPAddress.Loopback, a.Port, Access("c"));
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(clash.StartAsync);
    }
}
