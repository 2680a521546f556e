using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Junos;

/// <summary>How Junos set-form configuration writes names, strings, prefixes, protocols and times.</summary>
public static class JunosSyntax
{
    /// <summary>
    /// PK-NAME in upper case with only letters, digits, '-' and '_' (what Junos documents for
    /// policy, filter and policer names). Names longer than <paramref name="maxLength"/> are cut
    /// and end in a short hash of the full name, so they stay unique and stable.
    /// </summary>
    public static string Name(string policyName, string? suffix = null, int maxLength = 64)
    {
        var chars = policyName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? char.ToUpperInvariant(c) : '-').ToArray();
        string name = "PK-" + new string(chars) + (suffix is null ? "" : "-" + suffix);
        return Fit(name, maxLength);
    }

    /// <summary>A name cut to <paramref name="maxLength"/> characters with an 8-digit hash of the whole, when longer.</summary>
    public static string Fit(string name, int maxLength)
    {
        if (name.Length <= maxLength) return name;
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return name[..(maxLength - 9)] + "-" + hash;
    }

    /// <summary>A term name from free text (an interface name): letters, digits and '-'.</summary>
    public static string TermPart(string text) =>
        new(text.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    /// <summary>A quoted string for descriptions and secrets, on one line, with '"' and '\' escaped.</summary>
    public static string Quote(string text)
    {
        var oneLine = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return "\"" + oneLine.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>
    /// A policy-language name of an interface: Junos protocols and firewall filters work on
    /// logical interfaces (ge-0/0/1.0); a name written without a unit means unit 0.
    /// </summary>
    public static (string Physical, string Unit, string Logical) Interface(string name)
    {
        int dot = name.LastIndexOf('.');
        if (dot > 0 && dot < name.Length - 1 && name[(dot + 1)..].All(char.IsAsciiDigit))
            return (name[..dot], name[(dot + 1)..], name);
        return (name, "0", name + ".0");
    }

    public static string Family(IpFamily family) => family == IpFamily.V4 ? "inet" : "inet6";

    /// <summary>A prefix as route-filter/source-address-filter operands: hosts are exact, others orlonger.</summary>
    public static string OrLonger(IpPrefix prefix) => prefix.IsHost ? $"{prefix} exact" : $"{prefix} orlonger";

    /// <summary>
    /// The route-filter match type for the lengths lo..hi inside <paramref name="prefix"/>:
    /// exact, orlonger, upto /hi, or prefix-length-range /lo-/hi.
    /// </summary>
    public static string RouteFilter(IpPrefix prefix, int lo, int hi)
    {
        if (lo == prefix.Length && hi == prefix.Length) return $"{prefix} exact";
        if (lo == prefix.Length && hi == prefix.MaxLength) return $"{prefix} orlonger";
        if (lo == prefix.Length) return $"{prefix} upto /{hi}";
        return $"{prefix} prefix-length-range /{lo}-/{hi}";
    }

    /// <summary>
    /// A policy protocol as firewall match operands: the protocol keyword (null for any IP) and
    /// the port. Session protocols (BGP, MSDP, BMP) match the port in either direction (Junos
    /// 'port'), because either end may have opened the session; an explicit port and Auto-RP
    /// match the destination port.
    /// </summary>
    public static (string? Protocol, string? Port, bool EitherDirection) Protocol(ProtocolMatch? protocol, int? explicitPort) => protocol?.Protocol switch
    {
        null or Model.Protocol.Ip => (null, Port(explicitPort), false),
        Model.Protocol.Igmp => ("igmp", null, false),
        Model.Protocol.Pim => ("pim", null, false),
        Model.Protocol.Msdp => ("tcp", explicitPort is { } p1 ? Port(p1) : "msdp", explicitPort is null),
        Model.Protocol.Bgp => ("tcp", explicitPort is { } p2 ? Port(p2) : "bgp", explicitPort is null),
        Model.Protocol.Bmp => ("tcp", Port(explicitPort ?? BmpStation.DefaultPort), explicitPort is null),
        Model.Protocol.Udp => ("udp", Port(explicitPort), false),
        Model.Protocol.Tcp => ("tcp", Port(explicitPort), false),
        Model.Protocol.Icmp => ("icmp", null, false),
        Model.Protocol.Icmpv6 => ("icmp6", null, false),
        Model.Protocol.AutoRp => ("udp", Port(explicitPort ?? 496), false),
        _ => (protocol.Value.Number.ToString(CultureInfo.InvariantCulture), Port(explicitPort), false),
    };

    private static string? Port(int? port) => port?.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The match operands for one IGMP message type: IGMP is IP protocol 2 and its type is the
    /// first byte after the IP header, which Junos reaches with a flexible match (MX Series
    /// with MPCs: Trio), since family inet filters have no igmp-type condition.
    /// </summary>
    public static IEnumerable<string> IgmpType(IgmpMessageType type) =>
    [
        "protocol igmp",
        "flexible-match-range match-start layer-4",
        "flexible-match-range byte-offset 0",
        "flexible-match-range bit-length 8",
        $"flexible-match-range range 0x{(int)type:x2}",
    ];

    /// <summary>Key-chain start time (YYYY-MM-DD.HH:MM, router local time).</summary>
    public static string StartTime(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".00:00";

    /// <summary>Whole minutes, at least 1 (Junos damping and idle timers are minutes).</summary>
    public static long Minutes(TimeSpan value) => Math.Max(1, (long)Math.Ceiling(value.TotalMinutes));

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
