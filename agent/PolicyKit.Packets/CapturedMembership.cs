using PolicyKit.Packets.Capture;
using PolicyKit.Packets.Membership;

namespace PolicyKit.Packets;

/// <summary>
/// An IGMP/MLD message found in a capture, with where and when it was seen. <see cref="Message"/>
/// is null when <see cref="Status"/> is not <see cref="DecodeStatus.Ok"/> (a malformed packet,
/// reported so replay can count it).
/// </summary>
public sealed record CapturedMembership(
    int Number,
    long Offset,
    DateTime Timestamp,
    int? InterfaceId,
    string? InterfaceName,
    int IfIndex,
    int VlanId,
    LinkPacketType PacketType,
    DecodeStatus Status,
    DecodedMembership? Message)
{
    public override string ToString() =>
        $"#{Number} {Timestamp:O} {InterfaceName ?? (IfIndex >= 0 ? $"ifindex {IfIndex}" : "-")} " +
        (Message?.ToString() ?? $"malformed: {Status.Describe()}");
}
