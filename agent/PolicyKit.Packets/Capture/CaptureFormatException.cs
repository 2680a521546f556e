namespace PolicyKit.Packets.Capture;

/// <summary>
/// A capture file is corrupt, truncated or of a format this reader does not know. Says where:
/// <see cref="Offset"/> is the byte offset in the file of the header or block found wrong.
/// Records read before the damage have already been delivered.
/// </summary>
public sealed class CaptureFormatException : Exception
{
    public CaptureFormatException(string message, long offset)
        : base($"{message} (at byte offset {offset})")
    {
        Offset = offset;
        Reason = message;
    }

    public long Offset { get; }

    /// <summary>The message without the offset.</summary>
    public string Reason { get; }
}
