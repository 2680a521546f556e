using PolicyKit.Testing;

namespace PolicyKit.Telemetry.Tests;

/// <summary>mosquitto with allow_anonymous false and a password file.</summary>
public sealed class PasswordTests : IDisposable
{
    private const string User = "agent-7";
    private const string RightPassword = "Corr3ct-Horse-Battery";
    private const string WrongPassword = "Wr0ng-Guess-Staple";
    private readonly MosquittoBroker _broker = new();

    public PasswordTests()
    {
        string passwords = _broker.WriteFile("passwd", User + ":" + MosquittoBroker.PasswordHash(RightPassword) + "\n");
        _broker.Start($"allow_anonymous false\npassword_file {passwords}");
    }

    public void Dispose() => _broker.Dispose();

    [Fact]
    public async Task Right_password_connects_and_the_password_is_never_logged()
    {
        var logger = new CapturingLogger();
        string topic = TestOptions.Root() + "/auth";
        await using var publisher = new MqttTelemetryPublisher(TestOptions.For(_broker.Port) with { Username = User, Password = RightPassword }, logger);
        await publisher.StartAsync();
        publisher.Enqueue(TelemetryMessage.Utf8(topic, "hello", false));
        Assert.True(await publisher.FlushAsync(TestOptions.Long), "not published: " + publisher.LastError);
        Assert.True(await publisher.StopAsync(null, TestOptions.Long));
        Assert.Contains(logger.Lines, l => l.Text.Contains("connected to 127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(RightPassword, logger.All);
    }

    [Fact]
    public async Task Wrong_password_is_a_clear_error_logged_once_without_the_password()
    {
        var logger = new CapturingLogger();
        await using var publisher = new MqttTelemetryPublisher(TestOptions.For(_broker.Port) with { Username = User, Password = WrongPassword }, logger);
        await publisher.StartAsync();
        publisher.Enqueue(TelemetryMessage.Utf8("t/auth", "x", false));

        // Several refused attempts (100–500 ms backoff) …
        await Wait.UntilAsync(() => CountOf(_broker.Log(), "New connection from") >= 3, TestOptions.Long, "3 connection attempts");
        // … one clear error, logged once.
        Assert.Equal("broker refused: not authorized (wrong user name or password, or this user may not connect)", publisher.LastError);
        Assert.False(publisher.IsConnected);
        Assert.Equal(0, publisher.Published);
        Assert.Single(logger.Warnings);
        Assert.Contains("wrong user name or password", logger.Warnings[0]);
        Assert.DoesNotContain(WrongPassword, logger.All);
        Assert.DoesNotContain(WrongPassword, publisher.LastError);
        Assert.DoesNotContain(WrongPassword, publisher.ToString());
    }

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
