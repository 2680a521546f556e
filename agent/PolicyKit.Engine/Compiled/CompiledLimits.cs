using PolicyKit.Engine.Matching;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Compiled;

/// <summary>
/// A count limit on membership entries (<c>ip igmp limit N except ACL</c>): interface limits and
/// the router-wide cap. Entries whose group the except list matches never count.
/// </summary>
public sealed class CompiledGroupLimit
{
    private readonly CompiledSet? _except;
    private readonly bool _single;
    private readonly uint _first;
    private readonly uint _last;

    internal CompiledGroupLimit(GroupLimitEntry entry, SetCache sets)
    {
        Source = entry;
        Max = entry.Max;
        _except = entry.Except is null ? null : sets.Get(entry.Except);
        _single = _except is not null && _except.IsSingleV4(out _first, out _last);
    }

    public GroupLimitEntry Source { get; }

    public int Max { get; }

    /// <summary>True when an entry for <paramref name="group"/> counts (is not excepted).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool Counts(in Address group)
    {
        if (_except is null) return true;
        // The usual except list is one range (the channel guide): checked inline.
        if (_single) return group.Family != AddressFamily.V4 || group.Low32 - _first > _last - _first;
        return !_except.Contains(group.Family, group.Value);
    }
}

/// <summary>IGMP or MLD policy of one interface (the device default limit already applied by the compiler).</summary>
public sealed class CompiledMembership
{
    internal CompiledMembership(MembershipEntry entry, CompiledFilter? access, SetCache sets)
    {
        Source = entry;
        MinVersion = entry.MinVersion;
        Access = access;
        Limit = entry.Limit is null ? null : new CompiledGroupLimit(entry.Limit, sets);
    }

    public MembershipEntry Source { get; }

    /// <summary><c>ip igmp version</c>: reports older than this are ignored (0 = any version).</summary>
    public int MinVersion { get; }

    /// <summary><c>ip igmp access-group</c>; null = every join passes.</summary>
    public CompiledFilter? Access { get; }

    /// <summary><c>ip igmp limit N except ACL</c> on the interface; null = no interface limit.</summary>
    public CompiledGroupLimit? Limit { get; }
}

/// <summary>
/// A per-interface state limit, <c>ip multicast limit [rpf|out|connected] ACL MAX</c>. It selects
/// the states its sources/groups match; a count limit charges each 1, a cost limit charges the
/// cost of the first of its classes (in order) that matches (<c>ip multicast limit cost</c>),
/// else the default cost. <see cref="Slot"/> numbers the limit across the whole table (usage array).
/// </summary>
public sealed class CompiledStateLimit
{
    private readonly CompiledSet _sources;
    private readonly CompiledSet _groups;
    private readonly FirstMatchIndex? _classes;
    private readonly long[] _classCosts;

    internal CompiledStateLimit(StateLimitEntry entry, int interfaceIndex, int position, int slot, IReadOnlyList<CostClass> classes, SetCache sets)
    {
        Source = entry;
        InterfaceIndex = interfaceIndex;
        Position = position;
        Slot = slot;
        Max = entry.Max;
        _sources = sets.Get(entry.Sources);
        _groups = sets.Get(entry.Groups);
        var ordered = entry.CostBased ? entry.Classes.Select(i => classes[i]).ToList() : [];
        _classes = ordered.Count == 0 ? null : new FirstMatchIndex(ordered.Select(c => new MatchEntry(c.Sources, c.Groups, null)).ToList(), sets);
        _classCosts = ordered.Select(c => c.CostBps).ToArray();
    }

    public StateLimitEntry Source { get; }

    public LimitDirection Direction => Source.Direction;

    public int InterfaceIndex { get; }

    /// <summary>Position among the interface's limits (as written).</summary>
    public int Position { get; }

    /// <summary>Index of this limit's usage counter within the table.</summary>
    public int Slot { get; }

    /// <summary>The maximum: a count, or bits per second for a cost limit.</summary>
    public long Max { get; }

    public bool Selects(in Address source, in Address group) =>
        _sources.Contains(source.Family, source.Value) && _groups.Contains(group.Family, group.Value);

    /// <summary>What one state (S,G) costs here: 1 for a count limit; the first matching class's cost, else the default cost.</summary>
    public long Charge(in Address source, in Address group)
    {
        if (!Source.CostBased) return 1;
        if (_classes is null) return Source.DefaultCostBps;
        int i = _classes.Find(group, source, Address.None);
        return i < 0 ? Source.DefaultCostBps : _classCosts[i];
    }
}

/// <summary>One interface of the table with its membership policies and state limits by direction.</summary>
public sealed class CompiledInterface
{
    internal CompiledInterface(int index, InterfaceEntry entry, CompiledMembership? igmp, CompiledMembership? mld, CompiledStateLimit[] limits)
    {
        Index = index;
        Source = entry;
        Igmp = igmp;
        Mld = mld;
        StateLimits = limits;
        Rpf = limits.Where(l => l.Direction == LimitDirection.Rpf).ToArray();
        Out = limits.Where(l => l.Direction == LimitDirection.Out).ToArray();
        Connected = limits.Where(l => l.Direction == LimitDirection.Connected).ToArray();
    }

    public int Index { get; }

    public InterfaceEntry Source { get; }

    public string Name => Source.Name;

    public CompiledMembership? Igmp { get; }

    public CompiledMembership? Mld { get; }

    public CompiledStateLimit[] StateLimits { get; }

    internal CompiledStateLimit[] Rpf { get; }

    internal CompiledStateLimit[] Out { get; }

    internal CompiledStateLimit[] Connected { get; }

    public CompiledMembership? Membership(AddressFamily family) => family == AddressFamily.V4 ? Igmp : Mld;
}

/// <summary>An MSDP peer: SA filters in and out, SA limit.</summary>
public sealed class CompiledMsdpPeer
{
    internal CompiledMsdpPeer(int index, MsdpPeerEntry entry, CompiledFilter? filterIn, CompiledFilter? filterOut)
    {
        Index = index;
        Source = entry;
        Address = new Address(entry.Family, entry.Address);
        FilterIn = filterIn;
        FilterOut = filterOut;
    }

    public int Index { get; }

    public MsdpPeerEntry Source { get; }

    public Address Address { get; }

    public CompiledFilter? FilterIn { get; }

    public CompiledFilter? FilterOut { get; }

    /// <summary><c>ip msdp sa-limit</c>; -1 = none.</summary>
    public int SaLimit => Source.SaLimit;
}

/// <summary>A BGP neighbor: inbound prefix filter and max-prefix with its warning count.</summary>
public sealed class CompiledBgpPeer
{
    internal CompiledBgpPeer(int index, BgpPeerEntry entry, CompiledPrefixFilter? filterIn)
    {
        Index = index;
        Source = entry;
        Address = new Address(entry.Family, entry.Address);
        FilterIn = filterIn;
    }

    public int Index { get; }

    public BgpPeerEntry Source { get; }

    public Address Address { get; }

    public CompiledPrefixFilter? FilterIn { get; }

    /// <summary><c>neighbor … maximum-prefix</c>; -1 = none.</summary>
    public int MaxPrefix => Source.MaxPrefix;

    /// <summary>The count above which the warning fires; -1 = none.</summary>
    public int WarnCount => Source.WarnCount;
}
