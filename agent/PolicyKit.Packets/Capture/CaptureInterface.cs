namespace PolicyKit.Packets.Capture;

/// <summary>
/// A capture interface: a pcapng Interface Description Block, or the single implicit interface
/// of a classic pcap file (Id 0, no name).
/// </summary>
public sealed record CaptureInterface(int Id, LinkType LinkType, int SnapLength, string? Name, string? Description)
{
    /// <summary>Timestamp units per second as a divisor: 10^n or 2^n (pcapng if_tsresol; µs when absent).</summary>
    internal UInt128 TicksDivisor { get; init; } = 1_000_000;

    /// <summary>Seconds added to every timestamp (pcapng if_tsoffset).</summary>
    internal long OffsetSeconds { get; init; }

    /// <summary>Units per second of this interface's timestamps (1e6 = µs, 1e9 = ns).</summary>
    public double TimestampUnitsPerSecond => (double)TicksDivisor;
}
