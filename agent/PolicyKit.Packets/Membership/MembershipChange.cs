namespace PolicyKit.Packets.Membership;

/// <summary>
/// One membership change a message means: a join or leave of (*,G) (<see cref="Source"/> is
/// <see cref="PacketAddress.None"/>) or of (S,G). Carries where it came from — the record and
/// source index, and the keep-mask slot that decides it — so a caller can deny it alone and
/// have <see cref="ReportRewriter"/> remove just that item.
/// </summary>
public readonly record struct MembershipChange(
    ChangeKind Kind,
    PacketAddress Group,
    PacketAddress Source,
    int RecordIndex,
    int SourceIndex,
    int MaskIndex,
    GroupRecordType RecordType)
{
    /// <summary>A (*,G) change: any-source multicast.</summary>
    public bool IsAsm => Source.IsNone;

    /// <summary>False for IGMPv1/v2 reports and leaves and MLDv1 reports and dones (they have no records; <see cref="RecordType"/> is 0).</summary>
    public bool IsFromRecord => RecordType != 0;

    public override string ToString() =>
        $"{(Kind == ChangeKind.Join ? "join" : "leave")}({Source},{Group}) [record {RecordIndex}, source {SourceIndex}, slot {MaskIndex}]";
}
