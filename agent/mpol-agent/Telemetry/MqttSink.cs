using PolicyKit.Telemetry;

namespace PolicyKit.Agent.Telemetry;

/// <summary>Telemetry to MQTT through the transport's bounded outbox (never blocks; QoS 1; dropped-oldest counted there).</summary>
internal sealed class MqttSink(MqttTelemetryPublisher publisher) : ITelemetrySink
{
    public void Publish(string topic, byte[] payload, bool retain) => publisher.Enqueue(new TelemetryMessage(topic, payload, retain));
}

/// <summary>Telemetry switched off (mqtt.enabled = false): the status endpoint still shows everything.</summary>
internal sealed class NullSink : ITelemetrySink
{
    public void Publish(string topic, byte[] payload, bool retain)
    {
    }
}
