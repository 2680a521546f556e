namespace PolicyKit.Engine;

/// <summary>Why a decision denied. <see cref="None"/> for every admit.</summary>
public enum DenyReason : byte
{
    None = 0,

    /// <summary>The event is not well formed (source and group of different families, a group that is not multicast).</summary>
    InvalidEvent,

    /// <summary><c>ip multicast group-range</c>: the group is disabled on the whole router.</summary>
    GroupRange,

    /// <summary>A (*,G) join or state for a group in the SSM range (<c>ip pim ssm range</c>): SSM has no shared trees.</summary>
    SsmRangeNeedsSource,

    /// <summary><c>ip igmp version</c> / <c>ipv6 mld version</c>: the report is older than the interface's minimum.</summary>
    MinimumVersion,

    /// <summary><c>ip igmp access-group</c> / <c>ipv6 mld access-group</c>: the access filter denies the group or channel.</summary>
    AccessFilter,

    /// <summary><c>ip igmp limit N [except]</c> on the interface (or the device's per-interface default) is full.</summary>
    InterfaceLimit,

    /// <summary>The router-wide <c>ip igmp limit</c> / <c>ipv6 mld limit</c> cap is full.</summary>
    RouterLimit,

    /// <summary><c>ip multicast route-limit</c>: the router holds its maximum of multicast routes.</summary>
    RouteLimit,

    /// <summary><c>ip multicast limit [rpf|out|connected] ACL MAX</c> (with costs): this state does not fit.</summary>
    StateLimit,

    /// <summary>An outgoing interface for state that does not exist.</summary>
    NoState,

    /// <summary>An MSDP SA from (or to) an address that is not a configured MSDP peer.</summary>
    UnknownPeer,

    /// <summary><c>ip msdp sa-filter in</c>: the SA is not accepted from this peer.</summary>
    SaFilterIn,

    /// <summary><c>ip msdp sa-filter out</c>: the SA is not sent to this peer.</summary>
    SaFilterOut,

    /// <summary><c>ip msdp sa-limit</c>: the peer's SA cache share is full.</summary>
    SaLimit,

    /// <summary><c>ip pim accept-register</c>: the RP answers this register with a Register-Stop.</summary>
    AcceptRegister,

    /// <summary><c>ip pim register-rate-limit</c>: no token left in this (S,G)'s bucket.</summary>
    RegisterRate,

    /// <summary><c>neighbor … prefix-list … in</c>: the inbound prefix filter denies the prefix.</summary>
    PrefixFilter,

    /// <summary><c>neighbor … maximum-prefix</c>: one prefix more than the maximum (the router tears the session down).</summary>
    MaxPrefix,

    /// <summary><c>ip msdp redistribute</c>: this RP does not announce the local source in an SA.</summary>
    SaRedistribute,
}
