namespace PolicyKit.Bmp.Wire;

/// <summary>BMP v3 message types (RFC 7854 §4.1).</summary>
public enum BmpMessageType : byte
{
    RouteMonitoring = 0,
    StatisticsReport = 1,
    PeerDown = 2,
    PeerUp = 3,
    Initiation = 4,
    Termination = 5,
    RouteMirroring = 6,
}

/// <summary>The peer types of the per-peer header (RFC 7854 §4.2, RFC 9069 for Loc-RIB).</summary>
public enum BmpPeerType : byte
{
    Global = 0,
    RdInstance = 1,
    LocalInstance = 2,
    LocRib = 3,
}

/// <summary>Which table of the monitored router a route monitoring message reports.</summary>
public enum RibView : byte
{
    /// <summary>Adj-RIB-In before inbound policy (L flag clear).</summary>
    AdjRibInPre = 0,

    /// <summary>Adj-RIB-In after inbound policy (L flag set).</summary>
    AdjRibInPost = 1,

    /// <summary>Adj-RIB-Out before outbound policy (RFC 8671: O flag set, L clear).</summary>
    AdjRibOutPre = 2,

    /// <summary>Adj-RIB-Out after outbound policy (RFC 8671: O and L set).</summary>
    AdjRibOutPost = 3,

    /// <summary>The router's Loc-RIB (RFC 9069: peer type 3).</summary>
    LocRib = 4,
}

/// <summary>Wire constants of BMP v3.</summary>
public static class BmpWire
{
    public const byte Version = 3;

    public const int CommonHeaderLength = 6;

    public const int PerPeerHeaderLength = 42;

    /// <summary>Per-peer header flags (RFC 7854 §4.2; RFC 8671 adds O).</summary>
    public const byte FlagIpv6 = 0x80;

    public const byte FlagPostPolicy = 0x40;

    /// <summary>A flag: the AS_PATH carried is in the legacy 2-octet format.</summary>
    public const byte FlagLegacyAsPath = 0x20;

    public const byte FlagAdjRibOut = 0x10;

    /// <summary>RFC 9069: on a Loc-RIB peer header, F = the Loc-RIB is filtered.</summary>
    public const byte FlagLocRibFiltered = 0x80;
}
