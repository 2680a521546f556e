using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using PolicyKit.Compiler.Emit.Cisco;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.IosXr;

/// <summary>
/// How IOS XR writes names, ACL entries and key lifetimes where it differs from IOS. XR ACLs are
/// all "extended" (<c>ipv4 access-list</c> / <c>ipv6 access-list</c>, numbered entries). XR's
/// multicast features that take a group list (rp-address, ssm range, IGMP access-group and
/// accounting lists, boundary) read the group from the entry's first address, as its documents
/// write them (<c>permit 239.1.1.1 0.0.0.0</c>, shown as <c>permit ipv4 host 239.1.1.1 any</c>);
/// features over (S,G) or packets (accept-register, MSDP SA filters, interface ACLs) match source
/// then destination, as a packet from S to G.
/// </summary>
public static class IosXrSyntax
{
    /// <summary>
    /// A policy-derived name XR accepts everywhere it is referenced: PIM references take at most
    /// 32 characters, so longer names are cut and made unique with a hash of the full name
    /// (30 characters at most, leaving room for AclBook's "-2" suffix). '.' becomes '_', which
    /// route-policy and prefix-set names also accept.
    /// </summary>
    public static string Name(string policyName, string? suffix = null) => Shorten(AclBook.NameFor(policyName, suffix).Replace('.', '_'));

    /// <summary>A name derived from an interface, with XR's short interface type (Gi, Te, Hu, BE…) to stay readable.</summary>
    public static string InterfaceName(string interfaceName, string? suffix = null)
    {
        foreach (var (full, brief) in InterfaceTypes)
        {
            if (interfaceName.StartsWith(full, StringComparison.OrdinalIgnoreCase) && interfaceName.Length > full.Length && char.IsAsciiDigit(interfaceName[full.Length]))
                return Name(brief + interfaceName[full.Length..], suffix);
        }
        return Name(interfaceName, suffix);
    }

    private static readonly (string Full, string Brief)[] InterfaceTypes =
    [
        ("GigabitEthernet", "Gi"), ("TenGigE", "Te"), ("TwentyFiveGigE", "TF"), ("FortyGigE", "Fo"), ("FiftyGigE", "Fi"),
        ("HundredGigE", "Hu"), ("TwoHundredGigE", "TH"), ("FourHundredGigE", "FH"), ("EightHundredGigE", "EH"),
        ("Bundle-Ether", "BE"), ("Loopback", "Lo"), ("tunnel-ip", "ti"), ("tunnel-te", "tt"),
    ];

    public static string Shorten(string name)
    {
        if (name.Length <= 30) return name;
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        return $"{name[..23]}-{Convert.ToHexString(hash, 0, 3)}";
    }

    /// <summary>The ACL protocol keyword and implied port (MSDP tcp/639, BGP tcp/179, BMP tcp/11019, Auto-RP udp/496).</summary>
    public static (string Protocol, int? Port) Protocol(ProtocolMatch? protocol, IpFamily family) => protocol?.Protocol switch
    {
        null or Model.Protocol.Ip => (family == IpFamily.V4 ? "ipv4" : "ipv6", null),
        Model.Protocol.Igmp => ("igmp", null),
        Model.Protocol.Pim => ("pim", null),
        Model.Protocol.Msdp => ("tcp", 639),
        Model.Protocol.Bgp => ("tcp", 179),
        Model.Protocol.Bmp => ("tcp", BmpStation.DefaultPort),
        Model.Protocol.Udp => ("udp", null),
        Model.Protocol.Tcp => ("tcp", null),
        Model.Protocol.Icmp or Model.Protocol.Icmpv6 => (family == IpFamily.V4 ? "icmp" : "icmpv6", null),
        Model.Protocol.AutoRp => ("udp", 496),
        _ => (protocol.Value.Number.ToString(CultureInfo.InvariantCulture), null),
    };

    /// <summary>XR's IGMP message-type keywords (Cisco-IOS-XR-ipv4-acl-datatypes): one per IANA type, unlike IOS.</summary>
    public static string IgmpType(IgmpMessageType type) => type switch
    {
        IgmpMessageType.Query => "host-query",
        IgmpMessageType.ReportV1 => "host-report",
        IgmpMessageType.ReportV2 => "v2-report",
        IgmpMessageType.ReportV3 => "v3-report",
        IgmpMessageType.Leave => "v2-leave",
        IgmpMessageType.PimV1 => "pim",
        IgmpMessageType.Dvmrp => "dvmrp",
        IgmpMessageType.Mtrace => "mtrace",
        _ => "mtrace-response",
    };

    /// <summary>A packet (or (S,G)) entry: source then destination, as XR matches a packet from S to G.</summary>
    public static string PacketEntry(LoweredRule rule, IpFamily family, string? protocolOverride = null) =>
        CiscoSyntax.ExtendedEntry(rule, family, protocolOverride, Protocol, IgmpType);

    /// <summary>A group-list entry: the group (or neighbor) in the first address, any second.</summary>
    public static string ListEntry(RuleAction action, IpPrefix? address, IpFamily family, bool log = false) =>
        $"{CiscoSyntax.Action(action)} {(family == IpFamily.V4 ? "ipv4" : "ipv6")} {CiscoSyntax.Address(address, family)} any" + (log ? " log" : "");

    /// <summary>XR key-chain lifetime form: 00:00:00 september 1 2026.</summary>
    public static string LifetimeStart(DateOnly date) => $"00:00:00 {Date(date)}";

    public static string LifetimeEnd(DateOnly date) => $"23:59:59 {Date(date)}";

    private static string Date(DateOnly date) => date.ToString("MMMM d yyyy", CultureInfo.InvariantCulture).ToLowerInvariant();
}
