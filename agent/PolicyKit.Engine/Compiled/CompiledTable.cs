using System.Collections.Frozen;
using PolicyKit.Engine.Matching;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Compiled;

/// <summary>
/// An <see cref="AdmissionTable"/> compiled for the engine, once per load: interfaces by name,
/// every filter as a first-match interval index (<see cref="FirstMatchIndex"/>), state limits
/// numbered across the table, cost classes per limit in the limit's order, peers by address,
/// prefix filters by length. Immutable, so any number of engines and threads may read it; the
/// engine swaps whole tables (<see cref="AdmissionEngine.Load"/>).
/// </summary>
public sealed partial class CompiledTable
{
    private readonly FrozenDictionary<string, int> _interfaces;
    private readonly Dictionary<Address, int> _msdpPeers;
    private readonly Dictionary<Address, int> _bgpPeers;

    private CompiledTable(AdmissionTable source)
    {
        Source = source;
        Validate(source);
        var sets = new SetCache();

        Filters = source.Filters.Select((f, i) => new CompiledFilter(i, f, sets)).ToArray();
        PrefixFilters = source.PrefixFilters.Select((f, i) => new CompiledPrefixFilter(i, f)).ToArray();

        var router = source.Router;
        GroupRange = FilterAt(router.GroupRangeFilter);
        AcceptRegister = FilterAt(router.AcceptRegisterFilter);
        Ssm = sets.Get(router.Ssm);
        IgmpCap = router.IgmpCap is null ? null : new CompiledGroupLimit(router.IgmpCap, sets);
        MldCap = router.MldCap is null ? null : new CompiledGroupLimit(router.MldCap, sets);
        IgmpDefault = router.IgmpDefault is null ? null : new CompiledGroupLimit(router.IgmpDefault, sets);
        MldDefault = router.MldDefault is null ? null : new CompiledGroupLimit(router.MldDefault, sets);
        MsdpRedistribute = FilterAt(router.MsdpRedistributeFilter);

        int slot = 0;
        var interfaces = new CompiledInterface[source.Interfaces.Length];
        for (int i = 0; i < interfaces.Length; i++)
        {
            var entry = source.Interfaces[i];
            var limits = new CompiledStateLimit[entry.StateLimits.Length];
            for (int k = 0; k < limits.Length; k++) limits[k] = new CompiledStateLimit(entry.StateLimits[k], i, k, slot++, source.Classes, sets);
            interfaces[i] = new CompiledInterface(i, entry, Membership(entry.Igmp, sets), Membership(entry.Mld, sets), limits);
        }
        Interfaces = interfaces;
        DeviceAudit = router.AuditLocation >= 0;
        _interfaceAudit = source.Interfaces.Select(i => i.InAudit).ToArray();
        MembershipRows = new MembershipRow[interfaces.Length * 2];
        for (int i = 0; i < interfaces.Length; i++)
        {
            MembershipRows[i * 2] = MembershipRow.Of(interfaces[i].Igmp);
            MembershipRows[i * 2 + 1] = MembershipRow.Of(interfaces[i].Mld);
        }
        StateLimitCount = slot;
        _interfaces = interfaces.Select(x => x.Name).Distinct(StringComparer.Ordinal).Count() == interfaces.Length
            ? interfaces.ToFrozenDictionary(x => x.Name, x => x.Index, StringComparer.Ordinal)
            : throw new ArgumentException("the table names an interface twice", nameof(source));

        MsdpPeers = source.MsdpPeers.Select((p, i) => new CompiledMsdpPeer(i, p, FilterAt(p.SaFilterIn), FilterAt(p.SaFilterOut))).ToArray();
        BgpPeers = source.BgpPeers.Select((p, i) => new CompiledBgpPeer(i, p, p.PrefixFilterIn >= 0 ? PrefixFilters[p.PrefixFilterIn] : null)).ToArray();
        _msdpPeers = [];
        foreach (var peer in MsdpPeers) _msdpPeers.TryAdd(peer.Address, peer.Index);
        _bgpPeers = [];
        foreach (var peer in BgpPeers) _bgpPeers.TryAdd(peer.Address, peer.Index);
    }

    /// <summary>
    /// Compiles a table. Throws <see cref="ArgumentException"/> for a table whose references are
    /// broken (a corrupt file, never a policy mistake). A table that passed the reader's
    /// structural rules (<c>TableValidator</c>) does not fail here; <see cref="TryBuild"/> is for
    /// callers that must not fail even so (the agent's loads).
    /// </summary>
    public static CompiledTable Build(AdmissionTable table) => new(table ?? throw new ArgumentNullException(nameof(table)));

    /// <summary>
    /// <see cref="Build"/> that reports instead of throwing: false with one sentence ("invalid
    /// table: …", as the reader words its refusals) for a table the engine cannot use — a rule
    /// the validator missed, or a limit of the engine's own (more than 32767 distinct candidate
    /// lists in one filter). The second line of defence behind the reader, so a load never throws.
    /// </summary>
    public static bool TryBuild(AdmissionTable table, out CompiledTable? compiled, out string error)
    {
        ArgumentNullException.ThrowIfNull(table);
        try
        {
            compiled = new CompiledTable(table);
            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or IndexOutOfRangeException or InvalidOperationException or OverflowException)
        {
            compiled = null;
            error = $"invalid table: the engine cannot use it: {e.Message}";
            return false;
        }
    }

    public AdmissionTable Source { get; }

    private readonly bool[] _interfaceAudit;

    /// <summary>The whole device is in audit: every deny is reported as "would deny" and admitted.</summary>
    public bool DeviceAudit { get; }

    /// <summary>Whether an interface (table index) is in audit: its own rules' denies are reported, not enforced.</summary>
    public bool InterfaceAudit(int index) => DeviceAudit || ((uint)index < (uint)_interfaceAudit.Length && _interfaceAudit[index]);

    /// <summary>
    /// Whether a deny by <paramref name="rule"/> is only reported: the device is in audit, or the
    /// rule belongs to an interface in audit — its minimum version, its limit, its state limits, or
    /// (<paramref name="iface"/>, the interface the filter was applied on) its access filter.
    /// Router-wide rules (group range, SSM range, caps, route limit, MSDP, register, BGP) are
    /// audited with the device only.
    /// </summary>
    public bool Audits(RuleRef rule, int iface = -1)
    {
        if (DeviceAudit) return true;
        if (iface < 0 && rule.Kind is RuleKind.MinimumVersion or RuleKind.InterfaceLimit or RuleKind.StateLimit) iface = rule.Owner;
        return iface >= 0 && InterfaceAudit(iface);
    }

    public string Device => Source.Header.Device;

    public CompiledInterface[] Interfaces { get; }

    public CompiledFilter[] Filters { get; }

    public CompiledPrefixFilter[] PrefixFilters { get; }

    public CompiledMsdpPeer[] MsdpPeers { get; }

    public CompiledBgpPeer[] BgpPeers { get; }

    /// <summary><c>ip multicast group-range</c>; null = every group allowed.</summary>
    public CompiledFilter? GroupRange { get; }

    /// <summary><c>ip pim accept-register</c>; null = every register accepted.</summary>
    public CompiledFilter? AcceptRegister { get; }

    internal CompiledSet Ssm { get; }

    public CompiledGroupLimit? IgmpCap { get; }

    public CompiledGroupLimit? MldCap { get; }

    /// <summary>The per-interface IGMP limit of an interface the table does not name (<c>igmp default-limit</c>); null = none.</summary>
    public CompiledGroupLimit? IgmpDefault { get; }

    /// <summary>As <see cref="IgmpDefault"/>, for MLD.</summary>
    public CompiledGroupLimit? MldDefault { get; }

    /// <summary><c>ip msdp redistribute</c>: which local sources this RP announces; null = every one.</summary>
    public CompiledFilter? MsdpRedistribute { get; }

    /// <summary><c>ip multicast route-limit</c>; -1 = none.</summary>
    public int RouteLimit => Source.Router.RouteLimit;

    /// <summary>The route-limit warning threshold; -1 = none.</summary>
    public int RouteWarn => Source.Router.RouteWarn;

    /// <summary><c>ip pim register-rate-limit</c> in registers per second per (S,G); -1 = none.</summary>
    public int RegisterRate => Source.Router.RegisterRatePerSecond;

    /// <summary>
    /// The membership policy of every interface and family in one flat array (interface × 2 +
    /// 0 for IGMP, 1 for MLD): what a join reads, in one cache line instead of a chain of objects.
    /// </summary>
    internal MembershipRow[] MembershipRows { get; }

    /// <summary>Number of state limits in the table (the size of a usage array).</summary>
    public int StateLimitCount { get; }

    public CompiledGroupLimit? Cap(AddressFamily family) => family == AddressFamily.V4 ? IgmpCap : MldCap;

    /// <summary>The default limit of an interface the table does not name, per family.</summary>
    public CompiledGroupLimit? DefaultLimit(AddressFamily family) => family == AddressFamily.V4 ? IgmpDefault : MldDefault;

    /// <summary>The table's index of an interface, or -1 when the policy does not name it.</summary>
    public int FindInterface(string name) => _interfaces.TryGetValue(name, out int index) ? index : -1;

    public int FindMsdpPeer(in Address address) => _msdpPeers.TryGetValue(address, out int index) ? index : -1;

    public int FindBgpPeer(in Address address) => _bgpPeers.TryGetValue(address, out int index) ? index : -1;

    /// <summary>"file:line:col" of a location index, or "".</summary>
    public string LocationText(int index) => Source.LocationText(index);

    private CompiledFilter? FilterAt(int index) => index >= 0 ? Filters[index] : null;

    private CompiledMembership? Membership(MembershipEntry? entry, SetCache sets) =>
        entry is null ? null : new CompiledMembership(entry, FilterAt(entry.AccessFilter), sets);

    private static void Validate(AdmissionTable t)
    {
        void Filter(int index, string what)
        {
            if (index < -1 || index >= t.Filters.Length) throw new ArgumentException($"{what} refers to filter {index}, but the table has {t.Filters.Length}");
        }
        Filter(t.Router.GroupRangeFilter, "group-range");
        Filter(t.Router.AcceptRegisterFilter, "accept-register");
        foreach (var i in t.Interfaces)
        {
            if (i.Igmp is { } igmp) Filter(igmp.AccessFilter, $"interface {i.Name} igmp");
            if (i.Mld is { } mld) Filter(mld.AccessFilter, $"interface {i.Name} mld");
            foreach (var l in i.StateLimits)
            {
                if (l.Classes.Any(c => c < 0 || c >= t.Classes.Length)) throw new ArgumentException($"a state limit of {i.Name} refers to a missing class");
            }
        }
        foreach (var p in t.MsdpPeers)
        {
            Filter(p.SaFilterIn, "an MSDP sa-filter in");
            Filter(p.SaFilterOut, "an MSDP sa-filter out");
        }
        foreach (var p in t.BgpPeers)
        {
            if (p.PrefixFilterIn < -1 || p.PrefixFilterIn >= t.PrefixFilters.Length) throw new ArgumentException("a BGP prefix-filter refers to a missing prefix filter");
        }
    }
}

/// <summary>One interface's IGMP or MLD policy, flattened for the join path.</summary>
internal readonly struct MembershipRow
{
    public readonly CompiledMembership? Membership;
    public readonly CompiledFilter? Access;
    public readonly CompiledGroupLimit? Limit;
    public readonly int MinVersion;

    private MembershipRow(CompiledMembership membership)
    {
        Membership = membership;
        Access = membership.Access;
        Limit = membership.Limit;
        MinVersion = membership.MinVersion;
    }

    public static MembershipRow Of(CompiledMembership? membership) => membership is null ? default : new MembershipRow(membership);
}
