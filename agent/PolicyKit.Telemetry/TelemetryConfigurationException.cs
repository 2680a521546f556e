namespace PolicyKit.Telemetry;

/// <summary>
/// A problem with the publisher's configuration found while connecting (an unreadable CA,
/// certificate or key file). The message is one clear line without secrets.
/// </summary>
public sealed class TelemetryConfigurationException(string message) : Exception(message);
