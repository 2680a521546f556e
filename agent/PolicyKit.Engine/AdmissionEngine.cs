using System.Runtime.CompilerServices;
using PolicyKit.Engine.Compiled;
using PolicyKit.Engine.State;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine;

/// <summary>
/// The admission engine of mpol-agent: decisions for IGMP/MLD joins, multicast state, MSDP SAs,
/// PIM registers and BGP prefixes over one compiled table, with the state those decisions create.
///
/// <para><b>Time.</b> Every call takes <c>now</c>, a monotonic timestamp in <see cref="TimeSpan"/>
/// ticks (100 ns) chosen by the caller (the agent passes <c>Stopwatch</c>-derived time, replay
/// passes recorded time); the engine never reads a clock. A <c>now</c> earlier than one already
/// seen is taken as the latest seen. Entries whose expiry is at or before <c>now</c> are gone
/// before the call decides.</para>
///
/// <para><b>Tables.</b> <see cref="Load"/> publishes a new table through one volatile reference;
/// it may be called from any thread. Each decision reads that reference once, so no decision sees
/// half of a table. The first decision after a swap re-binds the existing state to the new table
/// (by interface name and peer address) and recounts every limit's use under it; state is never
/// dropped by a swap. When a new table lowers a limit below its current use, existing entries
/// stay and new admissions are refused until the use falls below the new limit.</para>
///
/// <para><b>Threads.</b> Apart from <see cref="Load"/> and <see cref="Table"/>, an engine is
/// single-writer: decisions and queries must not run concurrently (the agent feeds one engine
/// from one loop; shard by device for more cores). Decisions allocate nothing once the state
/// tables are sized (<see cref="EngineOptions"/>).</para>
/// </summary>
public sealed partial class AdmissionEngine
{
    private const long TicksPerSecond = TimeSpan.TicksPerSecond;

    private readonly EngineOptions _options;
    private readonly long _membershipTicks;
    private readonly long _stateTicks;
    private readonly long _saTicks;
    private readonly Dictionary<string, int> _interfaceIds = new(StringComparer.Ordinal);
    private readonly List<string> _interfaceNames = [];

    private readonly StateTable<Membership4Key, MembershipMemo> _members4;
    private readonly StateTable<MembershipKey, MembershipMemo> _members6;
    private int _generation;
    private readonly StateTable<RouteKey, RouteValue> _routes;
    private readonly StateTable<OutputKey, OutputValue> _outputs;
    private readonly StateTable<SaKey, Address> _sas;
    private readonly StateTable<RouteKey, Bucket> _buckets;
    private readonly StateTable<PrefixKey, byte> _prefixes;

    private CompiledTable _published;
    private Binding? _binding;
    private long _now = long.MinValue;

    public AdmissionEngine(CompiledTable table, EngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        _options = options ?? EngineOptions.Default;
        _membershipTicks = _options.MembershipTimeout.Ticks;
        _stateTicks = _options.StateTimeout.Ticks;
        _saTicks = _options.SaTimeout.Ticks;
        _members4 = new(_options.MembershipCapacity);
        _members6 = new(Math.Max(16, _options.MembershipCapacity / 8));
        _routes = new(_options.RouteCapacity);
        _outputs = new(_options.OutputCapacity);
        _sas = new(_options.SaCapacity);
        _buckets = new(_options.RegisterCapacity);
        _prefixes = new(_options.PrefixCapacity);
        _interfaceIds.EnsureCapacity(_options.InterfaceCapacity);
        _published = table;
        _binding = Bind(table);
    }

    /// <summary>The table decisions are made with from now on (the last one <see cref="Load"/> published).</summary>
    public CompiledTable Table => Volatile.Read(ref _published);

    /// <summary>The latest time the engine has seen.</summary>
    public long Now => _now;

    /// <summary>
    /// Publishes a new table, atomically: every later decision uses it whole, no decision uses a
    /// mix. Safe from any thread. State is kept and re-bound by interface name and peer address.
    /// </summary>
    public void Load(CompiledTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        Volatile.Write(ref _published, table);
    }

    /// <summary>The stable id of an interface name (registered on first use; valid across tables).</summary>
    public InterfaceId Interface(string name)
    {
        if (_interfaceIds.TryGetValue(name, out int id)) return new InterfaceId(id);
        id = _interfaceNames.Count;
        _interfaceNames.Add(name);
        _interfaceIds.Add(name, id);
        var b = _binding!;
        if (id >= b.Map.Length)
        {
            int old = b.Map.Length;
            Array.Resize(ref b.Map, Math.Max(old * 2, id + 1));
            Array.Fill(b.Map, -1, old, b.Map.Length - old);
            Array.Resize(ref b.DefaultMembers, b.Map.Length * 2);
        }
        b.Map[id] = b.Table.FindInterface(name);
        return new InterfaceId(id);
    }

    public string InterfaceName(InterfaceId id) => (uint)id.Value < (uint)_interfaceNames.Count ? _interfaceNames[id.Value] : $"#{id.Value}";

    /// <summary>Advances time to <paramref name="now"/>, freeing every entry that expired (membership, state, SA, register buckets).</summary>
    public void Advance(long now) => Enter(now);

    /// <summary>Number of live entries of each kind (for telemetry and tests), as of the latest time seen.</summary>
    public int MembershipEntries => Count(_members4) + _members6.Count;

    public int RouteCount => Count(_routes);

    public int OutputCount => Count(_outputs);

    public int SaEntries => Count(_sas);

    public int PrefixEntries => Count(_prefixes);

    public int RegisterBuckets => Count(_buckets);

    private int Count<TKey, TValue>(StateTable<TKey, TValue> table)
        where TKey : struct, IEquatable<TKey>
    {
        if (_now != long.MinValue) Settled();
        return table.Count;
    }

    /// <summary>Entries counted against an interface's IGMP (V4) or MLD (V6) limit.</summary>
    public int MembershipCount(InterfaceId id, AddressFamily family)
    {
        var b = Settled();
        int ti = MapInterface(b, id);
        if (ti >= 0) return b.Members[ti * 2 + FamilyIndex(family)];
        // An interface the table does not name: the entries its default limit counts.
        return (uint)id.Value < (uint)b.Map.Length ? b.DefaultMembers[id.Value * 2 + FamilyIndex(family)] : 0;
    }

    /// <summary>Entries counted against the router-wide IGMP (V4) or MLD (V6) cap.</summary>
    public int RouterMembershipCount(AddressFamily family) => Settled().Caps[FamilyIndex(family)];

    /// <summary>Use of an interface's state limit (by its position among the interface's limits): states or bits per second.</summary>
    public long StateLimitUse(InterfaceId id, int position)
    {
        var b = Settled();
        int ti = MapInterface(b, id);
        return ti < 0 ? 0 : b.StateUsed[b.Table.Interfaces[ti].StateLimits[position].Slot];
    }

    public int SaCount(Address peer)
    {
        var b = Settled();
        int pi = b.Table.FindMsdpPeer(peer);
        return pi < 0 ? 0 : b.SaUsed[pi];
    }

    public int PrefixCount(Address peer)
    {
        var b = Settled();
        int pi = b.Table.FindBgpPeer(peer);
        return pi < 0 ? 0 : b.PrefixUsed[pi];
    }

    /// <summary>Every limit of the current table with its use (for telemetry: limit, used, percent).</summary>
    public IReadOnlyList<LimitUsage> Usage()
    {
        var b = Settled();
        var t = b.Table;
        var list = new List<LimitUsage>();
        if (t.RouteLimit >= 0) list.Add(new(new RuleRef(RuleKind.RouteLimit, -1, -1), _routes.Count, t.RouteLimit));
        if (t.IgmpCap is { } igmp) list.Add(new(new RuleRef(RuleKind.RouterLimit, -1, 4), b.Caps[0], igmp.Max));
        if (t.MldCap is { } mld) list.Add(new(new RuleRef(RuleKind.RouterLimit, -1, 6), b.Caps[1], mld.Max));
        foreach (var iface in t.Interfaces)
        {
            if (iface.Igmp?.Limit is { } il) list.Add(new(new RuleRef(RuleKind.InterfaceLimit, iface.Index, 4), b.Members[iface.Index * 2], il.Max));
            if (iface.Mld?.Limit is { } ml) list.Add(new(new RuleRef(RuleKind.InterfaceLimit, iface.Index, 6), b.Members[iface.Index * 2 + 1], ml.Max));
            foreach (var l in iface.StateLimits) list.Add(new(new RuleRef(RuleKind.StateLimit, iface.Index, l.Position), b.StateUsed[l.Slot], l.Max));
        }
        foreach (var p in t.MsdpPeers.Where(p => p.SaLimit >= 0)) list.Add(new(new RuleRef(RuleKind.SaLimit, p.Index, -1), b.SaUsed[p.Index], p.SaLimit));
        foreach (var p in t.BgpPeers.Where(p => p.MaxPrefix >= 0)) list.Add(new(new RuleRef(RuleKind.MaxPrefix, p.Index, -1), b.PrefixUsed[p.Index], p.MaxPrefix));
        return list;
    }

    // ── Binding: the state's counts under one table ──────────────────────────────────────

    /// <summary>Limit use under one table. Rebuilt (recounted from the state) when a new table is first used.</summary>
    private sealed class Binding(CompiledTable table, int interfaces, int generation)
    {
        public readonly CompiledTable Table = table;

        /// <summary>Numbers the bindings of this engine: a membership memo is valid only under the binding that wrote it.</summary>
        public readonly int Generation = generation;
        public int[] Map = new int[interfaces];
        public readonly int[] Members = new int[table.Interfaces.Length * 2];

        /// <summary>Entries counted against the default limit, per interface id × 2 (IGMP, MLD), for interfaces the table does not name.</summary>
        public int[] DefaultMembers = new int[interfaces * 2];
        public readonly int[] Caps = new int[2];
        public readonly long[] StateUsed = new long[table.StateLimitCount];
        public readonly int[] SaUsed = new int[table.MsdpPeers.Length];
        public readonly int[] PrefixUsed = new int[table.BgpPeers.Length];
    }

    private Binding Current()
    {
        var table = Volatile.Read(ref _published);
        if (!ReferenceEquals(table, _binding!.Table)) _binding = Bind(table);
        return _binding;
    }

    /// <summary>Which state tables a decision depends on: only their expired entries must be gone before it decides.</summary>
    [Flags]
    private enum Tables : byte
    {
        Members = 1,
        Routes = 2,
        Sas = 4,
        Buckets = 8,
        All = Members | Routes | Sas | Buckets,
    }

    /// <summary>
    /// The binding for this decision (re-bound if a new table was published), with time advanced and
    /// the expired entries of the tables the decision depends on freed. Other tables are expired
    /// lazily (by their own decisions, by <see cref="Advance"/>, and before every count is read), which
    /// no decision can observe: a join depends only on memberships, a state only on routes, and so on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Binding Enter(long now, Tables tables = Tables.All)
    {
        var b = Current();
        if (now > _now) _now = now;
        now = _now;
        if ((tables & Tables.Members) != 0 && (_members4.NextExpired(now) >= 0 || _members6.NextExpired(now) >= 0)) ExpireMembers(b, now);
        if ((tables & Tables.Routes) != 0 && _routes.NextExpired(now) >= 0) ExpireRoutes(b, now);
        if ((tables & Tables.Sas) != 0 && _sas.NextExpired(now) >= 0) ExpireSas(b, now);
        if ((tables & Tables.Buckets) != 0 && _buckets.NextExpired(now) >= 0) ExpireBuckets(now);
        return b;
    }

    private void ExpireMembers(Binding b, long now)
    {
        int slot;
        while ((slot = _members4.NextExpired(now)) >= 0) RemoveMember(b, _members4, slot);
        while ((slot = _members6.NextExpired(now)) >= 0) RemoveMember(b, _members6, slot);
    }

    private void ExpireRoutes(Binding b, long now)
    {
        int slot;
        while ((slot = _routes.NextExpired(now)) >= 0) RemoveRoute(b, slot);
    }

    private void ExpireSas(Binding b, long now)
    {
        int slot;
        while ((slot = _sas.NextExpired(now)) >= 0) RemoveSa(b, slot);
    }

    private void ExpireBuckets(long now)
    {
        int slot;
        while ((slot = _buckets.NextExpired(now)) >= 0) _buckets.Remove(slot);
    }

    /// <summary>The binding with every table expired up to the latest time seen: what count queries read.</summary>
    private Binding Settled() => Enter(_now);

    private Binding Bind(CompiledTable table)
    {
        // A new register rate starts every (S,G) with a full bucket of the new size.
        if (_binding is not null && _binding.Table.RegisterRate != table.RegisterRate)
        {
            for (int slot = 0; slot < _buckets.HighWater; slot++)
            {
                if (_buckets.IsLive(slot)) _buckets.Remove(slot);
            }
        }
        var b = new Binding(table, Math.Max(_interfaceNames.Count, _options.InterfaceCapacity), ++_generation);
        Array.Fill(b.Map, -1);
        for (int id = 0; id < _interfaceNames.Count; id++) b.Map[id] = table.FindInterface(_interfaceNames[id]);

        for (int slot = 0; slot < _members4.HighWater; slot++)
        {
            if (_members4.IsLive(slot)) CountMember(b, _members4.Key(slot).Interface, _members4.Key(slot).GroupAddress, +1);
        }
        for (int slot = 0; slot < _members6.HighWater; slot++)
        {
            if (_members6.IsLive(slot)) CountMember(b, _members6.Key(slot).Interface, _members6.Key(slot).GroupAddress, +1);
        }
        for (int slot = 0; slot < _routes.HighWater; slot++)
        {
            if (!_routes.IsLive(slot)) continue;
            ref readonly var key = ref _routes.Key(slot);
            ref var route = ref _routes.Value(slot);
            ChargeIncoming(b, key.SourceAddress, key.GroupAddress, route.Rpf, route.Connected, +1);
            for (int o = route.FirstOutput; o >= 0; o = _outputs.Value(o).Next)
                ChargeOutgoing(b, key.SourceAddress, key.GroupAddress, _outputs.Key(o).Interface, +1);
        }
        for (int slot = 0; slot < _sas.HighWater; slot++)
        {
            if (!_sas.IsLive(slot)) continue;
            int pi = table.FindMsdpPeer(_sas.Key(slot).Peer);
            if (pi >= 0) b.SaUsed[pi]++;
        }
        for (int slot = 0; slot < _prefixes.HighWater; slot++)
        {
            if (!_prefixes.IsLive(slot)) continue;
            int pi = table.FindBgpPeer(_prefixes.Key(slot).Peer);
            if (pi >= 0) b.PrefixUsed[pi]++;
        }
        return b;
    }

    private static int MapInterface(Binding b, InterfaceId id) => (uint)id.Value < (uint)b.Map.Length ? b.Map[id.Value] : -1;

    private static int FamilyIndex(AddressFamily family) => family == AddressFamily.V4 ? 0 : 1;

    private static int FamilyItem(AddressFamily family) => family == AddressFamily.V4 ? 4 : 6;

    private static Decision Admit(Binding b, DecisionFlags flags, RuleRef rule, RuleRef limit = default, long used = 0, long max = -1) =>
        new(b.Table, Verdict.Admit, DenyReason.None, flags, rule, limit, used, max);

    /// <summary>
    /// A deny — or, when the scope that denies is in audit, an admit that says "would deny" (same
    /// reason, rule and limit state; <see cref="DecisionFlags.Audit"/>). Every deny of the engine
    /// is made here or in <see cref="Refused"/>, so audit applies to each reason alike (but a
    /// malformed event, <see cref="DenyReason.InvalidEvent"/>, which no rule of the policy decides).
    /// <paramref name="iface"/> is the table index of the interface whose own rule denies (an
    /// access filter's), or -1 to take it from the rule (minimum version, interface and state
    /// limits name their interface) or to mean a router-wide rule (audited with the device only).
    /// </summary>
    private static Decision Deny(Binding b, DenyReason reason, RuleRef rule, long used = 0, long max = -1, bool ruleIsLimit = false, int iface = -1)
    {
        // A malformed event is no policy decision: it is refused in audit too.
        bool audit = reason != DenyReason.InvalidEvent && b.Table.Audits(rule, iface);
        return new(b.Table, audit ? Verdict.Admit : Verdict.Deny, reason, audit ? DecisionFlags.Audit : DecisionFlags.None, rule, ruleIsLimit ? rule : default, used, max);
    }

    /// <summary>A deny by a rule (not a limit), kept out of line so hot paths stay small.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Decision Refused(Binding b, DenyReason reason, RuleRef rule, int iface = -1) => Deny(b, reason, rule, iface: iface);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool WellFormed(in Address source, in Address group) =>
        (group.Family == AddressFamily.V4 || group.Family == AddressFamily.V6) && (source.IsNone || source.Family == group.Family);

    private static Address SourceOrWildcard(in Address source, in Address group) => source.IsNone ? Address.Wildcard(group.Family) : source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long Expiry(long ticks) => ticks <= 0 ? StateTable<RouteKey, byte>.Never : _now + ticks;
}

/// <summary>One limit of the current table and its use (entries, states or bits per second).</summary>
public readonly record struct LimitUsage(RuleRef Limit, long Used, long Max);
