using PolicyKit.Engine.Matching;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Compiled;

/// <summary>
/// A first-match (S,G) filter of the table, compiled: the first rule that matches decides and
/// nothing matched is denied (as every router ACL). Used for IGMP/MLD access filters, the
/// group range, accept-register and MSDP SA filters.
/// </summary>
public sealed class CompiledFilter
{
    private readonly FirstMatchIndex _index;
    private readonly bool[] _permit;

    internal CompiledFilter(int index, TableFilter filter, SetCache sets)
    {
        Index = index;
        Source = filter;
        _index = new FirstMatchIndex(filter.Rules.Select(r => new MatchEntry(r.Sources, r.Groups, r.From)).ToList(), sets);
        _permit = filter.Rules.Select(r => r.Action == RuleAction.Permit).ToArray();
        UsesHost = filter.Rules.Any(r => r.From is { IsAny: false });
    }

    /// <summary>True when some rule has a host (<c>from</c>) term: then the result depends on who reports, not only on (S,G).</summary>
    public bool UsesHost { get; }

    public int Index { get; }

    public TableFilter Source { get; }

    public string Name => Source.Name;

    /// <summary>Elementary group intervals of the compiled index (for tests and sizing).</summary>
    public int IntervalCount => _index.IntervalCount;

    /// <summary>Permit or deny for the channel (S,G) reported by <paramref name="host"/>, with the deciding rule.</summary>
    public bool Permits(in Address group, in Address source, in Address host, out RuleRef rule)
    {
        int i = _index.Find(group, source, host);
        if (i < 0)
        {
            rule = new RuleRef(RuleKind.FilterDefault, Index, -1);
            return false;
        }
        rule = new RuleRef(RuleKind.FilterRule, Index, i);
        return _permit[i];
    }
}

/// <summary>A BGP prefix filter of the table, compiled (see <see cref="PrefixIndex"/>).</summary>
public sealed class CompiledPrefixFilter
{
    private readonly PrefixIndex _index;

    internal CompiledPrefixFilter(int index, PrefixFilter filter)
    {
        Index = index;
        Source = filter;
        _index = new PrefixIndex(filter.Rules);
    }

    public int Index { get; }

    public PrefixFilter Source { get; }

    public bool Permits(in Address network, int length, out RuleRef rule)
    {
        int i = _index.Find(network, length);
        if (i < 0)
        {
            rule = new RuleRef(RuleKind.PrefixDefault, Index, -1);
            return false;
        }
        rule = new RuleRef(RuleKind.PrefixRule, Index, i);
        return Source.Rules[i].Action == RuleAction.Permit;
    }
}
