namespace PolicyKit.Agent.Replay;

/// <summary>A trace file that cannot be read; the message starts with file:line:col (or file#packet).</summary>
public sealed class TraceFormatException(string message) : Exception(message);
