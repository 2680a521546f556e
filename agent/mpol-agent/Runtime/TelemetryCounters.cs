namespace PolicyKit.Agent.Runtime;

/// <summary>What the telemetry transport reports about itself, for the status payload and endpoint.</summary>
public readonly record struct TelemetryCounters(bool Connected, long Buffered, long Dropped, long Published, string? LastError);
