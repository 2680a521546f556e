using System.Globalization;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Cisco;

/// <summary>How IOS-family configurations write addresses, protocols and dates.</summary>
public static class CiscoSyntax
{
    /// <summary>IPv4 in ACL form: any, host A, or A WILDCARD.</summary>
    public static string V4(IpPrefix? prefix) => prefix switch
    {
        null => "any",
        { Length: 0 } => "any",
        { IsHost: true } p => $"host {p.NetworkAddress}",
        { } p => $"{p.NetworkAddress} {p.WildcardMask}",
    };

    /// <summary>IPv6 in ACL form: any, host A, or A/LEN.</summary>
    public static string V6(IpPrefix? prefix) => prefix switch
    {
        null => "any",
        { Length: 0 } => "any",
        { IsHost: true } p => $"host {p.NetworkAddress}",
        { } p => p.ToString(),
    };

    public static string Address(IpPrefix? prefix, IpFamily family) => family == IpFamily.V4 ? V4(prefix) : V6(prefix);

    public static string Action(RuleAction action) => action == RuleAction.Permit ? "permit" : "deny";

    /// <summary>IOS extended-ACL IGMP type keywords.</summary>
    public static string IgmpType(IgmpMessageType type) => type switch
    {
        IgmpMessageType.Query => "host-query",
        IgmpMessageType.ReportV1 => "host-report",
        IgmpMessageType.ReportV2 => "v2-report",
        IgmpMessageType.ReportV3 => "v3-report",
        IgmpMessageType.Leave => "v2-leave",
        IgmpMessageType.Dvmrp => "dvmrp",
        IgmpMessageType.PimV1 => "pim",
        IgmpMessageType.MtraceResponse => "mtrace-resp",
        _ => "mtrace-route",
    };

    /// <summary>Protocol and implied well-known port (MSDP tcp/639, BGP tcp/179, BMP tcp/11019, Auto-RP udp/496).</summary>
    public static (string Protocol, int? Port) Protocol(ProtocolMatch? protocol, IpFamily family) => protocol?.Protocol switch
    {
        null or Model.Protocol.Ip => (family == IpFamily.V4 ? "ip" : "ipv6", null),
        Model.Protocol.Igmp => ("igmp", null),
        Model.Protocol.Pim => ("pim", null),
        Model.Protocol.Msdp => ("tcp", 639),
        Model.Protocol.Bgp => ("tcp", 179),
        Model.Protocol.Bmp => ("tcp", BmpStation.DefaultPort),
        Model.Protocol.Udp => ("udp", null),
        Model.Protocol.Tcp => ("tcp", null),
        Model.Protocol.Icmp => ("icmp", null),
        Model.Protocol.Icmpv6 => ("icmp", null),
        Model.Protocol.AutoRp => ("udp", 496),
        _ => (protocol.Value.Number.ToString(CultureInfo.InvariantCulture), null),
    };

    /// <summary>An extended ACL entry from a lowered rule; <paramref name="protocolOverride"/> forces e.g. igmp.</summary>
    public static string ExtendedEntry(LoweredRule rule, IpFamily family, string? protocolOverride = null)
    {
        var (protocol, impliedPort) = Protocol(rule.Protocol, family);
        protocol = protocolOverride ?? protocol;
        string entry = $"{Action(rule.Action)} {protocol} {Address(rule.Source, family)} {Address(rule.Destination, family)}";
        if (rule.IgmpType is { } type) entry += " " + IgmpType(type);
        int? port = rule.Port ?? impliedPort;
        if (port is not null && protocol is "tcp" or "udp") entry += $" eq {port}";
        if (rule.Log) entry += " log";
        return entry;
    }

    /// <summary>A standard ACL entry matching one address field.</summary>
    public static string StandardEntry(RuleAction action, IpPrefix? address, bool log) =>
        $"{Action(action)} {V4(address)}" + (log ? " log" : "");

    /// <summary>IOS key-chain lifetime form: 00:00:00 Sep 1 2026.</summary>
    public static string LifetimeStart(DateOnly date) => $"00:00:00 {date.ToString("MMM d yyyy", CultureInfo.InvariantCulture)}";

    public static string LifetimeEnd(DateOnly date) => $"23:59:59 {date.ToString("MMM d yyyy", CultureInfo.InvariantCulture)}";

    /// <summary>Whole minutes, at least 1 (IOS times in minutes).</summary>
    public static long Minutes(TimeSpan value) => Math.Max(1, (long)Math.Ceiling(value.TotalMinutes));
}
