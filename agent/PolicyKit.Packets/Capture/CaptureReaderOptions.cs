namespace PolicyKit.Packets.Capture;

public sealed record CaptureReaderOptions
{
    public static readonly CaptureReaderOptions Default = new();

    /// <summary>
    /// Largest pcap record or pcapng block accepted (bytes). Larger declared lengths are a
    /// <see cref="CaptureFormatException"/> before any read; default 16 MiB (snap lengths are at
    /// most 256 KiB in practice).
    /// </summary>
    public int MaxRecordLength { get; init; } = 16 * 1024 * 1024;
}
