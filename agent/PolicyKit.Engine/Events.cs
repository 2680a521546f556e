namespace PolicyKit.Engine;

/// <summary>
/// An IGMP/MLD membership report for one group record: the group, the channel source for an
/// SSM (IGMPv3/MLDv2 INCLUDE) join or <see cref="Address.None"/> for an ASM join, the reporting
/// host if known, and the protocol version of the report (IGMP 1–3, MLD 1–2).
/// </summary>
public readonly record struct JoinEvent(InterfaceId Interface, Address Group, Address Source, Address Host, byte Version)
{
    public bool IsSsm => !Source.IsNone;
}

/// <summary>A membership entry that ended: a leave (after the last-member query) or a block of an SSM channel.</summary>
public readonly record struct LeaveEvent(InterfaceId Interface, Address Group, Address Source);

/// <summary>
/// Creation (or refresh) of multicast routing state (S,G), or (*,G) when <see cref="Source"/> is
/// <see cref="Address.None"/>, whose incoming interface is <see cref="Rpf"/>. <see cref="Connected"/>
/// marks a source directly connected to that interface.
/// </summary>
public readonly record struct StateEvent(Address Source, Address Group, InterfaceId Rpf, bool Connected);

/// <summary>An outgoing interface added to (or removed from) the state (S,G): a PIM join or an IGMP receiver downstream.</summary>
public readonly record struct OutputEvent(Address Source, Address Group, InterfaceId Interface);

/// <summary>An MSDP Source-Active message for (S,G) originated by <see cref="Rp"/>, received from (or to be sent to) <see cref="Peer"/>.</summary>
public readonly record struct SaEvent(Address Peer, Address Source, Address Group, Address Rp);

/// <summary>A PIM Register for (S,G): sent by this device as DR and/or received by it as RP.</summary>
public readonly record struct RegisterEvent(Address Source, Address Group);

/// <summary>A BGP route for a prefix announced (or withdrawn) by a peer, as the BMP station sees it.</summary>
public readonly record struct PrefixEvent(Address Peer, Address Network, byte Length);
