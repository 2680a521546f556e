using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Analysis;

/// <summary>
/// The engine's decisions over whole regions of events, with no state: which joins, SAs,
/// registers and prefixes a table admits, each piece with the rule that decides it. The checks
/// are the engine's, in the engine's order (docs/engine.md, "Rules, in the order they are
/// checked"), so a point of an admitted piece is admitted by <see cref="AdmissionEngine"/> until a
/// limit is full, and a point of a denied piece is denied with the same reason and rule.
/// </summary>
/// <remarks>
/// What the space does not hold is said by the caller: the report's IGMP/MLD version (a minimum
/// version refuses older reports whatever the group), joins reported without a host address
/// (rules with <c>from</c> never match them), and every limit (state, not structure).
/// </remarks>
public static class DecisionRegions
{
    /// <summary>IGMP (V4) or MLD (V6) joins on <paramref name="iface"/>: axes source (0 = (*,G)), group, reporting host.</summary>
    public static List<DecidedRegion> Joins(CompiledTable table, string iface, AddressFamily family, Box? within = null)
    {
        var space = within ?? Space.Joins(family);
        var rules = new List<(Box, RegionDecision)>();
        GroupRangeGate(table, space, family, joins: true, rules);
        // (*,G) in the SSM range: an ASM join has no source; it is matched as source 0.
        rules.Add((new Box(IntervalSet.Point(0), Space.Of(table.Source.Router.Ssm, family), Space.Addresses(family)),
            RegionDecision.Deny(DenyReason.SsmRangeNeedsSource, new RuleRef(RuleKind.SsmRange, -1, -1))));
        int ti = table.FindInterface(iface);
        var membership = ti < 0 ? null : family == AddressFamily.V4 ? table.Source.Interfaces[ti].Igmp : table.Source.Interfaces[ti].Mld;
        var fallback = RegionDecision.Admit(RuleRef.None);
        if (membership is { AccessFilter: >= 0 } m)
        {
            AddFilter(table, m.AccessFilter, family, joins: true, DenyReason.AccessFilter, rules);
            fallback = RegionDecision.Deny(DenyReason.AccessFilter, new RuleRef(RuleKind.FilterDefault, m.AccessFilter, -1));
        }
        return Decide(space, rules, fallback);
    }

    /// <summary>SAs received from an MSDP peer: axes source, group.</summary>
    public static List<DecidedRegion> SasReceived(CompiledTable table, Address peer, Box? within = null) => Sas(table, peer, inbound: true, within);

    /// <summary>SAs this router would forward to an MSDP peer: axes source, group.</summary>
    public static List<DecidedRegion> SasForwarded(CompiledTable table, Address peer, Box? within = null) => Sas(table, peer, inbound: false, within);

    private static List<DecidedRegion> Sas(CompiledTable table, Address peer, bool inbound, Box? within)
    {
        var space = within ?? Space.Channels(peer.Family);
        int pi = table.FindMsdpPeer(peer);
        if (pi < 0) return [new DecidedRegion(space, RegionDecision.Deny(DenyReason.UnknownPeer, RuleRef.None))];
        var rules = new List<(Box, RegionDecision)>();
        GroupRangeGate(table, space, peer.Family, joins: false, rules);
        var entry = table.Source.MsdpPeers[pi];
        int filter = inbound ? entry.SaFilterIn : entry.SaFilterOut;
        var reason = inbound ? DenyReason.SaFilterIn : DenyReason.SaFilterOut;
        var fallback = RegionDecision.Admit(RuleRef.None);
        if (filter >= 0)
        {
            AddFilter(table, filter, peer.Family, joins: false, reason, rules);
            fallback = RegionDecision.Deny(reason, new RuleRef(RuleKind.FilterDefault, filter, -1));
        }
        return Decide(space, rules, fallback);
    }

    /// <summary>PIM registers at this RP (accept-register): axes source, group.</summary>
    public static List<DecidedRegion> Registers(CompiledTable table, AddressFamily family, Box? within = null)
    {
        var space = within ?? Space.Channels(family);
        var rules = new List<(Box, RegionDecision)>();
        GroupRangeGate(table, space, family, joins: false, rules);
        var fallback = RegionDecision.Admit(RuleRef.None);
        int filter = table.Source.Router.AcceptRegisterFilter;
        if (filter >= 0)
        {
            AddFilter(table, filter, family, joins: false, DenyReason.AcceptRegister, rules);
            fallback = RegionDecision.Deny(DenyReason.AcceptRegister, new RuleRef(RuleKind.FilterDefault, filter, -1));
        }
        return Decide(space, rules, fallback);
    }

    /// <summary>BGP prefixes announced by a peer (its inbound prefix filter): axes network, length.</summary>
    public static List<DecidedRegion> Prefixes(CompiledTable table, Address peer, Box? within = null)
    {
        var family = peer.Family;
        var space = within ?? Space.Prefixes(family);
        int pi = table.FindBgpPeer(peer);
        if (pi < 0) return [new DecidedRegion(space, RegionDecision.Admit(RuleRef.None))];
        int filter = table.Source.BgpPeers[pi].PrefixFilterIn;
        if (filter < 0) return [new DecidedRegion(space, RegionDecision.Admit(RuleRef.None))];
        var rules = new List<(Box, RegionDecision)>();
        var source = table.Source.PrefixFilters[filter];
        for (int i = 0; i < source.Rules.Length; i++)
        {
            var r = source.Rules[i];
            if (r.Family != family) continue;
            int min = Math.Max(r.MinLength, r.Length);
            var region = new Box(Space.OfPrefix(family, r.Network, r.Length), IntervalSet.Range((UInt128)min, r.MaxLength));
            var rule = new RuleRef(RuleKind.PrefixRule, filter, i);
            rules.Add((region, r.Action == RuleAction.Permit ? RegionDecision.Admit(rule) : RegionDecision.Deny(DenyReason.PrefixFilter, rule)));
        }
        return Decide(space, rules, RegionDecision.Deny(DenyReason.PrefixFilter, new RuleRef(RuleKind.PrefixDefault, filter, -1)));
    }

    /// <summary>
    /// The group range refuses (S,G) before anything else looks at them: its deny pieces (its deny
    /// rules and its implicit deny, found by first match over the filter itself) go first.
    /// </summary>
    private static void GroupRangeGate(CompiledTable table, Box space, AddressFamily family, bool joins, List<(Box, RegionDecision)> rules)
    {
        int filter = table.Source.Router.GroupRangeFilter;
        if (filter < 0) return;
        var gate = new List<(Box, RegionDecision)>();
        // The group range is matched without a reporting host, also for joins.
        AddFilter(table, filter, family, joins: false, DenyReason.GroupRange, gate);
        if (joins) gate = gate.Select(g => (new Box(g.Item1[0], g.Item1[1], Space.Addresses(family)), g.Item2)).ToList();
        foreach (var piece in Decide(space, gate, RegionDecision.Deny(DenyReason.GroupRange, new RuleRef(RuleKind.FilterDefault, filter, -1))))
        {
            if (!piece.Decision.IsAdmit) rules.Add((piece.Region, piece.Decision));
        }
    }

    /// <summary>A first-match (S,G) filter's rules as regions, each permit an admit and each deny a deny for <paramref name="reason"/>.</summary>
    private static void AddFilter(CompiledTable table, int filter, AddressFamily family, bool joins, DenyReason reason, List<(Box, RegionDecision)> rules)
    {
        var f = table.Source.Filters[filter];
        for (int i = 0; i < f.Rules.Length; i++)
        {
            var r = f.Rules[i];
            bool byHost = r.From is { IsAny: false };
            // Without a reporting host (SAs, registers, the group range) a rule about hosts never matches.
            if (byHost && !joins) continue;
            var region = joins
                ? new Box(Space.Of(r.Sources, family), Space.Of(r.Groups, family), Space.Of(r.From, family))
                : new Box(Space.Of(r.Sources, family), Space.Of(r.Groups, family));
            var rule = new RuleRef(RuleKind.FilterRule, filter, i);
            rules.Add((region, r.Action == RuleAction.Permit ? RegionDecision.Admit(rule) : RegionDecision.Deny(reason, rule)));
        }
    }

    private static List<DecidedRegion> Decide(Box space, List<(Box Region, RegionDecision Decision)> rules, RegionDecision fallback)
    {
        var candidates = rules.Select((r, i) => new Candidate(r.Region, i)).ToList();
        var pieces = FirstMatch.Evaluate(space, candidates);
        return pieces.Select(p => new DecidedRegion(p.Region, p.Rule < 0 ? fallback : rules[p.Rule].Decision)).ToList();
    }
}
