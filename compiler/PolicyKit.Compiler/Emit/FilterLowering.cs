using System.Runtime.InteropServices;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Lowers a first-match filter into flat per-family rules: sets are expanded, <c>except</c> is
/// applied exactly by prefix subtraction, and a rule over several sources, groups, protocols or
/// IGMP types becomes their cross product — in order, so first-match meaning is kept.
/// </summary>
public static class FilterLowering
{
    // Whether a filter has rules in a family is asked per interface (is there an IPv6 source
    // filter?); a filter with none in that family is lowered whole to find out, so the answer is
    // remembered per (filter, family) for the compile (see ModelMemo).
    private static readonly ModelMemo<Filter, IpFamily, bool> Applies = new();

    // A set with excepts is expanded by prefix subtraction, and one set is named in many places
    // (every interface's limit, every rule that names it). Each place has its own AddressMatch but
    // shares the set's arrays, so the pieces are remembered per (include, except) arrays.
    private static readonly ModelMemo<PrefixEntry[], (PrefixEntry[] Except, IpFamily Family), IpPrefix?[]> SubtractedSets = new();

    public static List<LoweredRule> Lower(Filter filter, IpFamily family) => [.. LowerEach(filter, family)];

    /// <summary>As <see cref="Lower"/>, one rule at a time: for callers that render each lowered rule once.</summary>
    public static IEnumerable<LoweredRule> LowerEach(Filter filter, IpFamily family)
    {
        ProtocolMatch?[] anyProtocol = [null];
        IgmpMessageType?[] anyType = [null];
        IpPrefix?[] anyAddress = [null];
        foreach (var rule in filter.Rules)
        {
            var match = rule.Match;
            var sources = ExpandShared(match.Sources ?? match.From ?? match.Rps, family);
            var destinations = ExpandShared(match.Groups ?? match.To ?? match.Prefixes, family);
            if (sources is { Length: 0 } || destinations is { Length: 0 }) continue;
            // Arrays, not queries: they are walked once per (source, destination) pair.
            var protocols = match.Protocols.IsDefaultOrEmpty ? anyProtocol : match.Protocols.Select(p => (ProtocolMatch?)p).ToArray();
            var types = match.IgmpTypes.IsDefaultOrEmpty ? anyType : match.IgmpTypes.Select(t => (IgmpMessageType?)t).ToArray();
            foreach (var source in sources ?? anyAddress)
            foreach (var destination in destinations ?? anyAddress)
            foreach (var protocol in protocols)
            foreach (var type in types)
            {
                // An IGMP type implies the IGMP protocol.
                var effectiveProtocol = type is not null ? new ProtocolMatch(Protocol.Igmp, 2) : protocol;
                if (family == IpFamily.V6 && effectiveProtocol is { Protocol: Protocol.Igmp }) continue;
                yield return new LoweredRule(rule.Action, source, destination, effectiveProtocol, type, match.Port, rule.Log, rule.Span);
            }
        }
    }

    /// <summary>True when the filter has any rule that applies to the family (including `any` rules).</summary>
    /// <remarks>Stops at the first such rule: asked per interface, it must not lower a whole shared filter each time.</remarks>
    public static bool AppliesTo(Filter filter, IpFamily family) =>
        Applies.Get(filter, family, static (f, fam) => LowerEach(f, fam).Any());

    /// <summary>
    /// As <see cref="Expand"/>, one array per set and family for the compile: every rule naming a
    /// set lowers over the same array (a 20k-rule filter over 5k sets made 40k lists otherwise).
    /// </summary>
    private static IpPrefix?[]? ExpandShared(AddressMatch? match, IpFamily family)
    {
        if (match is null || match.IsAny) return null;
        var include = ImmutableCollectionsMarshal.AsArray(match.Include)!;
        var except = ImmutableCollectionsMarshal.AsArray(match.Except) ?? [];
        if (include.Length == 0) return [];
        return SubtractedSets.Get(include, (except, family), static (i, v) => v.Except.Length == 0 ? InFamily(i, v.Family) : Subtract(i, v.Except, v.Family));
    }

    private static IpPrefix?[] InFamily(PrefixEntry[] include, IpFamily family)
    {
        var prefixes = new List<IpPrefix?>(include.Length);
        foreach (var entry in include)
        {
            if (entry.Prefix.Family == family) prefixes.Add(entry.Prefix);
        }
        return [.. prefixes];
    }

    /// <summary>
    /// The exact prefixes of a match in one family, or null for "any". An empty list means the
    /// match has nothing in this family, so a rule using it never matches there.
    /// </summary>
    public static List<IpPrefix?>? Expand(AddressMatch? match, IpFamily family)
    {
        if (match is null || match.IsAny) return null;
        if (match.Except.IsEmpty || match.Include.IsEmpty)
        {
            // Nothing to subtract (or nothing to subtract from): the included prefixes as written.
            var prefixes = new List<IpPrefix?>(match.Include.Length);
            foreach (var entry in match.Include)
            {
                if (entry.Prefix.Family == family) prefixes.Add(entry.Prefix);
            }
            return prefixes;
        }
        var include = ImmutableCollectionsMarshal.AsArray(match.Include)!;
        var except = ImmutableCollectionsMarshal.AsArray(match.Except)!;
        return [.. SubtractedSets.Get(include, (except, family), static (i, v) => Subtract(i, v.Except, v.Family))];
    }

    private static IpPrefix?[] Subtract(PrefixEntry[] include, PrefixEntry[] except, IpFamily family)
    {
        var includes = include.Where(e => e.Prefix.Family == family).Select(e => e.Prefix);
        var excludes = except.Where(e => e.Prefix.Family == family).Select(e => e.Prefix).ToList();
        return [.. PrefixMath.Subtract(includes, excludes).Select(p => (IpPrefix?)p)];
    }

    /// <summary>Flat prefixes of a match (both families), for sets, prefix lists and standard ACLs.</summary>
    public static List<IpPrefix> Prefixes(AddressMatch match, IpFamily family) =>
        Expand(match, family)?.Select(p => p!.Value).ToList() ?? [family == IpFamily.V4 ? IpPrefix.AnyV4 : IpPrefix.AnyV6];
}
