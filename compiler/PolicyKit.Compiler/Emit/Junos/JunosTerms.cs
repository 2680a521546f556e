using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Junos;

/// <summary>
/// Builds the terms of a Junos policy statement or firewall filter as set-line bodies
/// ("term NAME from …", "term NAME then …"), in order. Junos evaluates terms first-match,
/// like the policy's filters.
/// </summary>
public sealed class JunosTerms
{
    /// <summary>The lines, compact (a large filter is 100k+ lines): what the book keeps.</summary>
    public JunosBody Body { get; } = new();

    public int Count { get; private set; }

    public void Add(string term, IEnumerable<string> from, IEnumerable<string> then, IEnumerable<string>? to = null)
    {
        foreach (var condition in from) Body.Add("term ", term, " from ", condition);
        foreach (var condition in to ?? []) Body.Add("term ", term, " to ", condition);
        foreach (var action in then) Body.Add("term ", term, " then ", action);
        Count++;
    }

    /// <summary>
    /// The prefixes of an address match in the given families, or null for "any". An empty
    /// list means the match has nothing in these families (a rule using it never matches).
    /// </summary>
    public static List<IpPrefix>? Prefixes(AddressMatch? match, IReadOnlyCollection<IpFamily> families)
    {
        if (match is null || match.IsAny) return null;
        return families.SelectMany(f => FilterLowering.Expand(match, f) ?? []).Select(p => p!.Value).Distinct().ToList();
    }

    /// <summary>
    /// A routing policy over multicast channels (S,G) from a first-match filter: groups are
    /// route-filters, sources are source-address-filters (the form Junos IGMP/MLD group
    /// policies, MSDP SA policies, RP register policies and PIM join filters match on).
    /// Rules that match nothing in <paramref name="families"/> are left out; the filter's
    /// implicit deny is a final reject term. <paramref name="extraFrom"/> adds conditions to
    /// every term (e.g. the interface of a join filter). Junos routing policies cannot match
    /// the packet's own source (a filter's <c>from</c> term, reported as unsupported): such
    /// rules are left out and listed in <paramref name="notes"/>.
    /// </summary>
    public static JunosTerms ChannelPolicy(Filter filter, IReadOnlyCollection<IpFamily> families, List<string> notes,
        string termPrefix = "r", IReadOnlyList<string>? extraFrom = null, string permit = "accept", string deny = "reject")
    {
        var terms = new JunosTerms();
        extraFrom ??= [];
        bool unconditional = false;
        for (int i = 0; i < filter.Rules.Length && !unconditional; i++)
        {
            var rule = filter.Rules[i];
            var groups = Prefixes(rule.Match.Groups, families);
            var sources = Prefixes(rule.Match.Sources, families);
            if (groups is { Count: 0 } || sources is { Count: 0 }) continue;
            if (rule.Match.From is not null)
            {
                // Rules on the reporting host are the refinement "access filter by host": not written.
                notes.Add($"{filter.Name}: the {(rule.Action == RuleAction.Permit ? "permit" : "deny")} rule at {DeviceEmission.Where(rule.Span)} names reporting hosts (from), which a Junos policy cannot match: left out");
                continue;
            }
            var from = new List<string>(extraFrom);
            from.AddRange((groups ?? []).Select(g => $"route-filter {JunosSyntax.OrLonger(g)}"));
            from.AddRange((sources ?? []).Select(s => $"source-address-filter {JunosSyntax.OrLonger(s)}"));
            terms.Add($"{termPrefix}{i + 1}", from, [rule.Action == RuleAction.Permit ? permit : deny]);
            unconditional = groups is null && sources is null;
        }
        if (!unconditional) terms.Add(termPrefix == "r" ? "implicit-deny" : $"{termPrefix}implicit-deny", extraFrom, [deny]);
        return terms;
    }

    /// <summary>
    /// A BGP route policy from a prefix filter. Each set entry is a route-filter with its length
    /// range (exact, orlonger, upto, prefix-length-range); a set's <c>except</c> entries are
    /// subtracted exactly (a route inside or covering an exception is not matched, as the
    /// model defines it). Junos picks the longest matching route-filter of a term and then
    /// checks only its length range, so route-filters that nest go to terms of their own.
    /// </summary>
    public static JunosTerms PrefixPolicy(Filter filter, string permit)
    {
        var terms = new JunosTerms();
        bool unconditional = false;
        for (int i = 0; i < filter.Rules.Length && !unconditional; i++)
        {
            var rule = filter.Rules[i];
            string action = rule.Action == RuleAction.Permit ? permit : "reject";
            var prefixes = rule.Match.Prefixes;
            if (prefixes is null || prefixes.IsAny)
            {
                terms.Add($"r{i + 1}", [], [action]);
                unconditional = true;
                continue;
            }
            var filters = new List<(IpPrefix Prefix, string Text)>();
            // Seen route-filters by text: a list scan per entry made an IRR-sized list (30k–100k
            // prefixes) quadratic (issue 18: 32k prefixes 15.7 s).
            var written = new HashSet<string>(StringComparer.Ordinal);
            var exceptsV4 = prefixes.Except.Where(x => x.Prefix.Family == IpFamily.V4).Select(x => x.Prefix).ToList();
            var exceptsV6 = prefixes.Except.Where(x => x.Prefix.Family == IpFamily.V6).Select(x => x.Prefix).ToList();
            foreach (var entry in prefixes.Include)
            {
                int lo = entry.Ge ?? entry.Prefix.Length;
                int hi = entry.Le ?? (entry.Ge is not null ? entry.Prefix.MaxLength : entry.Prefix.Length);
                lo = Math.Max(lo, entry.Prefix.Length);
                var excepts = entry.Prefix.Family == IpFamily.V4 ? exceptsV4 : exceptsV6;
                foreach (var piece in PrefixMath.Subtract([entry.Prefix], excepts))
                {
                    int pieceLo = Math.Max(lo, piece.Length);
                    if (pieceLo > hi) continue;
                    var text = JunosSyntax.RouteFilter(piece, pieceLo, hi);
                    if (written.Add(text)) filters.Add((piece, text));
                }
            }
            if (filters.Count == 0) continue;
            if (!AnyNested(filters))
            {
                terms.Add($"r{i + 1}", filters.Select(f => $"route-filter {f.Text}"), [action]);
                continue;
            }
            for (int j = 0; j < filters.Count; j++) terms.Add($"r{i + 1}-{j + 1}", [$"route-filter {filters[j].Text}"], [action]);
        }
        if (!unconditional) terms.Add("implicit-deny", [], ["reject"]);
        return terms;
    }

    /// <summary>
    /// True when one route-filter's prefix contains another's (the same prefix with another length
    /// range included). Prefixes nest or are disjoint, so in (family, network, length) order a
    /// prefix that contains any other contains the one right after it: comparing neighbours
    /// after a sort answers what comparing every pair did. The texts are distinct already.
    /// </summary>
    internal static bool AnyNested(List<(IpPrefix Prefix, string Text)> filters)
    {
        var sorted = new IpPrefix[filters.Count];
        for (int i = 0; i < sorted.Length; i++) sorted[i] = filters[i].Prefix;
        Array.Sort(sorted);
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i - 1].Contains(sorted[i])) return true;
        }
        return false;
    }

    /// <summary>
    /// Firewall-filter match conditions for one lowered rule. IPv6 terms name the upper-layer
    /// protocol with payload-protocol (it looks past extension headers such as MLD's
    /// hop-by-hop router alert). A port without a protocol matches TCP and UDP.
    /// </summary>
    public static List<string> FirewallFrom(LoweredRule rule, IpFamily family, string? forceProtocol = null)
    {
        var from = new List<string>();
        if (rule.Source is { Length: > 0 } source) from.Add($"source-address {source}");
        if (rule.Destination is { Length: > 0 } destination) from.Add($"destination-address {destination}");
        if (rule.IgmpType is { } type)
        {
            from.AddRange(JunosSyntax.IgmpType(type));
            return from;
        }
        var (protocol, port, either) = JunosSyntax.Protocol(rule.Protocol, rule.Port);
        protocol = forceProtocol ?? protocol;
        string keyword = family == IpFamily.V4 ? "protocol" : "payload-protocol";
        if (family == IpFamily.V6 && protocol == "icmp") protocol = "icmp6";
        if (protocol is not null) from.Add($"{keyword} {protocol}");
        if (port is not null)
        {
            if (protocol is null)
            {
                from.Add($"{keyword} tcp");
                from.Add($"{keyword} udp");
            }
            if (protocol is null or "tcp" or "udp") from.Add($"{(either ? "port" : "destination-port")} {port}");
        }
        return from;
    }

    /// <summary>
    /// The firewall terms of a filter's lowered rules, in order: the pieces of one policy rule
    /// that differ only in their addresses make one term, with every source and destination
    /// address listed (Junos matches a term when the packet's source is any of its
    /// source-addresses and its destination any of its destination-addresses — the cross
    /// product the lowering spelled out pair by pair). Pieces with another protocol or IGMP type
    /// stay terms of their own: a port applies to TCP and UDP only, so protocols cannot be listed
    /// together. A rule's pieces share its action, so their order among themselves means nothing.
    /// </summary>
    /// <remarks>Issue 18: a 20k-rule filter over two-prefix sets was 80k terms and 36 MB of set lines; as address lists it is 20k terms.</remarks>
    public static IEnumerable<(List<string> From, List<string> Then)> FirewallTerms(IEnumerable<LoweredRule> rules, IpFamily family, string? forceProtocol = null)
    {
        var pieces = new List<LoweredRule>();
        var terms = new List<(List<string> From, List<string> Then)>();
        // One pair for the whole filter, cleared per term: a list of each per rule was most of
        // what merging allocated (issue 18).
        var addresses = (Sources: new DistinctPrefixes("source-address "), Destinations: new DistinctPrefixes("destination-address "));
        foreach (var rule in rules)
        {
            if (pieces.Count > 0 && pieces[0].Span != rule.Span)
            {
                MergeRule(pieces, family, forceProtocol, terms, addresses);
                foreach (var term in terms) yield return term;
                pieces.Clear();
                terms.Clear();
            }
            pieces.Add(rule);
        }
        if (pieces.Count == 0) yield break;
        MergeRule(pieces, family, forceProtocol, terms, addresses);
        foreach (var term in terms) yield return term;
    }

    /// <summary>The pieces of one policy rule as terms: one per (protocol, IGMP type), in the order they first appear.</summary>
    private static void MergeRule(List<LoweredRule> pieces, IpFamily family, string? forceProtocol, List<(List<string> From, List<string> Then)> terms,
        (DistinctPrefixes Sources, DistinctPrefixes Destinations) addresses)
    {
        // A rule's pieces share its action, log and port; they differ in addresses, protocol and IGMP type.
        var kinds = new List<LoweredRule>(1);
        foreach (var piece in pieces)
        {
            bool known = false;
            foreach (var kind in kinds) known |= SameKind(kind, piece);
            if (!known) kinds.Add(piece);
        }
        var then = FirewallThen(pieces[0].Action, pieces[0].Log);
        foreach (var kind in kinds)
        {
            var (sources, destinations) = addresses;
            sources.Clear();
            destinations.Clear();
            int count = 0;
            foreach (var piece in pieces)
            {
                if (!SameKind(kind, piece)) continue;
                count++;
                sources.Add(piece.Source);
                destinations.Add(piece.Destination);
            }
            if (count != sources.Count * destinations.Count)
            {
                // Not a full cross product (the lowering always makes one): pair by pair, as before.
                foreach (var piece in pieces)
                {
                    if (SameKind(kind, piece)) terms.Add((FirewallFrom(piece, family, forceProtocol), then));
                }
                continue;
            }
            var from = new List<string>(sources.Count + destinations.Count + 2);
            // A list holding "any" (0.0.0.0/0, ::/0, or no address) is any: no condition.
            if (!sources.HasAny)
            {
                foreach (var source in sources.Items) from.Add(sources.Condition(source!.Value));
            }
            if (!destinations.HasAny)
            {
                foreach (var destination in destinations.Items) from.Add(destinations.Condition(destination!.Value));
            }
            from.AddRange(FirewallFrom(kind with { Source = null, Destination = null }, family, forceProtocol));
            terms.Add((from, then));
        }
    }

    private static bool SameKind(LoweredRule a, LoweredRule b) =>
        a.Protocol == b.Protocol && a.IgmpType == b.IgmpType && a.Port == b.Port && a.Action == b.Action && a.Log == b.Log;

    /// <summary>
    /// The distinct addresses of one field of a rule, in first-seen order. A rule names a handful
    /// per field, found by a list scan; past 16 a hash set takes over (a set of thousands).
    /// </summary>
    private sealed class DistinctPrefixes(string keyword)
    {
        private HashSet<IpPrefix?>? _seen;

        // The condition text of each address met so far in the filter: sets are named by many
        // rules, and each address was made a string twice per use (issue 18).
        private readonly Dictionary<IpPrefix, string> _conditions = [];

        /// <summary>The address as a match condition: KEYWORD PREFIX.</summary>
        public string Condition(IpPrefix prefix)
        {
            ref var text = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_conditions, prefix, out bool known);
            if (!known) text = keyword + prefix;
            return text!;
        }

        public List<IpPrefix?> Items { get; } = [];

        public int Count => Items.Count;

        /// <summary>An entry is "any" (no address, 0.0.0.0/0 or ::/0): the field then matches everything.</summary>
        public bool HasAny { get; private set; }

        public void Clear()
        {
            Items.Clear();
            _seen = null;
            HasAny = false;
        }

        public void Add(IpPrefix? prefix)
        {
            if (_seen is null)
            {
                if (Items.Contains(prefix)) return;
                if (Items.Count == 16) _seen = [.. Items];
            }
            if (_seen is not null && !_seen.Add(prefix)) return;
            Items.Add(prefix);
            HasAny |= prefix is not { Length: > 0 };
        }
    }

    /// <summary>The actions of a firewall term for a rule: accept or discard, with syslog when the rule logs.</summary>
    public static List<string> FirewallThen(RuleAction action, bool log)
    {
        var then = new List<string>();
        if (log) then.Add("syslog");
        then.Add(action == RuleAction.Permit ? "accept" : "discard");
        return then;
    }
}
