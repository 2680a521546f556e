using System.Runtime.CompilerServices;
using PolicyKit.Engine.Compiled;
using PolicyKit.Engine.State;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine;

/// <summary>IGMP/MLD group membership: <c>ip igmp access-group</c>, <c>ip igmp version</c>, <c>ip igmp limit … except</c>.</summary>
public sealed partial class AdmissionEngine
{
    /// <summary>
    /// An IGMP/MLD membership report for one group record. Checks, in order (the first failure decides):
    /// <list type="number">
    /// <item><c>ip multicast group-range</c> — the group must be enabled on the router.</item>
    /// <item><c>ip pim ssm range</c> — an ASM (*,G) join for a group in the SSM range is refused (IOS ignores IGMPv1/v2 reports for SSM groups).</item>
    /// <item><c>ip igmp version</c> / <c>ipv6 mld version</c> — the report's version must be at least the interface's minimum.</item>
    /// <item><c>ip igmp access-group</c> / <c>ipv6 mld access-group</c> — first match over the channel: for an SSM join
    /// source S and group G, for an ASM join the group with the source taken as 0.0.0.0 (::), so rules without
    /// <c>sources</c> decide on the group alone; <c>from</c> terms match the reporting host.</item>
    /// <item>An entry that already exists is refreshed and admitted: a refresh is never refused by a limit.</item>
    /// <item><c>ip igmp limit N except ACL</c> on the interface (or the device's per-interface default), then the
    /// router-wide <c>ip igmp limit</c> cap: both apply; each is inclusive (the N-th entry is admitted, the
    /// (N+1)-th refused); entries in a limit's except list do not count towards it.</item>
    /// </list>
    /// An interface the table does not name has no interface rules; router-wide rules still apply.
    /// Admitted entries live until a leave or <see cref="EngineOptions.MembershipTimeout"/> without a report.
    /// </summary>
    public Decision Join(in JoinEvent e, long now)
    {
        var b = Enter(now, Tables.Members);
        return e.Group.Family == AddressFamily.V4 && (e.Source.IsNone || e.Source.Family == AddressFamily.V4)
            ? JoinV4(b, e)
            : JoinGeneral(b, e);
    }


    /// <summary>
    /// The IPv4 join (the hot path): the same checks as <see cref="JoinGeneral"/>, on 32-bit values
    /// and the 16-byte key. A refresh of an entry already checked under this table (and whose access
    /// filter does not look at the reporting host) reuses that check: only the version is checked again.
    /// </summary>
    private Decision JoinV4(Binding b, in JoinEvent e)
    {
        var t = b.Table;
        bool ssm = !e.Source.IsNone;
        int ti = MapInterface(b, e.Interface);
        var key = new Membership4Key(ssm ? e.Source.Low32 : 0, e.Group.Low32, e.Interface.Value, ssm);
        int slot = _members4.Find(key);
        if (slot >= 0)
        {
            ref var memo = ref _members4.Value(slot);
            if (memo.Generation == b.Generation)
            {
                CompiledFilter? access = null;
                CompiledGroupLimit? limit = null;
                bool named = false;
                if (ti >= 0)
                {
                    ref readonly var row = ref t.MembershipRows[ti * 2];
                    if (row.Membership is not null)
                    {
                        named = true;
                        access = row.Access;
                        limit = row.Limit;
                        if (e.Version < row.MinVersion) return Refused(b, DenyReason.MinimumVersion, new RuleRef(RuleKind.MinimumVersion, ti, 4));
                    }
                }
                else if (t.IgmpDefault is { } fallback)
                {
                    named = true;
                    limit = fallback;
                }
                if (access is null || !access.UsesHost)
                {
                    _members4.Extend(slot, Expiry(_membershipTicks));
                    var permit = memo.Rule >= 0 ? new RuleRef(RuleKind.FilterRule, access!.Index, memo.Rule) : RuleRef.None;
                    var cap = t.IgmpCap;
                    return Admitted(b, DecisionFlags.Refresh, permit, ti, e.Interface.Value, AddressFamily.V4,
                        limit is not null && limit.Counts(e.Group) ? limit : null, cap is not null && cap.Counts(e.Group) ? cap : null, named);
                }
            }
        }
        return JoinV4Checked(b, e, ti, key, slot);
    }

    /// <summary>The IPv4 join with every check; records the result in the entry for later refreshes.</summary>
    private Decision JoinV4Checked(Binding b, in JoinEvent e, int ti, in Membership4Key key, int slot)
    {
        var t = b.Table;
        bool ssm = !e.Source.IsNone;
        var source = ssm ? e.Source : default;
        if (!ssm) source = Address.V4(0);

        RuleRef rule;
        if (t.GroupRange is { } range && !range.Permits(e.Group, source, Address.None, out rule)) return Refused(b, DenyReason.GroupRange, rule);
        if (!ssm && t.Ssm.Contains(AddressFamily.V4, e.Group.Value)) return Refused(b, DenyReason.SsmRangeNeedsSource, new RuleRef(RuleKind.SsmRange, -1, -1));

        var permit = RuleRef.None;
        CompiledGroupLimit? limit = null;
        bool named = false;
        if (ti >= 0)
        {
            ref readonly var row = ref t.MembershipRows[ti * 2];
            if (row.Membership is not null)
            {
                named = true;
                if (e.Version < row.MinVersion) return Refused(b, DenyReason.MinimumVersion, new RuleRef(RuleKind.MinimumVersion, ti, 4));
                if (row.Access is { } access && !access.Permits(e.Group, source, e.Host, out permit)) return Refused(b, DenyReason.AccessFilter, permit, ti);
                limit = row.Limit;
            }
        }
        else if (t.IgmpDefault is { } fallback)
        {
            named = true;
            limit = fallback;
        }
        bool countIface = limit is not null && limit.Counts(e.Group);
        var cap = t.IgmpCap;
        bool countCap = cap is not null && cap.Counts(e.Group);

        var flags = DecisionFlags.Refresh;
        var memo = new MembershipMemo { Generation = b.Generation, Rule = permit.Kind == RuleKind.FilterRule ? permit.Item : -1 };
        if (slot >= 0)
        {
            _members4.Value(slot) = memo;
            _members4.Extend(slot, Expiry(_membershipTicks));
        }
        else
        {
            if (countIface && MemberCount(b, ti, e.Interface.Value, 0) >= limit!.Max) return InterfaceFull(b, ti, e.Interface.Value, AddressFamily.V4, limit.Max);
            if (countCap && b.Caps[0] >= cap!.Max) return RouterFull(b, AddressFamily.V4, cap.Max);
            _members4.Add(key, memo, Expiry(_membershipTicks));
            if (countIface) MemberCount(b, ti, e.Interface.Value, 0)++;
            if (countCap) b.Caps[0]++;
            flags = DecisionFlags.None;
        }
        return Admitted(b, flags, permit, ti, e.Interface.Value, AddressFamily.V4, countIface ? limit : null, countCap ? cap : null, named);
    }

    /// <summary>Any join: IPv6 (MLD), and events that are not well formed.</summary>
    private Decision JoinGeneral(Binding b, in JoinEvent e)
    {
        var t = b.Table;
        var family = e.Group.Family;
        if (!WellFormed(e.Source, e.Group)) return Refused(b, DenyReason.InvalidEvent, RuleRef.None);
        bool ssm = !e.Source.IsNone;
        var source = ssm ? e.Source : Address.Wildcard(family);

        RuleRef rule;
        if (t.GroupRange is { } range && !range.Permits(e.Group, source, Address.None, out rule)) return Refused(b, DenyReason.GroupRange, rule);
        if (!ssm && t.Ssm.Contains(family, e.Group.Value)) return Refused(b, DenyReason.SsmRangeNeedsSource, new RuleRef(RuleKind.SsmRange, -1, -1));

        int fi = FamilyIndex(family);
        int ti = MapInterface(b, e.Interface);
        var permit = RuleRef.None;
        CompiledGroupLimit? limit = null;
        bool named = false;
        if (ti >= 0)
        {
            ref readonly var row = ref t.MembershipRows[ti * 2 + fi];
            if (row.Membership is not null)
            {
                named = true;
                if (e.Version < row.MinVersion) return Refused(b, DenyReason.MinimumVersion, new RuleRef(RuleKind.MinimumVersion, ti, FamilyItem(family)));
                if (row.Access is { } access && !access.Permits(e.Group, source, e.Host, out permit)) return Refused(b, DenyReason.AccessFilter, permit, ti);
                limit = row.Limit;
            }
        }
        else if (t.DefaultLimit(family) is { } fallback)
        {
            named = true;
            limit = fallback;
        }
        bool countIface = limit is not null && limit.Counts(e.Group);
        var cap = t.Cap(family);
        bool countCap = cap is not null && cap.Counts(e.Group);

        var flags = DecisionFlags.Refresh;
        bool v4 = family == AddressFamily.V4;
        if (!(v4 ? Refresh(_members4, new Membership4Key(source.Low32, e.Group.Low32, e.Interface.Value, ssm))
                 : Refresh(_members6, new MembershipKey(source.Value, e.Group.Value, e.Interface.Value, family, ssm))))
        {
            if (countIface && MemberCount(b, ti, e.Interface.Value, fi) >= limit!.Max) return InterfaceFull(b, ti, e.Interface.Value, family, limit.Max);
            if (countCap && b.Caps[fi] >= cap!.Max) return RouterFull(b, family, cap.Max);
            if (v4) _members4.Add(new Membership4Key(source.Low32, e.Group.Low32, e.Interface.Value, ssm), default, Expiry(_membershipTicks));
            else _members6.Add(new MembershipKey(source.Value, e.Group.Value, e.Interface.Value, family, ssm), default, Expiry(_membershipTicks));
            if (countIface) MemberCount(b, ti, e.Interface.Value, fi)++;
            if (countCap) b.Caps[fi]++;
            flags = DecisionFlags.None;
        }
        return Admitted(b, flags, permit, ti, e.Interface.Value, family, countIface ? limit : null, countCap ? cap : null, named);
    }

    /// <summary>An admitted join: the permitting rule if a filter decided, else the limit it counts towards, with that limit's use.</summary>
    private static Decision Admitted(Binding b, DecisionFlags flags, RuleRef permit, int ti, int id, AddressFamily family, CompiledGroupLimit? ifaceLimit, CompiledGroupLimit? cap, bool named)
    {
        int fi = FamilyIndex(family);
        if (ifaceLimit is not null)
        {
            var limitRef = InterfaceLimitRef(ti, family);
            return new Decision(b.Table, Verdict.Admit, DenyReason.None, flags, permit.IsNone ? limitRef : permit, limitRef, MemberCount(b, ti, id, fi), ifaceLimit.Max);
        }
        if (cap is not null)
        {
            var capRef = new RuleRef(RuleKind.RouterLimit, -1, FamilyItem(family));
            return new Decision(b.Table, Verdict.Admit, DenyReason.None, flags, permit.IsNone ? capRef : permit, capRef, b.Caps[fi], cap.Max);
        }
        return new Decision(b.Table, Verdict.Admit, DenyReason.None, flags | DecisionFlags.NotCounted | (named ? DecisionFlags.None : DecisionFlags.NoPolicy), permit, RuleRef.None, 0, -1);
    }

    /// <summary>Finds an entry and, when it exists, extends its life: the refresh.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Refresh<TKey>(StateTable<TKey, MembershipMemo> table, in TKey key)
        where TKey : struct, IEquatable<TKey>
    {
        int slot = table.Find(key);
        if (slot < 0) return false;
        table.Extend(slot, Expiry(_membershipTicks));
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Decision InterfaceFull(Binding b, int ti, int id, AddressFamily family, int max) =>
        Deny(b, DenyReason.InterfaceLimit, InterfaceLimitRef(ti, family), MemberCount(b, ti, id, FamilyIndex(family)), max, ruleIsLimit: true);

    /// <summary>
    /// The count of entries an interface's limit holds: a named interface's (table index
    /// <paramref name="ti"/>) own counter, or, for an interface the table does not name, the
    /// counter of the device default limit kept for that interface id.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref int MemberCount(Binding b, int ti, int id, int fi) =>
        ref ti >= 0 ? ref b.Members[ti * 2 + fi] : ref b.DefaultMembers[id * 2 + fi];

    /// <summary>The limit rule of an interface: its own (or the default the compiler resolved onto it), or the device default for an interface the table does not name.</summary>
    private static RuleRef InterfaceLimitRef(int ti, AddressFamily family) =>
        ti >= 0 ? new RuleRef(RuleKind.InterfaceLimit, ti, FamilyItem(family)) : new RuleRef(RuleKind.DefaultLimit, -1, FamilyItem(family));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Decision RouterFull(Binding b, AddressFamily family, int max) =>
        Deny(b, DenyReason.RouterLimit, new RuleRef(RuleKind.RouterLimit, -1, FamilyItem(family)), b.Caps[FamilyIndex(family)], max, ruleIsLimit: true);

    /// <summary>A membership entry ends (leave after the last-member query, an SSM block): it is removed and its slot freed. Always admitted.</summary>
    public Decision Leave(in LeaveEvent e, long now)
    {
        var b = Enter(now, Tables.Members);
        var group = e.Group;
        if (!WellFormed(e.Source, group)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        var source = SourceOrWildcard(e.Source, group);
        bool ssm = !e.Source.IsNone;
        bool removed = group.Family == AddressFamily.V4
            ? Remove(_members4, new Membership4Key(source.Low32, group.Low32, e.Interface.Value, ssm))
            : Remove(_members6, new MembershipKey(source.Value, group.Value, e.Interface.Value, group.Family, ssm));
        return Admit(b, removed ? DecisionFlags.Removed : DecisionFlags.NotFound, RuleRef.None);

        bool Remove<TKey>(StateTable<TKey, MembershipMemo> table, in TKey key)
            where TKey : struct, IEquatable<TKey>, IMembershipKey
        {
            int slot = table.Find(key);
            if (slot < 0) return false;
            RemoveMember(b, table, slot);
            return true;
        }
    }

    private static void RemoveMember<TKey>(Binding b, StateTable<TKey, MembershipMemo> table, int slot)
        where TKey : struct, IEquatable<TKey>, IMembershipKey
    {
        ref readonly var key = ref table.Key(slot);
        CountMember(b, key.Interface, key.GroupAddress, -1);
        table.Remove(slot);
    }

    /// <summary>Adds (+1) or removes (-1) an entry's counts under a binding: the same predicates as <see cref="Join"/>.</summary>
    private static void CountMember(Binding b, int iface, in Address group, int delta)
    {
        var t = b.Table;
        int fi = FamilyIndex(group.Family);
        int ti = MapInterface(b, new InterfaceId(iface));
        if (ti >= 0 && t.MembershipRows[ti * 2 + fi].Limit is { } limit && limit.Counts(group)) b.Members[ti * 2 + fi] += delta;
        else if (ti < 0 && t.DefaultLimit(group.Family) is { } fallback && fallback.Counts(group)) b.DefaultMembers[iface * 2 + fi] += delta;
        if (t.Cap(group.Family) is { } cap && cap.Counts(group)) b.Caps[fi] += delta;
    }
}
