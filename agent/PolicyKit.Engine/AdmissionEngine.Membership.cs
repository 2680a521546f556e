using PolicyKit.Engine.State;

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
        var b = Enter(now);
        var t = b.Table;
        var group = e.Group;
        if (!WellFormed(e.Source, group)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        var source = SourceOrWildcard(e.Source, group);

        RuleRef rule;
        if (t.GroupRange is { } range && !range.Permits(group, source, Address.None, out rule)) return Deny(b, DenyReason.GroupRange, rule);
        if (!e.IsSsm && t.Ssm.Contains(group.Family, group.Value)) return Deny(b, DenyReason.SsmRangeNeedsSource, new RuleRef(RuleKind.SsmRange, -1, -1));

        int fi = FamilyIndex(group.Family);
        int ti = MapInterface(b, e.Interface);
        var row = ti >= 0 ? t.MembershipRows[ti * 2 + fi] : default;
        var permit = RuleRef.None;
        if (row.Membership is not null)
        {
            if (e.Version < row.MinVersion)
                return Deny(b, DenyReason.MinimumVersion, new RuleRef(RuleKind.MinimumVersion, ti, FamilyItem(group.Family)));
            if (row.Access is { } access)
            {
                if (!access.Permits(group, source, e.Host, out rule)) return Deny(b, DenyReason.AccessFilter, rule);
                permit = rule;
            }
        }

        var ifaceLimit = row.Limit;
        bool countIface = ifaceLimit is not null && ifaceLimit.Counts(group);
        var cap = t.Cap(group.Family);
        bool countCap = cap is not null && cap.Counts(group);
        var ifaceRef = new RuleRef(RuleKind.InterfaceLimit, ti, FamilyItem(group.Family));
        var capRef = new RuleRef(RuleKind.RouterLimit, -1, FamilyItem(group.Family));

        var key = new MembershipKey(source.Value, group.Value, e.Interface.Value, group.Family, e.IsSsm);
        int slot = _members.Find(key);
        if (slot >= 0)
        {
            _members.Extend(slot, Expiry(_membershipTicks));
            return Counted(DecisionFlags.Refresh);
        }

        if (countIface && b.Members[ti * 2 + fi] >= ifaceLimit!.Max)
            return Deny(b, DenyReason.InterfaceLimit, ifaceRef, b.Members[ti * 2 + fi], ifaceLimit.Max, ruleIsLimit: true);
        if (countCap && b.Caps[fi] >= cap!.Max)
            return Deny(b, DenyReason.RouterLimit, capRef, b.Caps[fi], cap.Max, ruleIsLimit: true);

        _members.Add(key, 0, Expiry(_membershipTicks));
        if (countIface) b.Members[ti * 2 + fi]++;
        if (countCap) b.Caps[fi]++;
        return Counted(DecisionFlags.None);

        Decision Counted(DecisionFlags flags)
        {
            if (countIface)
                return Admit(b, flags, permit.IsNone ? ifaceRef : permit, ifaceRef, b.Members[ti * 2 + fi], ifaceLimit!.Max);
            if (countCap)
                return Admit(b, flags, permit.IsNone ? capRef : permit, capRef, b.Caps[fi], cap!.Max);
            return Admit(b, flags | DecisionFlags.NotCounted | (row.Membership is null ? DecisionFlags.NoPolicy : DecisionFlags.None), permit);
        }
    }

    /// <summary>A membership entry ends (leave after the last-member query, an SSM block): it is removed and its slot freed. Always admitted.</summary>
    public Decision Leave(in LeaveEvent e, long now)
    {
        var b = Enter(now);
        var group = e.Group;
        if (!WellFormed(e.Source, group)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        var source = SourceOrWildcard(e.Source, group);
        int slot = _members.Find(new MembershipKey(source.Value, group.Value, e.Interface.Value, group.Family, !e.Source.IsNone));
        if (slot < 0) return Admit(b, DecisionFlags.NotFound, RuleRef.None);
        RemoveMember(b, slot);
        return Admit(b, DecisionFlags.Removed, RuleRef.None);
    }

    private void RemoveMember(Binding b, int slot)
    {
        CountMember(b, _members.Key(slot), -1);
        _members.Remove(slot);
    }

    /// <summary>Adds (+1) or removes (-1) an entry's counts under a binding: the same predicates as <see cref="Join"/>.</summary>
    private static void CountMember(Binding b, in MembershipKey key, int delta)
    {
        var t = b.Table;
        var group = key.GroupAddress;
        int fi = FamilyIndex(key.Family);
        int ti = MapInterface(b, new InterfaceId(key.Interface));
        if (ti >= 0 && t.MembershipRows[ti * 2 + fi].Limit is { } limit && limit.Counts(group)) b.Members[ti * 2 + fi] += delta;
        if (t.Cap(key.Family) is { } cap && cap.Counts(group)) b.Caps[fi] += delta;
    }
}
