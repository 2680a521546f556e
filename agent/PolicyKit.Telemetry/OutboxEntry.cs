namespace PolicyKit.Telemetry;

/// <summary>
/// A queued message with its sequence number: the n-th message ever enqueued has sequence n
/// (from 1). The sequence lets the sender acknowledge exactly the message it sent, even if that
/// message was meanwhile pushed out by overflow.
/// </summary>
public readonly record struct OutboxEntry(long Sequence, TelemetryMessage Message);
