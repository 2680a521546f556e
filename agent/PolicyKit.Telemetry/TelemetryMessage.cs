using System.Text;

namespace PolicyKit.Telemetry;

/// <summary>
/// One already-composed telemetry message: topic, payload bytes and whether the broker should
/// keep it as the topic's retained state. Always published with QoS 1 (at least once).
/// </summary>
public sealed record TelemetryMessage(string Topic, ReadOnlyMemory<byte> Payload, bool Retain)
{
    /// <summary>MQTT's limit for a topic name in UTF-8 bytes (a two-byte length prefix).</summary>
    public const int MaxTopicBytes = 65535;

    /// <summary>A message whose payload is <paramref name="payload"/> in UTF-8.</summary>
    public static TelemetryMessage Utf8(string topic, string payload, bool retain) =>
        new(topic, Encoding.UTF8.GetBytes(payload), retain);

    /// <summary>
    /// Why <paramref name="topic"/> cannot be published to, or null when it can. Checked before a
    /// message is queued: a message the broker would refuse must not block the queue behind it.
    /// </summary>
    public static string? TopicProblem(string? topic)
    {
        if (string.IsNullOrEmpty(topic)) return "the topic is empty";
        foreach (char c in topic)
        {
            if (c is '+' or '#') return $"the topic \"{Shorten(topic)}\" contains the wildcard '{c}' (not allowed when publishing)";
            if (c == '\0') return $"the topic \"{Shorten(topic)}\" contains a NUL character";
        }
        if (Encoding.UTF8.GetByteCount(topic) > MaxTopicBytes) return $"the topic is longer than {MaxTopicBytes} bytes";
        return null;
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
