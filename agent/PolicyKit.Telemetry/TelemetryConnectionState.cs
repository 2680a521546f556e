namespace PolicyKit.Telemetry;

/// <summary>A change of the publisher's connection: now connected or not, and why not (one line, no secrets).</summary>
public sealed record TelemetryConnectionState(bool IsConnected, string? Error);
