using System.Collections.Immutable;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Binding;

/// <summary>Binds filters, their rules and match terms, and classes.</summary>
public sealed class FilterBinder(SymbolTable symbols, AddressBinder addresses, DiagnosticBag diagnostics)
{
    private static readonly SetKind[] GroupKinds = [SetKind.Groups];
    private static readonly SetKind[] SourceKinds = [SetKind.Sources];
    private static readonly SetKind[] PrefixKinds = [SetKind.Prefixes];
    private static readonly SetKind[] AnyKinds = [SetKind.Sources, SetKind.Prefixes, SetKind.Groups];

    private readonly Dictionary<string, Filter?> _filters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrafficClass?> _classes = new(StringComparer.Ordinal);
    private readonly HashSet<(string Filter, string Usage)> _usageChecked = [];

    public IEnumerable<Filter> ResolvedFilters => _filters.Values.OfType<Filter>();

    public IEnumerable<TrafficClass> ResolvedClasses => _classes.Values.OfType<TrafficClass>();

    /// <summary>A named filter, checked against the place it is used.</summary>
    public Filter? ResolveFilter(NameSyntax name, FilterUsage usage)
    {
        var declaration = symbols.Find(name.Text);
        if (declaration is null)
        {
            diagnostics.Add(name.Span, c => c.UnresolvedName("filter", name.Text, symbols.NamesOf(d => d is FilterDeclSyntax)));
            return null;
        }
        if (declaration is not FilterDeclSyntax filterDecl)
        {
            diagnostics.Add(name.Span, c => c.WrongKind(name.Text, SymbolTable.KindOf(declaration), "filter"));
            return null;
        }
        var filter = BindFilter(filterDecl);
        if (filter is not null && _usageChecked.Add((filter.Name, usage.Description)))
        {
            CheckUsage(filter, usage, name.Span);
        }
        return filter;
    }

    public Filter? BindFilter(FilterDeclSyntax declaration)
    {
        if (_filters.TryGetValue(declaration.Name.Text, out var done)) return done;
        var rules = declaration.Rules.Select(BindRule).OfType<FilterRule>().ToImmutableArray();
        var filter = new Filter(declaration.Name.Text, rules, declaration.Span, declaration.Name.Span);
        _filters[declaration.Name.Text] = filter;
        return filter;
    }

    /// <summary>A filter made of rules written in place (inline), named after where it stands.</summary>
    public Filter InlineFilter(string name, IEnumerable<RuleSyntax> rules, SourceSpan span, FilterUsage usage)
    {
        var filter = new Filter(name, rules.Select(BindRule).OfType<FilterRule>().ToImmutableArray(), span, span, IsInline: true);
        CheckUsage(filter, usage, null);
        return filter;
    }

    /// <summary>A one-rule permit filter from match terms written in place (accept-register, announce-filter).</summary>
    public Filter? PermitFilter(string name, ImmutableArray<MatchTermSyntax> terms, SourceSpan span, FilterUsage usage)
    {
        var rule = new RuleSyntax(RuleAction.Permit, terms, false, span);
        return InlineFilter(name, [rule], span, usage);
    }

    public FilterRule? BindRule(RuleSyntax rule) =>
        BindMatch(rule.Terms, rule.Span) is { } match ? new FilterRule(rule.Action, match, rule.Log, rule.Span) : null;

    // Per field, its keyword and the context string address resolution is given: made once here
    // rather than for every term of every rule (Enum.ToString and ToLowerInvariant allocate).
    private static readonly string[] AddressFieldNames = ["sources", "groups", "prefixes", "from", "to", "rps"];
    private static readonly string[] AddressFieldContexts = AddressFieldNames.Select(f => $"'{f}'").ToArray();

    public Match? BindMatch(ImmutableArray<MatchTermSyntax> terms, SourceSpan span)
    {
        AddressMatch? sources = null, groups = null, prefixes = null, from = null, to = null, rps = null;
        ImmutableArray<ProtocolMatch>.Builder? protocols = null;
        ImmutableArray<IgmpMessageType>.Builder? igmpTypes = null;
        int? port = null;
        // The fields written so far, one bit each (address fields by MatchField, then protocol,
        // igmp-type, port): a rule is bound for every use of an inline filter, so no set per rule.
        int seen = 0;
        bool failed = false;
        foreach (var term in terms)
        {
            (int bit, string field) = term switch
            {
                AddressTermSyntax a => (1 << (int)a.Field, AddressFieldNames[(int)a.Field]),
                ProtocolTermSyntax => (1 << 6, "protocol"),
                IgmpTypeTermSyntax => (1 << 7, "igmp-type"),
                PortTermSyntax => (1 << 8, "port"),
                _ => (0, "any"),
            };
            if (bit != 0)
            {
                if ((seen & bit) != 0)
                {
                    diagnostics.Add(term.Span, c => c.DuplicateSetting(field, "this rule"));
                    continue;
                }
                seen |= bit;
            }
            switch (term)
            {
                case AddressTermSyntax a:
                    var kinds = a.Field switch
                    {
                        MatchField.Groups => GroupKinds,
                        MatchField.Sources => SourceKinds,
                        MatchField.Prefixes => PrefixKinds,
                        _ => AnyKinds,
                    };
                    var resolved = addresses.Resolve(a.Addresses, kinds, AddressFieldContexts[(int)a.Field]);
                    if (resolved is null)
                    {
                        failed = true;
                        break;
                    }
                    switch (a.Field)
                    {
                        case MatchField.Sources: sources = resolved; break;
                        case MatchField.Groups: groups = resolved; break;
                        case MatchField.Prefixes: prefixes = resolved; break;
                        case MatchField.From: from = resolved; break;
                        case MatchField.To: to = resolved; break;
                        case MatchField.Rps: rps = resolved; break;
                    }
                    break;
                case ProtocolTermSyntax p:
                    (protocols ??= ImmutableArray.CreateBuilder<ProtocolMatch>()).AddRange(p.Protocols);
                    break;
                case IgmpTypeTermSyntax t:
                    (igmpTypes ??= ImmutableArray.CreateBuilder<IgmpMessageType>()).AddRange(t.Types);
                    break;
                case PortTermSyntax p:
                    port = p.Port;
                    break;
            }
        }
        return failed ? null : new Match(sources, groups, prefixes, from, to, rps,
            protocols?.ToImmutable() ?? [], igmpTypes?.ToImmutable() ?? [], port, span);
    }

    public TrafficClass? ResolveClass(NameSyntax name)
    {
        var declaration = symbols.Find(name.Text);
        if (declaration is null)
        {
            diagnostics.Add(name.Span, c => c.UnresolvedName("class", name.Text, symbols.NamesOf(d => d is ClassDeclSyntax)));
            return null;
        }
        if (declaration is not ClassDeclSyntax cls)
        {
            diagnostics.Add(name.Span, c => c.WrongKind(name.Text, SymbolTable.KindOf(declaration), "class"));
            return null;
        }
        return BindClass(cls);
    }

    public TrafficClass? BindClass(ClassDeclSyntax cls)
    {
        if (_classes.TryGetValue(cls.Name.Text, out var done)) return done;
        TrafficClass? result = null;
        if (cls.MatchSpan is null)
        {
            diagnostics.Add(cls.Name.Span, c => c.MissingSetting("match", $"class '{cls.Name.Text}'", "write 'match groups NAME;' to say which streams the class covers"));
        }
        else if (cls.Cost is null)
        {
            if (cls.CostSpan is null)
                diagnostics.Add(cls.Name.Span, c => c.MissingSetting("cost", $"class '{cls.Name.Text}'", "write 'cost 4Mbps;' with the bandwidth of one stream"));
        }
        else if (BindMatch(cls.Match, cls.MatchSpan.Value) is { } match)
        {
            result = new TrafficClass(cls.Name.Text, match, cls.Cost.Value, cls.Span, cls.Name.Span);
            var misplaced = match.UsedFields().Where(f => f is not ("sources" or "groups")).ToList();
            if (misplaced.Count > 0)
            {
                diagnostics.Add(cls.MatchSpan.Value, c => c.MatchNotMeaningful(misplaced[0], "a class", "sources, groups"));
                result = null;
            }
        }
        _classes[cls.Name.Text] = result;
        return result;
    }

    private static readonly int SourcesBit = FilterUsage.FieldBit("sources"), GroupsBit = FilterUsage.FieldBit("groups"),
        PrefixesBit = FilterUsage.FieldBit("prefixes"), FromBit = FilterUsage.FieldBit("from"), ToBit = FilterUsage.FieldBit("to"),
        RpsBit = FilterUsage.FieldBit("rps"), ProtocolBit = FilterUsage.FieldBit("protocol"), IgmpTypeBit = FilterUsage.FieldBit("igmp-type"),
        PortBit = FilterUsage.FieldBit("port");

    /// <summary>The fields a match uses (<see cref="Match.UsedFields"/>) as <see cref="FilterUsage.FieldBit"/> bits.</summary>
    private static int FieldMask(Match match) =>
        (match.Sources is not null ? SourcesBit : 0) |
        (match.Groups is not null ? GroupsBit : 0) |
        (match.Prefixes is not null ? PrefixesBit : 0) |
        (match.From is not null ? FromBit : 0) |
        (match.To is not null ? ToBit : 0) |
        (match.Rps is not null ? RpsBit : 0) |
        (!match.Protocols.IsDefaultOrEmpty ? ProtocolBit : 0) |
        (!match.IgmpTypes.IsDefaultOrEmpty ? IgmpTypeBit : 0) |
        (match.Port is not null ? PortBit : 0);

    private void CheckUsage(Filter filter, FilterUsage usage, SourceSpan? useSite)
    {
        int allowed = usage.FieldMask;
        foreach (var rule in filter.Rules)
        {
            // Nearly every rule fits; a bit test says so without walking its fields by name.
            if ((FieldMask(rule.Match) & ~allowed) == 0) continue;
            foreach (var field in rule.Match.UsedFields())
            {
                if (usage.Fields.Contains(field)) continue;
                var template = DiagnosticCatalog.Instance.MatchNotMeaningful(field, usage.Description, string.Join(", ", usage.Fields));
                if (useSite is { } site) template = template.WithRelated(site, $"filter '{filter.Name}' is used here");
                diagnostics.Add(template.At(rule.Span));
            }
        }
    }
}
