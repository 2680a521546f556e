namespace PolicyKit.Packets.Membership;

/// <summary>What a decoded IGMP or MLD message is.</summary>
public enum MembershipKind : byte
{
    None = 0,
    /// <summary>IGMPv1/v2 membership report, MLDv1 report (ICMPv6 131): a join of (*,<see cref="MembershipMessage.Group"/>).</summary>
    Report,
    /// <summary>IGMPv2 leave group, MLDv1 done (ICMPv6 132): a leave of (*,<see cref="MembershipMessage.Group"/>).</summary>
    Leave,
    /// <summary>IGMPv3 report (0x22) or MLDv2 report (ICMPv6 143): group records.</summary>
    RecordReport,
    /// <summary>IGMP membership query (v1, v2 or v3) or MLD query (v1 or v2); Group is :: / 0.0.0.0 for a general query.</summary>
    Query,
    /// <summary>Another IGMP type (DVMRP 0x13, PIMv1 0x14, mtrace, multicast router discovery…), checksum verified; <see cref="MembershipMessage.MessageType"/> holds it.</summary>
    OtherIgmp,
}
