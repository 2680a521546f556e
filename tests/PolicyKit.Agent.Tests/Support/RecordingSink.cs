using System.Text;
using System.Text.Json;
using PolicyKit.Agent.Telemetry;

namespace PolicyKit.Agent.Tests.Support;

/// <summary>A telemetry sink that keeps what was published, as a broker would: retained topics by name, everything in order.</summary>
internal sealed class RecordingSink : ITelemetrySink
{
    private readonly Lock _lock = new();

    public List<(string Topic, string Payload, bool Retain)> Messages { get; } = [];

    public Dictionary<string, string> Retained { get; } = new(StringComparer.Ordinal);

    public void Publish(string topic, byte[] payload, bool retain)
    {
        lock (_lock)
        {
            string text = Encoding.UTF8.GetString(payload);
            Messages.Add((topic, text, retain));
            if (retain)
            {
                if (payload.Length == 0) Retained.Remove(topic);
                else Retained[topic] = text;
            }
        }
    }

    public List<JsonElement> Events(string topic, string type)
    {
        lock (_lock)
        {
            return Messages.Where(m => m.Topic == topic && !m.Retain)
                .Select(m => JsonDocument.Parse(m.Payload).RootElement)
                .Where(e => e.GetProperty("type").GetString() == type).ToList();
        }
    }
}
