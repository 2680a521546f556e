namespace PolicyKit.Telemetry.Tests;

public class OptionsTests
{
    private const string Secret = "hunter2-very-secret";

    [Fact]
    public void ToString_never_shows_the_password()
    {
        var options = new MqttTelemetryOptions { ClientId = "a", Username = "agent", Password = Secret };
        string text = options.ToString();
        Assert.DoesNotContain(Secret, text);
        Assert.Contains("Password = (set)", text);
        Assert.Contains("Username = agent", text);
    }

    [Fact]
    public void Bad_options_are_refused_with_every_problem_named_and_no_secret()
    {
        var options = new MqttTelemetryOptions
        {
            ClientId = "",
            Host = " ",
            Port = 70000,
            Password = Secret,
            BufferCapacity = 0,
            ReconnectMin = TimeSpan.FromSeconds(10),
            ReconnectMax = TimeSpan.FromSeconds(1),
            Tls = new MqttTlsSettings { Enabled = true, CertFile = "/x/client.pem" },
            Will = TelemetryMessage.Utf8("a/+/status", "offline", true),
        };
        var error = Assert.Throws<ArgumentException>(() => new MqttTelemetryPublisher(options));
        foreach (var expected in new[] { "host is empty", "port 70000", "client id is empty", "password is set without a user name",
                     "buffer capacity 0", "reconnect maximum", "ca_file is not set", "cert_file and key_file", "will: the topic" })
            Assert.Contains(expected, error.Message);
        Assert.DoesNotContain(Secret, error.Message);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a/#", "wildcard '#'")]
    [InlineData("a/+/b", "wildcard '+'")]
    [InlineData("a\0b", "NUL")]
    public void Unpublishable_topics_are_named(string topic, string expected)
    {
        Assert.Contains(expected, TelemetryMessage.TopicProblem(topic));
    }

    [Fact]
    public void Publishable_topics_pass()
    {
        Assert.Null(TelemetryMessage.TopicProblem("policykit/v1/site/dev/limits/GigabitEthernet0%2F0"));
        Assert.NotNull(TelemetryMessage.TopicProblem(new string('a', 65536)));
    }
}
