namespace PolicyKit.Bmp.Wire;

/// <summary>
/// The address families the station tracks routes for: IPv4 and IPv6 unicast (SAFI 1) and
/// multicast (SAFI 2, the RPF routes of MBGP). Other AFI/SAFIs (VPN, labelled, flowspec, EVPN)
/// are validated at the attribute level and counted, their NLRI not stored.
/// </summary>
public enum RouteFamily : byte
{
    Ipv4Unicast = 0,
    Ipv6Unicast = 1,
    Ipv4Multicast = 2,
    Ipv6Multicast = 3,
}

public static class RouteFamilies
{
    public const int Count = 4;

    public const ushort AfiIpv4 = 1;

    public const ushort AfiIpv6 = 2;

    public static bool TryFrom(ushort afi, byte safi, out RouteFamily family)
    {
        family = default;
        if ((afi != AfiIpv4 && afi != AfiIpv6) || (safi != 1 && safi != 2)) return false;
        family = (RouteFamily)((afi == AfiIpv6 ? 1 : 0) + (safi == 2 ? 2 : 0));
        return true;
    }

    public static bool IsIpv6(this RouteFamily family) => ((int)family & 1) != 0;

    public static bool IsUnicast(this RouteFamily family) => ((int)family & 2) == 0;

    public static int MaxLength(this RouteFamily family) => family.IsIpv6() ? 128 : 32;

    public static string Name(this RouteFamily family) => family switch
    {
        RouteFamily.Ipv4Unicast => "ipv4-unicast",
        RouteFamily.Ipv6Unicast => "ipv6-unicast",
        RouteFamily.Ipv4Multicast => "ipv4-multicast",
        _ => "ipv6-multicast",
    };
}

/// <summary>Per-family ADD-PATH (RFC 7911) receive state as a bit mask over <see cref="RouteFamily"/>.</summary>
[Flags]
public enum AddPathFamilies : byte
{
    None = 0,
    Ipv4Unicast = 1 << RouteFamily.Ipv4Unicast,
    Ipv6Unicast = 1 << RouteFamily.Ipv6Unicast,
    Ipv4Multicast = 1 << RouteFamily.Ipv4Multicast,
    Ipv6Multicast = 1 << RouteFamily.Ipv6Multicast,
}
