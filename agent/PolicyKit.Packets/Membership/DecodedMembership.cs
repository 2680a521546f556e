namespace PolicyKit.Packets.Membership;

/// <summary>One group record, copied out of the packet.</summary>
public sealed record DecodedGroupRecord(
    int Index,
    byte RawType,
    PacketAddress Group,
    IReadOnlyList<PacketAddress> Sources,
    int AuxDataLength,
    int MaskIndex)
{
    public GroupRecordType Type => (GroupRecordType)RawType;

    public override string ToString() =>
        $"{GroupRecordTypes.ShortName(Type)} {Group} [{string.Join(", ", Sources)}]{(AuxDataLength > 0 ? $" aux {AuxDataLength}" : "")}";
}

/// <summary>
/// A decoded membership message copied out of the packet (allocates): for replay, logs and
/// tests. The per-packet path uses <see cref="MembershipMessage"/> instead.
/// </summary>
public sealed record DecodedMembership(
    IpFamily Family,
    PacketAddress Source,
    PacketAddress Destination,
    MembershipKind Kind,
    int Version,
    byte MessageType,
    PacketAddress Group,
    bool HasRouterAlert,
    byte HopLimit,
    IReadOnlyList<DecodedGroupRecord> Records,
    IReadOnlyList<MembershipChange> Changes,
    int MaskLength)
{
    /// <summary>Decodes an IP packet; null with the status when it is not a (well-formed) membership message.</summary>
    public static DecodedMembership? TryDecode(ReadOnlySpan<byte> packet, out DecodeStatus status,
        DecodeOptions options = DecodeOptions.None)
    {
        status = MembershipDecoder.Decode(packet, out var message, options);
        return status == DecodeStatus.Ok ? From(message) : null;
    }

    internal static DecodedMembership From(scoped in MembershipMessage message)
    {
        var records = new List<DecodedGroupRecord>(message.RecordCount);
        foreach (var r in message.Records)
        {
            var sources = new PacketAddress[r.SourceCount];
            for (var i = 0; i < sources.Length; i++) sources[i] = r.Sources[i];
            records.Add(new DecodedGroupRecord(r.Index, r.RawType, r.Group, sources, r.AuxDataLength, r.MaskIndex));
        }
        var changes = new List<MembershipChange>();
        foreach (var c in message.Changes) changes.Add(c);
        return new DecodedMembership(message.Family, message.Source, message.Destination, message.Kind,
            message.Version, message.MessageType, message.Group, message.HasRouterAlert, (byte)message.HopLimit,
            records, changes, message.MaskLength);
    }

    public override string ToString()
    {
        var protocol = Family == IpFamily.V4 ? "IGMPv" : "MLDv";
        var body = Kind switch
        {
            MembershipKind.RecordReport => $"report {string.Join("; ", Records)}",
            MembershipKind.OtherIgmp => $"type 0x{MessageType:x2}",
            _ => $"{Kind.ToString().ToLowerInvariant()} {Group}",
        };
        return $"{protocol}{Version} {Source} > {Destination} {body}";
    }
}
