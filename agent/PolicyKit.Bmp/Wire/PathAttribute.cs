namespace PolicyKit.Bmp.Wire;

/// <summary>Path attribute type codes the decoder checks (IANA BGP Path Attributes).</summary>
public static class PathAttribute
{
    public const byte Origin = 1;
    public const byte AsPath = 2;
    public const byte NextHop = 3;
    public const byte Med = 4;
    public const byte LocalPref = 5;
    public const byte AtomicAggregate = 6;
    public const byte Aggregator = 7;
    public const byte Communities = 8;
    public const byte OriginatorId = 9;
    public const byte ClusterList = 10;
    public const byte MpReach = 14;
    public const byte MpUnreach = 15;
    public const byte ExtendedCommunities = 16;
    public const byte As4Path = 17;
    public const byte As4Aggregator = 18;
    public const byte LargeCommunities = 32;
    public const byte OnlyToCustomer = 35;

    public const byte FlagOptional = 0x80;
    public const byte FlagTransitive = 0x40;
    public const byte FlagPartial = 0x20;
    public const byte FlagExtendedLength = 0x10;

    /// <summary>The optional and transitive bits an attribute must carry, or -1 for a code the decoder does not know.</summary>
    public static int ExpectedFlags(byte code) => code switch
    {
        Origin or AsPath or NextHop or LocalPref or AtomicAggregate => FlagTransitive,
        Med or OriginatorId or ClusterList or MpReach or MpUnreach => FlagOptional,
        Aggregator or Communities or ExtendedCommunities or As4Path or As4Aggregator or LargeCommunities or OnlyToCustomer => FlagOptional | FlagTransitive,
        _ => -1,
    };
}
