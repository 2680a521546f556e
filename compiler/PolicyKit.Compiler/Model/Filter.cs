using System.Collections.Immutable;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Model;

public enum RuleAction
{
    Permit,
    Deny,
}

public enum Protocol
{
    Ip,
    Igmp,
    Pim,
    Msdp,
    Bgp,
    Bmp,
    Udp,
    Tcp,
    Icmp,
    Icmpv6,
    AutoRp,
    Number,
}

/// <summary>IGMP message kinds an IGMP control filter can name (IANA IGMP type numbers).</summary>
public enum IgmpMessageType
{
    Query = 0x11,
    ReportV1 = 0x12,
    ReportV2 = 0x16,
    ReportV3 = 0x22,
    Leave = 0x17,
    PimV1 = 0x14,
    Dvmrp = 0x13,
    Mtrace = 0x1f,
    MtraceResponse = 0x1e,
}

/// <summary>A protocol in a match: a known name or a raw IP protocol number.</summary>
public readonly record struct ProtocolMatch(Protocol Protocol, int Number)
{
    public override string ToString() => Protocol == Protocol.Number ? Number.ToString() : Protocol switch
    {
        Protocol.AutoRp => "auto-rp",
        _ => Protocol.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// What a rule or a class matches. A null field matches anything. <c>Sources</c>/<c>Groups</c>
/// are the channel (S,G); <c>From</c>/<c>To</c> are the packet's own addresses (for an IGMP
/// filter, <c>From</c> is the reporting host); <c>Rps</c> are candidate RP addresses (Auto-RP).
/// </summary>
public sealed record Match(
    AddressMatch? Sources,
    AddressMatch? Groups,
    AddressMatch? Prefixes,
    AddressMatch? From,
    AddressMatch? To,
    AddressMatch? Rps,
    ImmutableArray<ProtocolMatch> Protocols,
    ImmutableArray<IgmpMessageType> IgmpTypes,
    int? Port,
    SourceSpan Span)
{
    public bool IsAny => Sources is null && Groups is null && Prefixes is null && From is null && To is null &&
                         Rps is null && Protocols.IsDefaultOrEmpty && IgmpTypes.IsDefaultOrEmpty && Port is null;

    /// <summary>Names of the fields this match uses, for "cannot be matched here" checks.</summary>
    public IEnumerable<string> UsedFields()
    {
        if (Sources is not null) yield return "sources";
        if (Groups is not null) yield return "groups";
        if (Prefixes is not null) yield return "prefixes";
        if (From is not null) yield return "from";
        if (To is not null) yield return "to";
        if (Rps is not null) yield return "rps";
        if (!Protocols.IsDefaultOrEmpty) yield return "protocol";
        if (!IgmpTypes.IsDefaultOrEmpty) yield return "igmp-type";
        if (Port is not null) yield return "port";
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Sources is not null) parts.Add("sources " + Sources.Describe());
        if (Groups is not null) parts.Add("groups " + Groups.Describe());
        if (Prefixes is not null) parts.Add("prefixes " + Prefixes.Describe());
        if (From is not null) parts.Add("from " + From.Describe());
        if (To is not null) parts.Add("to " + To.Describe());
        if (Rps is not null) parts.Add("rps " + Rps.Describe());
        if (!Protocols.IsDefaultOrEmpty) parts.Add("protocol " + string.Join(", ", Protocols));
        if (!IgmpTypes.IsDefaultOrEmpty) parts.Add("igmp-type " + string.Join(", ", IgmpTypes));
        if (Port is not null) parts.Add("port " + Port);
        return parts.Count == 0 ? "any" : string.Join(" ", parts);
    }
}

public sealed record FilterRule(RuleAction Action, Match Match, bool Log, SourceSpan Span);

/// <summary>
/// An ordered permit/deny list; the first matching rule decides and nothing matched is denied
/// (as every router ACL does). Inline rules (e.g. permit lines inside <c>igmp { }</c>) become
/// filters named after where they stand, with <see cref="IsInline"/> set.
/// </summary>
public sealed record Filter(string Name, ImmutableArray<FilterRule> Rules, SourceSpan Span, SourceSpan NameSpan, bool IsInline = false);

/// <summary>A class of streams with the bandwidth one stream costs (for cost-based state limits).</summary>
public sealed record TrafficClass(string Name, Match Match, Bandwidth Cost, SourceSpan Span, SourceSpan NameSpan);
