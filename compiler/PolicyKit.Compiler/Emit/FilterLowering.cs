using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Lowers a first-match filter into flat per-family rules: sets are expanded, <c>except</c> is
/// applied exactly by prefix subtraction, and a rule over several sources, groups, protocols or
/// IGMP types becomes their cross product — in order, so first-match meaning is kept.
/// </summary>
public static class FilterLowering
{
    public static List<LoweredRule> Lower(Filter filter, IpFamily family)
    {
        var result = new List<LoweredRule>();
        foreach (var rule in filter.Rules)
        {
            var match = rule.Match;
            var sources = Expand(match.Sources ?? match.From ?? match.Rps, family);
            var destinations = Expand(match.Groups ?? match.To ?? match.Prefixes, family);
            if (sources is { Count: 0 } || destinations is { Count: 0 }) continue;
            IEnumerable<ProtocolMatch?> protocols = match.Protocols.IsDefaultOrEmpty ? [null] : match.Protocols.Select(p => (ProtocolMatch?)p);
            IEnumerable<IgmpMessageType?> types = match.IgmpTypes.IsDefaultOrEmpty ? [null] : match.IgmpTypes.Select(t => (IgmpMessageType?)t);
            foreach (var source in sources ?? [null])
            foreach (var destination in destinations ?? [null])
            foreach (var protocol in protocols)
            foreach (var type in types)
            {
                // An IGMP type implies the IGMP protocol.
                var effectiveProtocol = type is not null ? new ProtocolMatch(Protocol.Igmp, 2) : protocol;
                if (family == IpFamily.V6 && effectiveProtocol is { Protocol: Protocol.Igmp }) continue;
                result.Add(new LoweredRule(rule.Action, source, destination, effectiveProtocol, type, match.Port, rule.Log, rule.Span));
            }
        }
        return result;
    }

    /// <summary>True when the filter has any rule that applies to the family (including `any` rules).</summary>
    public static bool AppliesTo(Filter filter, IpFamily family) => Lower(filter, family).Count > 0;

    /// <summary>
    /// The exact prefixes of a match in one family, or null for "any". An empty list means the
    /// match has nothing in this family, so a rule using it never matches there.
    /// </summary>
    public static List<IpPrefix?>? Expand(AddressMatch? match, IpFamily family)
    {
        if (match is null || match.IsAny) return null;
        var includes = match.Include.Where(e => e.Prefix.Family == family).Select(e => e.Prefix);
        var excludes = match.Except.Where(e => e.Prefix.Family == family).Select(e => e.Prefix).ToList();
        return PrefixMath.Subtract(includes, excludes).Select(p => (IpPrefix?)p).ToList();
    }

    /// <summary>Flat prefixes of a match (both families), for sets, prefix lists and standard ACLs.</summary>
    public static List<IpPrefix> Prefixes(AddressMatch match, IpFamily family) =>
        Expand(match, family)?.Select(p => p!.Value).ToList() ?? [family == IpFamily.V4 ? IpPrefix.AnyV4 : IpPrefix.AnyV6];
}
