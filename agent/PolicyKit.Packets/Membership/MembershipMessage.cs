using System.Buffers.Binary;

namespace PolicyKit.Packets.Membership;

/// <summary>
/// A decoded IGMP or MLD message: a view over the packet's bytes (no copy, no allocation), made by
/// <see cref="MembershipDecoder.Decode"/>. Small (offsets and counts); addresses are read from the
/// packet when asked for. Valid while the packet's buffer is unchanged: an in-place
/// <see cref="ReportRewriter.Rewrite"/> invalidates it.
/// <para>Group records are walked with <see cref="Records"/>, membership changes (the semantics)
/// with <see cref="Changes"/>; both are allocation-free ref-struct enumerators.
/// <see cref="ToDecoded"/> makes an allocating copy for replay and logs.</para>
/// <para>Keep mask: a report has <see cref="MaskLength"/> slots, one per record followed by one
/// per source of that record (record r's slot is <see cref="GroupRecord.MaskIndex"/>, its source s
/// is <c>MaskIndex + 1 + s</c>); an IGMPv1/v2 report or leave and an MLDv1 report or done have one
/// slot (0); queries and other messages none. Each <see cref="MembershipChange"/> carries the slot
/// that decides it.</para>
/// </summary>
public readonly ref struct MembershipMessage
{
    private readonly ReadOnlySpan<byte> _packet;
    private readonly IpLayout _ip;

    internal MembershipMessage(
        ReadOnlySpan<byte> packet, scoped in IpLayout ip, MembershipKind kind, int version, byte messageType,
        int recordCount, int maskLength, int querySourceCount, int recordsEnd)
    {
        _packet = packet;
        _ip = ip;
        Kind = kind;
        Version = (byte)version;
        MessageType = messageType;
        RecordCount = recordCount;
        MaskLength = maskLength;
        QuerySourceCount = querySourceCount;
        RecordsEnd = recordsEnd;
    }

    /// <summary>The IP packet, trimmed to its IP length (link-layer padding removed).</summary>
    public ReadOnlySpan<byte> Packet => _packet;

    /// <summary>The IGMP message or ICMPv6 (MLD) message.</summary>
    public ReadOnlySpan<byte> Message => _packet.Slice(_ip.PayloadOffset, _ip.PayloadLength);

    /// <summary>The IP header(s): addresses, hop limit, Router Alert, offsets.</summary>
    public IpHeader Ip => IpHeader.FromLayout(_packet, _ip);

    public IpFamily Family => _ip.Family;

    /// <summary>The reporting host (IP source).</summary>
    public PacketAddress Source => _ip.Family == IpFamily.V4
        ? PacketAddress.Read(IpFamily.V4, _packet[12..])
        : PacketAddress.Read(IpFamily.V6, _packet[8..]);

    /// <summary>IP destination (224.0.0.22 / ff02::16 for v3/v2 reports, the group for v1/v2 reports, 224.0.0.2 / ff02::2 for leaves).</summary>
    public PacketAddress Destination => _ip.Family == IpFamily.V4
        ? PacketAddress.Read(IpFamily.V4, _packet[16..])
        : PacketAddress.Read(IpFamily.V6, _packet[24..]);

    /// <summary>IPv4 TTL / IPv6 hop limit (1 for IGMP and MLD as hosts send them).</summary>
    public int HopLimit => _ip.HopLimit;

    /// <summary>An IP Router Alert option is present (IPv4 option, IPv6 hop-by-hop option).</summary>
    public bool HasRouterAlert => _ip.RouterAlert;

    public MembershipKind Kind { get; }

    /// <summary>IGMP 1, 2 or 3; MLD 1 or 2; 0 for <see cref="MembershipKind.OtherIgmp"/>.</summary>
    public int Version { get; }

    /// <summary>The IGMP type (0x11, 0x12, 0x16, 0x17, 0x22, …) or ICMPv6 type (130, 131, 132, 143).</summary>
    public byte MessageType { get; }

    /// <summary>The group of a v1/v2 report, leave or done, or of a query (0.0.0.0 / :: for a general query); <see cref="PacketAddress.None"/> for record reports and other IGMP.</summary>
    public PacketAddress Group => Kind is MembershipKind.Report or MembershipKind.Leave or MembershipKind.Query
        ? (_ip.Family == IpFamily.V4
            ? PacketAddress.Read(IpFamily.V4, _packet[(_ip.PayloadOffset + 4)..])
            : PacketAddress.Read(IpFamily.V6, _packet[(_ip.PayloadOffset + 8)..]))
        : PacketAddress.None;

    /// <summary>Number of group records (record reports only).</summary>
    public int RecordCount { get; }

    /// <summary>Number of keep-mask slots (see the type's summary).</summary>
    public int MaskLength { get; }

    /// <summary>Number of sources of an IGMPv3 or MLDv2 group-and-source-specific query.</summary>
    public int QuerySourceCount { get; }

    /// <summary>Offset in <see cref="Packet"/> just after the last group record (where any additional data starts).</summary>
    internal int RecordsEnd { get; }

    internal int MessageOffset => _ip.PayloadOffset;

    internal int IpHeaderLength => _ip.HeaderLength;

    public bool IsIgmp => Family == IpFamily.V4;

    public bool IsMld => Family == IpFamily.V6;

    /// <summary>A report of any version (v1/v2 report or v3/MLDv2 record report).</summary>
    public bool IsReport => Kind is MembershipKind.Report or MembershipKind.RecordReport;

    /// <summary>The group records of a record report (empty otherwise).</summary>
    public GroupRecordEnumerator Records => Kind == MembershipKind.RecordReport
        ? new GroupRecordEnumerator(_packet, Family, _ip.PayloadOffset + 8, RecordCount)
        : new GroupRecordEnumerator(_packet, Family, 0, 0);

    /// <summary>The membership changes this message means (see <see cref="MembershipSemantics"/>).</summary>
    public MembershipChangeEnumerator Changes => new(this);

    /// <summary>The sources of a group-and-source-specific query, as addresses.</summary>
    public SourceList QuerySources => Kind == MembershipKind.Query && QuerySourceCount > 0
        ? new SourceList(Message.Slice(Family == IpFamily.V4 ? 12 : 28), Family, QuerySourceCount)
        : default;

    /// <summary>IGMPv3/MLDv2 query Max Resp Code, IGMPv2 Max Resp Time, MLDv1 Maximum Response Delay (raw field).</summary>
    public int MaxResponseCode => Kind != MembershipKind.Query ? 0
        : Family == IpFamily.V4 ? Message[1] : BinaryPrimitives.ReadUInt16BigEndian(Message[4..]);

    /// <summary>An allocating copy: records, sources and changes as lists.</summary>
    public DecodedMembership ToDecoded() => DecodedMembership.From(this);
}
