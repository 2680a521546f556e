namespace PolicyKit.Packets.Capture;

public enum CaptureFormat : byte
{
    /// <summary>Classic libpcap format (either byte order, microsecond or nanosecond timestamps).</summary>
    Pcap = 1,
    /// <summary>pcapng (sections in either byte order).</summary>
    PcapNg = 2,
}
