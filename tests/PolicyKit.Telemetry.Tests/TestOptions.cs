namespace PolicyKit.Telemetry.Tests;

internal static class TestOptions
{
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    /// <summary>Publisher options for tests: fast reconnects, unique client id.</summary>
    public static MqttTelemetryOptions For(int port, int capacity = 1000) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        ClientId = "test-pub-" + Guid.NewGuid().ToString("N")[..12],
        BufferCapacity = capacity,
        ReconnectMin = TimeSpan.FromMilliseconds(100),
        ReconnectMax = TimeSpan.FromMilliseconds(500),
        OperationTimeout = TimeSpan.FromSeconds(5),
        KeepAlive = TimeSpan.FromSeconds(10),
    };

    /// <summary>A unique topic root per test, so parallel tests never see each other's messages.</summary>
    public static string Root() => "test/" + Guid.NewGuid().ToString("N")[..12];

    public static int Seq(Received m) => int.Parse(m.Payload);

    /// <summary>
    /// The sequence as a consumer that dedupes by sequence number sees it (a number not above the
    /// highest seen is a redelivery: after a reconnect the messages that were in flight go again,
    /// in order), and how many were dropped as redeliveries.
    /// </summary>
    public static (List<int> Sequence, int Duplicates) Dedupe(IEnumerable<int> numbers)
    {
        var result = new List<int>();
        int duplicates = 0;
        foreach (int n in numbers)
        {
            if (result.Count > 0 && n <= result[^1]) duplicates++;
            else result.Add(n);
        }
        return (result, duplicates);
    }
}
