using System.Globalization;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Nftables;

/// <summary>How nftables rules write families, protocols and IGMP/MLD message types.</summary>
public static class NftSyntax
{
    /// <summary>The address expression keyword of a family: ip or ip6.</summary>
    public static string Ip(IpFamily family) => family == IpFamily.V4 ? "ip" : "ip6";

    /// <summary>The set element type of a family: ipv4_addr or ipv6_addr.</summary>
    public static string AddrType(IpFamily family) => family == IpFamily.V4 ? "ipv4_addr" : "ipv6_addr";

    public static string Suffix(IpFamily family) => family == IpFamily.V4 ? "v4" : "v6";

    /// <summary>ALL-PIM-ROUTERS, where hellos, joins/prunes, asserts and BSR messages are sent.</summary>
    public static string AllPimRouters(IpFamily family) => family == IpFamily.V4 ? "224.0.0.13" : "ff02::d";

    /// <summary>
    /// IGMP type as nft writes it: its keyword where nft has one, else the IANA number (nft
    /// lists numbers in decimal; 0x14 is written 20).
    /// </summary>
    public static string IgmpType(IgmpMessageType type) => type switch
    {
        IgmpMessageType.Query => "membership-query",
        IgmpMessageType.ReportV1 => "membership-report-v1",
        IgmpMessageType.ReportV2 => "membership-report-v2",
        IgmpMessageType.ReportV3 => "membership-report-v3",
        IgmpMessageType.Leave => "leave-group",
        _ => ((int)type).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The policy keyword of an IGMP type (for comments).</summary>
    public static string IgmpTypeName(IgmpMessageType type) => type switch
    {
        IgmpMessageType.Query => "query",
        IgmpMessageType.ReportV1 => "report-v1",
        IgmpMessageType.ReportV2 => "report-v2",
        IgmpMessageType.ReportV3 => "report-v3",
        IgmpMessageType.Leave => "leave",
        IgmpMessageType.PimV1 => "pim-v1",
        IgmpMessageType.Dvmrp => "dvmrp",
        IgmpMessageType.Mtrace => "mtrace",
        _ => "mtrace-response",
    };

    /// <summary>
    /// The MLD (ICMPv6) counterpart of an IGMP type for <c>mld { control … }</c>: a query is an MLD
    /// query (130), an IGMPv2 report an MLDv1 report (131), an IGMPv3 report an MLDv2 report
    /// (143), a leave an MLD done (132). IGMPv1 reports, PIMv1, DVMRP and mtrace have no MLD
    /// counterpart: null (such a type never matches an MLD packet).
    /// </summary>
    public static string? MldType(IgmpMessageType type) => type switch
    {
        IgmpMessageType.Query => "mld-listener-query",
        IgmpMessageType.ReportV2 => "mld-listener-report",
        IgmpMessageType.ReportV3 => "mld2-listener-report",
        IgmpMessageType.Leave => "mld-listener-done",
        _ => null,
    };

    /// <summary>Every MLD message type (the packets an MLD control list governs).</summary>
    public const string AllMldTypes = "{ mld-listener-query, mld-listener-report, mld-listener-done, mld2-listener-report }";

    /// <summary>One value, or an anonymous set of several: "x" or "{ x, y }".</summary>
    public static string OneOrSet(IReadOnlyList<string> values) => values.Count == 1 ? values[0] : "{ " + string.Join(", ", values) + " }";

    /// <summary>
    /// The match of a protocol (with the rule's port, or the protocol's well-known port): MSDP
    /// tcp/639, BGP tcp/179, BMP tcp/11019, Auto-RP udp/496 match the destination port, as the
    /// IOS backend's "eq PORT" does. Null when the protocol cannot occur in the family (IGMP,
    /// ICMP and Auto-RP are IPv4 only; ICMPv6 is IPv6 only); <paramref name="family"/> null means
    /// a rule without addresses, which nft applies to both families.
    /// </summary>
    public static string? Protocol(ProtocolMatch? protocol, int? port, IpFamily? family)
    {
        string Port(string l4, int wellKnown) => $"{l4} dport {port ?? wellKnown}";
        string AnyPort() => port is { } p ? $"meta l4proto {{ tcp, udp }} th dport {p}" : string.Empty;
        return protocol?.Protocol switch
        {
            null or Model.Protocol.Ip => AnyPort(),
            Model.Protocol.Igmp => family == IpFamily.V6 ? null : "meta l4proto igmp",
            Model.Protocol.Pim => "meta l4proto pim",
            Model.Protocol.Udp => port is { } p ? $"udp dport {p}" : "meta l4proto udp",
            Model.Protocol.Tcp => port is { } p ? $"tcp dport {p}" : "meta l4proto tcp",
            Model.Protocol.Msdp => Port("tcp", 639),
            Model.Protocol.Bgp => Port("tcp", 179),
            Model.Protocol.Bmp => Port("tcp", BmpStation.DefaultPort),
            Model.Protocol.AutoRp => family == IpFamily.V6 ? null : Port("udp", 496),
            Model.Protocol.Icmp => family == IpFamily.V6 ? null : "meta l4proto icmp",
            Model.Protocol.Icmpv6 => family == IpFamily.V4 ? null : "meta l4proto ipv6-icmp",
            _ => $"meta l4proto {protocol.Value.Number.ToString(CultureInfo.InvariantCulture)}",
        };
    }
}
