using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using PolicyKit.Testing;

namespace PolicyKit.Telemetry.Tests;

/// <summary>mosquitto with a mutual-TLS listener (require_certificate) and certificates made here.</summary>
public sealed class MutualTlsTests : IDisposable
{
    private readonly MosquittoBroker _broker = new();
    private readonly TestCertificates _pki;

    public MutualTlsTests()
    {
        _pki = TestCertificates.Create(_broker.Directory);
        _broker.Start(string.Join('\n',
            $"cafile {_pki.CaFile}",
            $"certfile {_pki.ServerCertFile}",
            $"keyfile {_pki.ServerKeyFile}",
            "require_certificate true",
            "tls_version tlsv1.2",
            "allow_anonymous true"));
    }

    public void Dispose() => _broker.Dispose();

    private MqttTelemetryOptions Options(string caFile, bool clientCert = true, string? serverName = null) => TestOptions.For(_broker.Port) with
    {
        Tls = new MqttTlsSettings
        {
            Enabled = true,
            CaFile = caFile,
            CertFile = clientCert ? _pki.ClientCertFile : null,
            KeyFile = clientCert ? _pki.ClientKeyFile : null,
            ServerName = serverName,
        },
    };

    private Task<TestSubscriber> TlsSubscriberAsync(string topic) =>
        TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, topic, b => b.WithTlsOptions(new MqttClientTlsOptionsBuilder()
            .UseTls(true)
            .WithTargetHost("127.0.0.1")
            .WithClientCertificates(new X509Certificate2Collection(X509Certificate2.CreateFromPemFile(_pki.ClientCertFile, _pki.ClientKeyFile)))
            .WithCertificateValidationHandler(_ => true)   // the test's own subscriber; the publisher is what is checked
            .Build()));

    private static async Task<string> FirstErrorAsync(MqttTelemetryPublisher publisher)
    {
        await Wait.UntilAsync(() => publisher.LastError is not null, TestOptions.Long, "an error");
        await Task.Delay(500);   // a refused client must stay unconnected
        Assert.False(publisher.IsConnected);
        Assert.Equal(0, publisher.Published);
        return publisher.LastError!;
    }

    [Fact]
    public async Task Publisher_with_client_certificate_connects_and_publishes()
    {
        string topic = TestOptions.Root() + "/tls";
        await using var subscriber = await TlsSubscriberAsync(topic);
        await using var publisher = new MqttTelemetryPublisher(Options(_pki.CaFile));
        await publisher.StartAsync();
        publisher.Enqueue(TelemetryMessage.Utf8(topic, "over mTLS", retain: false));
        Assert.True(await publisher.FlushAsync(TestOptions.Long), "not published: " + publisher.LastError);
        var received = await subscriber.WaitForAsync(m => m.Count >= 1, TestOptions.Long, "the message");
        Assert.Equal("over mTLS", received[0].Payload);
        Assert.Null(publisher.LastError);
    }

    [Fact]
    public async Task A_burst_over_TLS_arrives_complete_and_in_order()
    {
        // Many PUBLISHes in flight share TLS records (the coalescing channel writes them together
        // through the SslStream): the broker must still read every one, in order. Fewer than
        // mosquitto's max_queued_messages (1000), which a slow subscriber would otherwise hit.
        string topic = TestOptions.Root() + "/tls-burst";
        await using var subscriber = await TlsSubscriberAsync(topic);
        const int count = 900;
        await using var publisher = new MqttTelemetryPublisher(Options(_pki.CaFile) with { MaxInFlight = 256, BufferCapacity = count });
        await publisher.StartAsync();
        for (int i = 1; i <= count; i++) Assert.True(publisher.Enqueue(TelemetryMessage.Utf8(topic, i.ToString(), retain: false)));
        Assert.True(await publisher.FlushAsync(TestOptions.Long), "not published: " + publisher.LastError);
        var received = await subscriber.WaitForAsync(m => m.Count >= count, TestOptions.Long, $"{count} messages");
        Assert.Equal(Enumerable.Range(1, count), received.Select(TestOptions.Seq));
        Assert.Equal(count, publisher.Published);
        Assert.Equal(0, publisher.Dropped);
        Assert.Null(publisher.LastError);
    }

    [Fact]
    public async Task Broker_certificate_from_another_CA_is_refused_with_the_CA_named()
    {
        await using var publisher = new MqttTelemetryPublisher(Options(_pki.OtherCaFile));
        await publisher.StartAsync();
        publisher.Enqueue(TelemetryMessage.Utf8("t/tls", "x", false));
        string error = await FirstErrorAsync(publisher);
        Assert.Equal($"TLS: the broker's certificate (CN=mqtt test broker) is not signed by the CA in ca_file {_pki.OtherCaFile}", error);
    }

    [Fact]
    public async Task Broker_certificate_for_another_name_is_refused_with_the_names()
    {
        await using var publisher = new MqttTelemetryPublisher(Options(_pki.CaFile, serverName: "broker.example"));
        await publisher.StartAsync();
        string error = await FirstErrorAsync(publisher);
        Assert.Equal("TLS: the broker's certificate does not name broker.example (it names IP:127.0.0.1); set server_name to one of them", error);
    }

    [Fact]
    public async Task Publisher_without_client_certificate_is_refused()
    {
        await using var publisher = new MqttTelemetryPublisher(Options(_pki.CaFile, clientCert: false));
        await publisher.StartAsync();
        publisher.Enqueue(TelemetryMessage.Utf8("t/tls", "x", false));
        string error = await FirstErrorAsync(publisher);
        Assert.True(error.StartsWith("TLS: ", StringComparison.Ordinal), error);
        Assert.True(error.Contains("client certificate", StringComparison.Ordinal), error);
        Assert.Equal(1, publisher.Buffered);
        // The broker's side of the story: OpenSSL refused the handshake for want of a certificate.
        await Wait.UntilAsync(() => _broker.Log().Split('\n').Any(l => l.Contains("OpenSSL", StringComparison.Ordinal) && l.Contains("certificate", StringComparison.Ordinal)),
            TestOptions.Long, () => "no OpenSSL certificate error in the broker log: " + _broker.Log()[^Math.Min(600, _broker.Log().Length)..]);
    }

    [Fact]
    public async Task Client_certificate_from_another_CA_is_refused()
    {
        var options = Options(_pki.CaFile) with
        {
            Tls = new MqttTlsSettings { Enabled = true, CaFile = _pki.CaFile, CertFile = _pki.OtherClientCertFile, KeyFile = _pki.OtherClientKeyFile },
        };
        await using var publisher = new MqttTelemetryPublisher(options);
        await publisher.StartAsync();
        string error = await FirstErrorAsync(publisher);
        Assert.True(error.StartsWith("TLS: ", StringComparison.Ordinal), error);
        Assert.True(error.Contains(_pki.OtherClientCertFile, StringComparison.Ordinal), error);
    }

    [Fact]
    public async Task Unreadable_ca_file_is_a_clear_error()
    {
        string missing = Path.Combine(_broker.Directory, "no-such-ca.pem");
        await using var publisher = new MqttTelemetryPublisher(Options(missing));
        await publisher.StartAsync();
        string error = await FirstErrorAsync(publisher);
        Assert.StartsWith($"TLS: cannot read ca_file {missing}: ", error);
    }
}
