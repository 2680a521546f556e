namespace PolicyKit.Agent.Telemetry;

/// <summary>
/// Where composed telemetry goes. The MQTT publisher implements it (buffering, reconnects and QoS
/// are its business); tests and `--no-mqtt` runs use other sinks. Must not block.
/// </summary>
public interface ITelemetrySink
{
    void Publish(string topic, byte[] payload, bool retain);
}
