namespace PolicyKit.Packets.Capture;

/// <summary>
/// One captured packet. <see cref="Data"/> is the captured bytes (the link-layer frame); from
/// <see cref="CaptureReader.TryReadNext"/> it is valid until the next call (the reader reuses its
/// buffer), from <see cref="CaptureReader.ReadAll"/> it is a copy.
/// </summary>
public readonly struct CaptureRecord
{
    public CaptureRecord(long ticks, int? interfaceId, string? interfaceName, LinkType linkType,
        ReadOnlyMemory<byte> data, int originalLength, long offset, int number)
    {
        Ticks = ticks;
        InterfaceId = interfaceId;
        InterfaceName = interfaceName;
        LinkType = linkType;
        Data = data;
        OriginalLength = originalLength;
        Offset = offset;
        Number = number;
    }

    /// <summary>UTC timestamp as <see cref="DateTime"/> ticks (100 ns; finer resolutions are truncated).</summary>
    public long Ticks { get; }

    public DateTime Timestamp => new(Ticks, DateTimeKind.Utc);

    /// <summary>pcapng interface id (the IDB's position in its section); null for classic pcap.</summary>
    public int? InterfaceId { get; }

    /// <summary>pcapng if_name of the interface; null when absent and for classic pcap.</summary>
    public string? InterfaceName { get; }

    public LinkType LinkType { get; }

    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Length of the packet on the wire (may exceed <c>Data.Length</c> when the capture was snapped).</summary>
    public int OriginalLength { get; }

    /// <summary>Byte offset in the file of the record header or block.</summary>
    public long Offset { get; }

    /// <summary>Position of the packet in the file, from 1 (as tshark's frame.number).</summary>
    public int Number { get; }

    public bool IsTruncated => Data.Length < OriginalLength;

    public CaptureRecord WithCopiedData() =>
        new(Ticks, InterfaceId, InterfaceName, LinkType, Data.ToArray(), OriginalLength, Offset, Number);
}
