namespace PolicyKit.Packets.Membership;

/// <summary>IGMPv3 (RFC 3376 §4.2.12) and MLDv2 (RFC 3810 §5.2.12) group record types.</summary>
public enum GroupRecordType : byte
{
    /// <summary>Current state: the host is in INCLUDE mode for these sources.</summary>
    ModeIsInclude = 1,
    /// <summary>Current state: the host is in EXCLUDE mode, excluding these sources (an ASM join).</summary>
    ModeIsExclude = 2,
    /// <summary>Filter change to INCLUDE these sources; with no sources this is a leave (TO_IN({})).</summary>
    ChangeToInclude = 3,
    /// <summary>Filter change to EXCLUDE these sources (an ASM join).</summary>
    ChangeToExclude = 4,
    /// <summary>Source list change: the host now wants these sources too.</summary>
    AllowNewSources = 5,
    /// <summary>Source list change: the host no longer wants these sources.</summary>
    BlockOldSources = 6,
}

public static class GroupRecordTypes
{
    /// <summary>Types 1..6; other values must be ignored by a router (RFC 3376 §4.2.12).</summary>
    public static bool IsKnown(byte type) => type is >= 1 and <= 6;

    /// <summary>EXCLUDE-mode records (IS_EX, TO_EX): an ASM join whose listed sources are exclusions.</summary>
    public static bool IsAsmJoin(GroupRecordType type) => type is GroupRecordType.ModeIsExclude or GroupRecordType.ChangeToExclude;

    /// <summary>Records that mean nothing without sources (IS_IN, ALLOW, BLOCK): removed whole when all their sources are removed.</summary>
    public static bool NeedsSources(GroupRecordType type) =>
        type is GroupRecordType.ModeIsInclude or GroupRecordType.AllowNewSources or GroupRecordType.BlockOldSources;

    /// <summary>The short names tcpdump and the RFCs use: is_in, is_ex, to_in, to_ex, allow, block.</summary>
    public static string ShortName(GroupRecordType type) => type switch
    {
        GroupRecordType.ModeIsInclude => "is_in",
        GroupRecordType.ModeIsExclude => "is_ex",
        GroupRecordType.ChangeToInclude => "to_in",
        GroupRecordType.ChangeToExclude => "to_ex",
        GroupRecordType.AllowNewSources => "allow",
        GroupRecordType.BlockOldSources => "block",
        _ => $"type{(byte)type}",
    };
}
