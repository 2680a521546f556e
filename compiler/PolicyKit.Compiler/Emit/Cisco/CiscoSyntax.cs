using System.Globalization;
using System.Runtime.CompilerServices;
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
        { IsHost: true } p => "host " + p.NetworkText,
        { } p => $"{p.NetworkText} {p.WildcardMask}",
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

    /// <summary>
    /// Appends <see cref="Address"/>'s text. IPv4 is written digit by digit into the entry being
    /// built, without the intermediate strings: large policies render hundreds of thousands of entries.
    /// </summary>
    public static void AppendAddress(ref DefaultInterpolatedStringHandler text, IpPrefix? prefix, IpFamily family)
    {
        if (family != IpFamily.V4 || prefix is not { Family: IpFamily.V4, Length: > 0 } p)
        {
            text.AppendLiteral(Address(prefix, family));
            return;
        }
        if (p.IsHost)
        {
            text.AppendLiteral("host ");
            AppendDottedQuad(ref text, (uint)p.Network);
            return;
        }
        AppendDottedQuad(ref text, (uint)p.Network);
        text.AppendLiteral(" ");
        AppendDottedQuad(ref text, (uint)p.HostMask);
    }

    private static void AppendDottedQuad(ref DefaultInterpolatedStringHandler text, uint value)
    {
        Span<char> chars = stackalloc char[IpPrefix.MaxDottedQuadLength];
        text.AppendFormatted((ReadOnlySpan<char>)chars[..IpPrefix.FormatDottedQuad(value, chars)]);
    }

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
    public static string ExtendedEntry(LoweredRule rule, IpFamily family, string? protocolOverride = null) =>
        ExtendedEntry(rule, family, protocolOverride, Protocol, IgmpType);

    /// <summary>
    /// The entry both Cisco dialects write (action, protocol, source, destination, IGMP type, port,
    /// log); IOS XR passes its own protocol and IGMP-type keywords.
    /// </summary>
    internal static string ExtendedEntry(LoweredRule rule, IpFamily family, string? protocolOverride,
        Func<ProtocolMatch?, IpFamily, (string Protocol, int? Port)> protocolOf, Func<IgmpMessageType, string> igmpTypeName)
    {
        var entry = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[128]);
        WriteExtendedEntry(ref entry, rule, family, protocolOverride, protocolOf, igmpTypeName);
        return entry.ToStringAndClear();
    }

    /// <summary>
    /// A filter's rules in one family as IOS-XE extended ACL entries without repeats, each written
    /// into the list's bytes without a string of its own (an 80k-entry list made 80k strings).
    /// </summary>
    public static DistinctEntries ExtendedEntries(IEnumerable<LoweredRule> rules, IpFamily family, string? protocolOverride)
    {
        var entries = new DistinctEntries.Builder();
        Span<char> buffer = stackalloc char[128];
        foreach (var rule in rules)
        {
            var entry = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, buffer);
            WriteExtendedEntry(ref entry, rule, family, protocolOverride, Protocol, IgmpType);
            entries.Add(entry.Text);
            entry.Clear();   // gives back what a long entry rented
        }
        return entries.Build();
    }

    private static void WriteExtendedEntry(ref DefaultInterpolatedStringHandler entry, LoweredRule rule, IpFamily family, string? protocolOverride,
        Func<ProtocolMatch?, IpFamily, (string Protocol, int? Port)> protocolOf, Func<IgmpMessageType, string> igmpTypeName)
    {
        var (protocol, impliedPort) = protocolOf(rule.Protocol, family);
        protocol = protocolOverride ?? protocol;
        entry.AppendLiteral(Action(rule.Action));
        entry.AppendLiteral(" ");
        entry.AppendLiteral(protocol);
        entry.AppendLiteral(" ");
        AppendAddress(ref entry, rule.Source, family);
        entry.AppendLiteral(" ");
        AppendAddress(ref entry, rule.Destination, family);
        if (rule.IgmpType is { } type)
        {
            entry.AppendLiteral(" ");
            entry.AppendLiteral(igmpTypeName(type));
        }
        int? port = rule.Port ?? impliedPort;
        if (port is not null && protocol is "tcp" or "udp")
        {
            entry.AppendLiteral(" eq ");
            entry.AppendFormatted(port.Value);
        }
        if (rule.Log) entry.AppendLiteral(" log");
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
