using PolicyKit.Engine.Compiled;
using PolicyKit.Engine.State;

namespace PolicyKit.Engine;

/// <summary>Multicast routing state: <c>ip multicast route-limit</c> and <c>ip multicast limit [rpf|out|connected]</c> with costs.</summary>
public sealed partial class AdmissionEngine
{
    /// <summary>
    /// Creation of (S,G) or (*,G) state with its incoming (RPF) interface. Checks, in order:
    /// <list type="number">
    /// <item><c>ip multicast group-range</c>, and no (*,G) in the SSM range.</item>
    /// <item>Existing state is refreshed and admitted (never refused by a limit).</item>
    /// <item><c>ip multicast route-limit MAX WARN</c> — at most MAX routes (inclusive); above WARN the
    /// decision carries <see cref="DecisionFlags.Warning"/> (and <see cref="DecisionFlags.WarningCrossed"/>
    /// on the route that crosses it).</item>
    /// <item><c>ip multicast limit rpf ACL MAX</c> on the RPF interface, and <c>ip multicast limit connected ACL MAX</c>
    /// there too when the source is directly connected: every limit that selects the state must fit its charge
    /// (1, or the first matching class's cost under <c>ip multicast limit cost</c>, else the default cost):
    /// used + charge ≤ MAX. Limits are independent (one per provider): the state is charged to each that selects it.</item>
    /// </list>
    /// A (*,G) state is matched as source 0.0.0.0 (::).
    /// </summary>
    public Decision CreateState(in StateEvent e, long now)
    {
        var b = Enter(now, Tables.Routes);
        var t = b.Table;
        var group = e.Group;
        if (!WellFormed(e.Source, group)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        var source = SourceOrWildcard(e.Source, group);

        if (t.GroupRange is { } range && !range.Permits(group, source, Address.None, out var rangeRule)) return Deny(b, DenyReason.GroupRange, rangeRule);
        if (e.Source.IsNone && t.Ssm.Contains(group.Family, group.Value)) return Deny(b, DenyReason.SsmRangeNeedsSource, new RuleRef(RuleKind.SsmRange, -1, -1));

        var routeRef = new RuleRef(RuleKind.RouteLimit, -1, -1);
        var key = new RouteKey(source.Value, group.Value, group.Family, !e.Source.IsNone);
        int slot = _routes.Find(key);
        if (slot >= 0)
        {
            _routes.Extend(slot, Expiry(_stateTicks));
            return t.RouteLimit >= 0
                ? Admit(b, DecisionFlags.Refresh | RouteWarning(t, crossed: false), routeRef, routeRef, _routes.Count, t.RouteLimit)
                : Admit(b, DecisionFlags.Refresh, RuleRef.None);
        }

        if (t.RouteLimit >= 0 && _routes.Count >= t.RouteLimit) return Deny(b, DenyReason.RouteLimit, routeRef, _routes.Count, t.RouteLimit, ruleIsLimit: true);

        int ti = MapInterface(b, e.Rpf);
        CompiledStateLimit? last = null;
        if (ti >= 0)
        {
            var iface = t.Interfaces[ti];
            if (!Fits(b, iface.Rpf, source, group, ref last, out var refused)) return refused;
            if (e.Connected && !Fits(b, iface.Connected, source, group, ref last, out refused)) return refused;
        }

        _routes.Add(key, new RouteValue { Rpf = e.Rpf.Value, Connected = e.Connected, FirstOutput = -1 }, Expiry(_stateTicks));
        ChargeIncoming(b, source, group, e.Rpf.Value, e.Connected, +1);

        var flags = RouteWarning(t, crossed: true);
        if (t.RouteLimit >= 0 && (last is null || flags != DecisionFlags.None)) return Admit(b, flags, routeRef, routeRef, _routes.Count, t.RouteLimit);
        if (last is not null)
        {
            var limitRef = new RuleRef(RuleKind.StateLimit, last.InterfaceIndex, last.Position);
            return Admit(b, flags, limitRef, limitRef, b.StateUsed[last.Slot], last.Max);
        }
        return Admit(b, flags | DecisionFlags.NotCounted, RuleRef.None);
    }

    /// <summary>
    /// An outgoing interface joins the state (S,G) (a PIM join or IGMP receivers downstream):
    /// <c>ip multicast limit out ACL MAX</c> on that interface, with costs, as for <see cref="CreateState"/>.
    /// The state must exist. An interface already in the list is a refresh (never refused).
    /// Adding an output also refreshes the state.
    /// </summary>
    public Decision AddOutput(in OutputEvent e, long now)
    {
        var b = Enter(now, Tables.Routes);
        var t = b.Table;
        var group = e.Group;
        if (!WellFormed(e.Source, group)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        var source = SourceOrWildcard(e.Source, group);
        int route = _routes.Find(new RouteKey(source.Value, group.Value, group.Family, !e.Source.IsNone));
        if (route < 0) return Deny(b, DenyReason.NoState, RuleRef.None);
        _routes.Extend(route, Expiry(_stateTicks));

        int ti = MapInterface(b, e.Interface);
        var okey = new OutputKey(route, e.Interface.Value);
        if (_outputs.Find(okey) >= 0) return OutputAdmit(DecisionFlags.Refresh, null);

        CompiledStateLimit? last = null;
        if (ti >= 0 && !Fits(b, t.Interfaces[ti].Out, source, group, ref last, out var refused)) return refused;

        ref var value = ref _routes.Value(route);
        int o = _outputs.Add(okey, new OutputValue { Previous = -1, Next = value.FirstOutput }, StateTable<OutputKey, OutputValue>.Never);
        if (value.FirstOutput >= 0) _outputs.Value(value.FirstOutput).Previous = o;
        value.FirstOutput = o;
        ChargeOutgoing(b, source, group, e.Interface.Value, +1);
        return OutputAdmit(DecisionFlags.None, last);

        Decision OutputAdmit(DecisionFlags flags, CompiledStateLimit? limit)
        {
            if (limit is null && ti >= 0)
            {
                foreach (var l in t.Interfaces[ti].Out)
                {
                    if (l.Selects(source, group)) limit = l;
                }
            }
            if (limit is null) return Admit(b, flags | DecisionFlags.NotCounted, RuleRef.None);
            var limitRef = new RuleRef(RuleKind.StateLimit, limit.InterfaceIndex, limit.Position);
            return Admit(b, flags, limitRef, limitRef, b.StateUsed[limit.Slot], limit.Max);
        }
    }

    /// <summary>An outgoing interface leaves the state (prune, last receiver gone): its charges are released. Always admitted.</summary>
    public Decision RemoveOutput(in OutputEvent e, long now)
    {
        var b = Enter(now, Tables.Routes);
        var group = e.Group;
        if (!WellFormed(e.Source, group)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        var source = SourceOrWildcard(e.Source, group);
        int route = _routes.Find(new RouteKey(source.Value, group.Value, group.Family, !e.Source.IsNone));
        int o = route < 0 ? -1 : _outputs.Find(new OutputKey(route, e.Interface.Value));
        if (o < 0) return Admit(b, DecisionFlags.NotFound, RuleRef.None);
        RemoveOutputSlot(b, route, o);
        return Admit(b, DecisionFlags.Removed, RuleRef.None);
    }

    /// <summary>The state (S,G) is deleted (expired in the data plane, pruned everywhere): it and all its charges are released. Always admitted.</summary>
    public Decision DeleteState(Address source, Address group, long now)
    {
        var b = Enter(now, Tables.Routes);
        if (!WellFormed(source, group)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        var s = SourceOrWildcard(source, group);
        int route = _routes.Find(new RouteKey(s.Value, group.Value, group.Family, !source.IsNone));
        if (route < 0) return Admit(b, DecisionFlags.NotFound, RuleRef.None);
        RemoveRoute(b, route);
        return Admit(b, DecisionFlags.Removed, RuleRef.None);
    }

    /// <summary>True when every limit of <paramref name="limits"/> that selects (S,G) has room for its charge.</summary>
    private static bool Fits(Binding b, CompiledStateLimit[] limits, in Address source, in Address group, ref CompiledStateLimit? last, out Decision refused)
    {
        foreach (var limit in limits)
        {
            if (!limit.Selects(source, group)) continue;
            long charge = limit.Charge(source, group);
            long used = b.StateUsed[limit.Slot];
            if (used + charge > limit.Max)
            {
                var limitRef = new RuleRef(RuleKind.StateLimit, limit.InterfaceIndex, limit.Position);
                refused = Deny(b, DenyReason.StateLimit, limitRef, used, limit.Max, ruleIsLimit: true);
                return false;
            }
            last = limit;
        }
        refused = default;
        return true;
    }

    /// <summary>The route-limit warning: the count is above the threshold (and, for a new route, whether this one crossed it).</summary>
    private DecisionFlags RouteWarning(CompiledTable t, bool crossed)
    {
        if (t.RouteWarn < 0 || _routes.Count <= t.RouteWarn) return DecisionFlags.None;
        return crossed && _routes.Count == t.RouteWarn + 1 ? DecisionFlags.Warning | DecisionFlags.WarningCrossed : DecisionFlags.Warning;
    }

    private static void Charge(Binding b, CompiledStateLimit[] limits, in Address source, in Address group, int sign)
    {
        foreach (var limit in limits)
        {
            if (limit.Selects(source, group)) b.StateUsed[limit.Slot] += sign * limit.Charge(source, group);
        }
    }

    private static void ChargeIncoming(Binding b, in Address source, in Address group, int rpf, bool connected, int sign)
    {
        int ti = MapInterface(b, new InterfaceId(rpf));
        if (ti < 0) return;
        var iface = b.Table.Interfaces[ti];
        Charge(b, iface.Rpf, source, group, sign);
        if (connected) Charge(b, iface.Connected, source, group, sign);
    }

    private static void ChargeOutgoing(Binding b, in Address source, in Address group, int output, int sign)
    {
        int ti = MapInterface(b, new InterfaceId(output));
        if (ti >= 0) Charge(b, b.Table.Interfaces[ti].Out, source, group, sign);
    }

    private void RemoveOutputSlot(Binding b, int route, int o)
    {
        ref readonly var key = ref _routes.Key(route);
        ChargeOutgoing(b, key.SourceAddress, key.GroupAddress, _outputs.Key(o).Interface, -1);
        var links = _outputs.Value(o);
        if (links.Previous >= 0) _outputs.Value(links.Previous).Next = links.Next;
        else _routes.Value(route).FirstOutput = links.Next;
        if (links.Next >= 0) _outputs.Value(links.Next).Previous = links.Previous;
        _outputs.Remove(o);
    }

    private void RemoveRoute(Binding b, int route)
    {
        ref readonly var key = ref _routes.Key(route);
        var source = key.SourceAddress;
        var group = key.GroupAddress;
        ref var value = ref _routes.Value(route);
        ChargeIncoming(b, source, group, value.Rpf, value.Connected, -1);
        for (int o = value.FirstOutput; o >= 0;)
        {
            int next = _outputs.Value(o).Next;
            ChargeOutgoing(b, source, group, _outputs.Key(o).Interface, -1);
            _outputs.Remove(o);
            o = next;
        }
        _routes.Remove(route);
    }
}
