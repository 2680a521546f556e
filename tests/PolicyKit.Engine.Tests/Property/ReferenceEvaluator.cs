using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;
using TableFamily = PolicyKit.Tables.Model.AddressFamily;

namespace PolicyKit.Engine.Tests.Property;

/// <summary>What the reference evaluator decided: verdict, reason, the deciding rule's location, and the flags the engine must agree on.</summary>
internal readonly record struct ReferenceDecision(Verdict Verdict, DenyReason Reason, string Location, DecisionFlags Flags)
{
    public const DecisionFlags Compared = DecisionFlags.Refresh | DecisionFlags.Warning | DecisionFlags.WarningCrossed |
                                          DecisionFlags.OverLimit | DecisionFlags.Removed | DecisionFlags.NotFound;

    public override string ToString() => Verdict == Verdict.Admit
        ? $"admit {{{Flags}}}"
        : $"deny ({Decision.ReasonText(Reason)}) at {(Location.Length == 0 ? "-" : Location)}";
}

/// <summary>
/// A deliberately simple evaluator of the same semantics as the engine, written over the
/// compiler's semantic model (Device, InterfacePolicy, Filter rules, AddressMatch.MatchesAddress)
/// with lists and linear scans: every count is recomputed from the state on every question, no
/// index, no table. It exists only to be compared with the engine.
/// </summary>
internal sealed class ReferenceEvaluator(Device device, EngineOptions options)
{
    private sealed record Member(string Interface, Address Group, Address Source)
    {
        public long Expiry { get; set; }
    }

    private sealed record Route(Address Source, Address Group, string Rpf, bool Connected)
    {
        public List<string> Outputs { get; } = [];

        public long Expiry { get; set; }
    }

    private sealed record Sa(Address Peer, Address Source, Address Group)
    {
        public long Expiry { get; set; }
    }

    private Device _device = device;
    private long _now = long.MinValue;
    private readonly List<Member> _members = [];
    private readonly List<Route> _routes = [];
    private readonly List<Sa> _sas = [];
    private readonly Dictionary<(Address Source, Address Group), (long Tokens, long Refilled)> _buckets = [];
    private readonly List<(Address Peer, Address Network, int Length)> _prefixes = [];

    public int Members => _members.Count;

    public int Routes => _routes.Count;

    public int Outputs => _routes.Sum(r => r.Outputs.Count);

    public int Sas => _sas.Count;

    public int Prefixes => _prefixes.Count;

    public void Load(Device device)
    {
        // A new register rate starts every bucket afresh (as the engine documents).
        if (device.RegisterRateLimit != _device.RegisterRateLimit) _buckets.Clear();
        _device = device;
    }

    // ── Joins ─────────────────────────────────────────────────────────────────────────

    public ReferenceDecision Join(string iface, Address group, Address source, Address host, int version, long now)
    {
        Advance(now);
        var s = source.IsNone ? Address.Wildcard(group.Family) : source;
        if (GroupRangeDenies(group, s, out var denied)) return denied;
        if (source.IsNone && Matches(_device.SsmRange, group)) return Deny(DenyReason.SsmRangeNeedsSource, "");

        var protocol = Protocol(group);
        var ip = Interface(iface);
        var own = ip?.MembershipFor(protocol);
        // The device's default is the limit of every interface without its own, named or not.
        var limit = own?.Limit ?? _device.DefaultLimitFor(protocol);
        if (ip is not null && (own is not null || limit is not null))
        {
            if (version < (own?.MinimumVersion ?? 0)) return Deny(DenyReason.MinimumVersion, Location(own?.Span ?? ip.Span));
            if (own?.Access is { } access)
            {
                var (permit, span) = Evaluate(access, group, s, host);
                if (!permit) return Deny(DenyReason.AccessFilter, Location(span));
            }
        }
        var existing = _members.FirstOrDefault(m => m.Interface == iface && m.Group == group && m.Source == source);
        if (existing is not null)
        {
            existing.Expiry = Expiry(options.MembershipTimeout);
            return Admit(DecisionFlags.Refresh);
        }
        if (limit is not null && Counts(limit, group) && InterfaceCount(iface, group.Family) >= limit.Max)
            return Deny(DenyReason.InterfaceLimit, Location(limit.Span));
        var cap = _device.RouterCapFor(protocol);
        if (cap is not null && Counts(cap, group) && CapCount(group.Family) >= cap.Max)
            return Deny(DenyReason.RouterLimit, Location(cap.Span));
        _members.Add(new Member(iface, group, source) { Expiry = Expiry(options.MembershipTimeout) });
        return Admit(DecisionFlags.None);
    }

    public ReferenceDecision Leave(string iface, Address group, Address source, long now)
    {
        Advance(now);
        int removed = _members.RemoveAll(m => m.Interface == iface && m.Group == group && m.Source == source);
        return Admit(removed > 0 ? DecisionFlags.Removed : DecisionFlags.NotFound);
    }

    /// <summary>Entries of an interface that count towards its current limit (0 without one).</summary>
    public int InterfaceCount(string iface, TableFamily family)
    {
        var ip = Interface(iface);
        var protocol = family == TableFamily.V4 ? GroupProtocol.Igmp : GroupProtocol.Mld;
        var limit = ip?.MembershipFor(protocol)?.Limit ?? _device.DefaultLimitFor(protocol);
        return limit is null ? 0 : _members.Count(m => m.Interface == iface && m.Group.Family == family && Counts(limit, m.Group));
    }

    public int CapCount(TableFamily family)
    {
        var cap = _device.RouterCapFor(family == TableFamily.V4 ? GroupProtocol.Igmp : GroupProtocol.Mld);
        return cap is null ? 0 : _members.Count(m => m.Group.Family == family && Counts(cap, m.Group));
    }

    // ── State ─────────────────────────────────────────────────────────────────────────

    public ReferenceDecision CreateState(Address source, Address group, string rpf, bool connected, long now)
    {
        Advance(now);
        var s = source.IsNone ? Address.Wildcard(group.Family) : source;
        if (GroupRangeDenies(group, s, out var denied)) return denied;
        if (source.IsNone && Matches(_device.SsmRange, group)) return Deny(DenyReason.SsmRangeNeedsSource, "");
        var existing = _routes.FirstOrDefault(r => r.Source == source && r.Group == group);
        if (existing is not null)
        {
            existing.Expiry = Expiry(options.StateTimeout);
            return Admit(DecisionFlags.Refresh | RouteWarning(crossed: false));
        }
        if (_device.RouteLimit is { } routeLimit && _routes.Count >= routeLimit.Max) return Deny(DenyReason.RouteLimit, Location(routeLimit.Span));
        if (Interface(rpf) is { } ip)
        {
            foreach (var limit in ip.StateLimits.Where(l => l.Direction == LimitDirection.Rpf))
            {
                if (Selects(limit, s, group) && Used(limit, ip.Name) + Charge(limit, s, group) > Max(limit)) return Deny(DenyReason.StateLimit, Location(limit.Span));
            }
            if (connected)
            {
                foreach (var limit in ip.StateLimits.Where(l => l.Direction == LimitDirection.Connected))
                {
                    if (Selects(limit, s, group) && Used(limit, ip.Name) + Charge(limit, s, group) > Max(limit)) return Deny(DenyReason.StateLimit, Location(limit.Span));
                }
            }
        }
        _routes.Add(new Route(source, group, rpf, connected) { Expiry = Expiry(options.StateTimeout) });
        return Admit(RouteWarning(crossed: true));
    }

    public ReferenceDecision AddOutput(Address source, Address group, string iface, long now)
    {
        Advance(now);
        var s = source.IsNone ? Address.Wildcard(group.Family) : source;
        var route = _routes.FirstOrDefault(r => r.Source == source && r.Group == group);
        if (route is null) return Deny(DenyReason.NoState, "");
        route.Expiry = Expiry(options.StateTimeout);
        if (route.Outputs.Contains(iface)) return Admit(DecisionFlags.Refresh);
        if (Interface(iface) is { } ip)
        {
            foreach (var limit in ip.StateLimits.Where(l => l.Direction == LimitDirection.Out))
            {
                if (Selects(limit, s, group) && Used(limit, ip.Name) + Charge(limit, s, group) > Max(limit)) return Deny(DenyReason.StateLimit, Location(limit.Span));
            }
        }
        route.Outputs.Add(iface);
        return Admit(DecisionFlags.None);
    }

    public ReferenceDecision RemoveOutput(Address source, Address group, string iface, long now)
    {
        Advance(now);
        var route = _routes.FirstOrDefault(r => r.Source == source && r.Group == group);
        return Admit(route is not null && route.Outputs.Remove(iface) ? DecisionFlags.Removed : DecisionFlags.NotFound);
    }

    public ReferenceDecision DeleteState(Address source, Address group, long now)
    {
        Advance(now);
        return Admit(_routes.RemoveAll(r => r.Source == source && r.Group == group) > 0 ? DecisionFlags.Removed : DecisionFlags.NotFound);
    }

    /// <summary>Use of an interface's state limit (by position): recomputed from every route.</summary>
    public long StateLimitUse(string iface, int position)
    {
        var ip = Interface(iface);
        return ip is null || position >= ip.StateLimits.Length ? 0 : Used(ip.StateLimits[position], iface);
    }

    private long Used(StateLimit limit, string iface)
    {
        long used = 0;
        foreach (var r in _routes)
        {
            var s = r.Source.IsNone ? Address.Wildcard(r.Group.Family) : r.Source;
            bool applies = limit.Direction switch
            {
                LimitDirection.Rpf => r.Rpf == iface,
                LimitDirection.Connected => r.Rpf == iface && r.Connected,
                _ => r.Outputs.Contains(iface),
            };
            if (applies && Selects(limit, s, r.Group)) used += Charge(limit, s, r.Group);
        }
        return used;
    }

    private static bool Selects(StateLimit limit, Address source, Address group) => Matches(limit.Sources, source) && Matches(limit.Groups, group);

    private static long Max(StateLimit limit) => limit.MaxBandwidth?.BitsPerSecond ?? limit.MaxCount!.Value;

    private static long Charge(StateLimit limit, Address source, Address group)
    {
        if (!limit.IsCostBased) return 1;
        foreach (var c in limit.Classes)
        {
            if (Matches(c.Match.Sources, source) && Matches(c.Match.Groups, group)) return c.Cost.BitsPerSecond;
        }
        return limit.DefaultCost.BitsPerSecond;
    }

    private DecisionFlags RouteWarning(bool crossed)
    {
        if (_device.RouteLimit?.Warn is not { } warn || _routes.Count <= warn) return DecisionFlags.None;
        return crossed && _routes.Count == warn + 1 ? DecisionFlags.Warning | DecisionFlags.WarningCrossed : DecisionFlags.Warning;
    }

    // ── MSDP ──────────────────────────────────────────────────────────────────────────

    public ReferenceDecision SaReceived(Address peer, Address source, Address group, long now)
    {
        Advance(now);
        var p = MsdpPeer(peer);
        if (p is null) return Deny(DenyReason.UnknownPeer, "");
        if (GroupRangeDenies(group, source, out var denied)) return denied;
        if (p.SaFilterIn is { } filter)
        {
            var (permit, span) = Evaluate(filter, group, source, Address.None);
            if (!permit) return Deny(DenyReason.SaFilterIn, Location(span));
        }
        var existing = _sas.FirstOrDefault(x => x.Peer == peer && x.Source == source && x.Group == group);
        if (existing is not null)
        {
            existing.Expiry = Expiry(options.SaTimeout);
            return Admit(DecisionFlags.Refresh);
        }
        if (p.SaLimit is { } limit && SaCount(peer) >= limit) return Deny(DenyReason.SaLimit, Location(p.Span));
        _sas.Add(new Sa(peer, source, group) { Expiry = Expiry(options.SaTimeout) });
        return Admit(DecisionFlags.None);
    }

    public ReferenceDecision SaForward(Address peer, Address source, Address group, long now)
    {
        Advance(now);
        var p = MsdpPeer(peer);
        if (p is null) return Deny(DenyReason.UnknownPeer, "");
        if (GroupRangeDenies(group, source, out var denied)) return denied;
        if (p.SaFilterOut is { } filter)
        {
            var (permit, span) = Evaluate(filter, group, source, Address.None);
            if (!permit) return Deny(DenyReason.SaFilterOut, Location(span));
        }
        return Admit(DecisionFlags.None);
    }

    /// <summary>An SA this RP originates: the redistribute filter, then the peer's outbound filter.</summary>
    public ReferenceDecision SaOriginate(Address peer, Address source, Address group, long now)
    {
        Advance(now);
        var p = MsdpPeer(peer);
        if (p is null) return Deny(DenyReason.UnknownPeer, "");
        if (GroupRangeDenies(group, source, out var denied)) return denied;
        if (_device.Msdp?.Redistribute is { } redistribute)
        {
            var (permit, span) = Evaluate(redistribute, group, source, Address.None);
            if (!permit) return Deny(DenyReason.SaRedistribute, Location(span));
        }
        return SaForward(peer, source, group, now);
    }

    public int SaCount(Address peer) => MsdpPeer(peer) is null ? 0 : _sas.Count(x => x.Peer == peer);

    private MsdpPeer? MsdpPeer(Address peer) =>
        _device.Msdp?.Peers.FirstOrDefault(p => Same(p.Address, peer));

    // ── Registers ─────────────────────────────────────────────────────────────────────

    public ReferenceDecision Register(Address source, Address group, long now)
    {
        Advance(now);
        if (GroupRangeDenies(group, source, out var denied)) return denied;
        if (_device.Rp?.AcceptRegister is { } accept)
        {
            var (permit, span) = Evaluate(accept, group, source, Address.None);
            if (!permit) return Deny(DenyReason.AcceptRegister, Location(span));
        }
        if (_device.RegisterRateLimit is not { } rate) return Admit(DecisionFlags.None);
        long tps = TimeSpan.TicksPerSecond;
        long full = rate * tps;
        var (tokens, refilled) = _buckets.TryGetValue((source, group), out var bucket) ? bucket : (full, _now);
        tokens = Math.Min(full, tokens + Math.Min(_now - refilled, tps) * rate);
        bool admitted = tokens >= tps;
        if (admitted) tokens -= tps;
        _buckets[(source, group)] = (tokens, _now);
        return admitted ? Admit(DecisionFlags.None) : Deny(DenyReason.RegisterRate, Location(_device.RegisterRateLimitSpan));
    }

    // ── BGP ───────────────────────────────────────────────────────────────────────────

    public ReferenceDecision PrefixAnnounced(Address peer, Address network, int length, long now)
    {
        Advance(now);
        network = Mask(network, length);
        var entry = (peer, network, length);
        bool existing = _prefixes.Contains(entry);
        var n = _device.Bgp?.Neighbors.FirstOrDefault(x => Same(x.Address, peer));
        if (n is null)
        {
            if (!existing) _prefixes.Add(entry);
            return Admit(existing ? DecisionFlags.Refresh : DecisionFlags.None);
        }
        if (n.PrefixFilterIn is { } filter)
        {
            var (permit, span) = EvaluatePrefix(filter, network, length);
            if (!permit)
            {
                _prefixes.Remove(entry);
                return Deny(DenyReason.PrefixFilter, Location(span));
            }
        }
        int count = PrefixCount(peer);
        int? max = n.MaxPrefix?.Max;
        int? warn = n.MaxPrefix?.WarnCount;
        if (existing)
        {
            var flags = DecisionFlags.Refresh | PrefixWarning(warn, count, crossed: false);
            if (max is { } m && count > m) flags |= DecisionFlags.OverLimit;
            return Admit(flags);
        }
        var over = DecisionFlags.None;
        if (max is { } limit && count >= limit)
        {
            if (!n.MaxPrefix!.WarningOnly) return Deny(DenyReason.MaxPrefix, Location(n.MaxPrefix.Span));
            over = DecisionFlags.OverLimit;
        }
        _prefixes.Add(entry);
        return Admit(over | PrefixWarning(warn, count + 1, crossed: true));
    }

    public ReferenceDecision PrefixWithdrawn(Address peer, Address network, int length, long now)
    {
        Advance(now);
        return Admit(_prefixes.Remove((peer, Mask(network, length), length)) ? DecisionFlags.Removed : DecisionFlags.NotFound);
    }

    public void PeerDown(Address peer, long now)
    {
        Advance(now);
        _prefixes.RemoveAll(p => p.Peer == peer);
        _sas.RemoveAll(s => s.Peer == peer);
    }

    public int PrefixCount(Address peer) =>
        _device.Bgp?.Neighbors.Any(x => Same(x.Address, peer)) == true ? _prefixes.Count(p => p.Peer == peer) : 0;

    private static DecisionFlags PrefixWarning(int? warn, int count, bool crossed)
    {
        if (warn is not { } w || count <= w) return DecisionFlags.None;
        return crossed && count == w + 1 ? DecisionFlags.Warning | DecisionFlags.WarningCrossed : DecisionFlags.Warning;
    }

    /// <summary>A prefix filter, read from the model: a rule matches when one of its entries (with ge/le) matches.</summary>
    private static (bool Permit, SourceSpan Span) EvaluatePrefix(Filter filter, Address network, int length)
    {
        foreach (var rule in filter.Rules)
        {
            var prefixes = rule.Match.Prefixes;
            bool match = prefixes is null || prefixes.IsAny ||
                         (prefixes.Include.Any(e => EntryMatches(e, network, length)) && !prefixes.Except.Any(e => EntryMatches(e, network, length)));
            if (match) return (rule.Action == RuleAction.Permit, rule.Span);
        }
        return (false, filter.Span);
    }

    private static bool EntryMatches(PrefixEntry entry, Address network, int length)
    {
        var p = entry.Prefix;
        if (p.Family != Family(network.Family) || length < p.Length || !p.Contains(network.Value, p.Family)) return false;
        int min = entry.Ge ?? p.Length;
        int max = entry.Le ?? (entry.Ge is not null ? p.MaxLength : p.Length);
        return length >= min && length <= max;
    }

    private static Address Mask(Address network, int length)
    {
        var p = new IpPrefix(Family(network.Family), network.Value, length);
        return new Address(network.Family, network.Value & ~p.HostMask);
    }

    // ── Shared ────────────────────────────────────────────────────────────────────────

    private void Advance(long now)
    {
        if (now > _now) _now = now;
        _members.RemoveAll(m => m.Expiry <= _now);
        _routes.RemoveAll(r => r.Expiry <= _now);
        _sas.RemoveAll(s => s.Expiry <= _now);
        // A bucket that has refilled completely is the same as none.
        if (_device.RegisterRateLimit is { } rate)
        {
            long tps = TimeSpan.TicksPerSecond;
            foreach (var key in _buckets.Keys.ToList())
            {
                var (tokens, refilled) = _buckets[key];
                if (tokens + Math.Min(_now - refilled, tps) * rate >= rate * tps) _buckets.Remove(key);
            }
        }
    }

    public void AdvanceTo(long now) => Advance(now);

    private long Expiry(TimeSpan timeout) => timeout <= TimeSpan.Zero ? long.MaxValue : _now + timeout.Ticks;

    private InterfacePolicy? Interface(string name) => _device.Interfaces.FirstOrDefault(i => i.Name == name);

    private bool GroupRangeDenies(Address group, Address source, out ReferenceDecision denied)
    {
        denied = default;
        if (_device.GroupRange is not { } range) return false;
        var (permit, span) = Evaluate(range.Filter, group, source, Address.None);
        if (permit) return false;
        denied = Deny(DenyReason.GroupRange, Location(span));
        return true;
    }

    /// <summary>First match over the rules as the model has them; nothing matched is denied at the filter.</summary>
    private static (bool Permit, SourceSpan Span) Evaluate(Filter filter, Address group, Address source, Address host)
    {
        foreach (var rule in filter.Rules)
        {
            var m = rule.Match;
            if (!Matches(m.Sources, source)) continue;
            if (!Matches(m.Groups, group)) continue;
            if (m.From is { IsAny: false } from && (host.IsNone || !from.MatchesAddress(host.Value, Family(host.Family)))) continue;
            return (rule.Action == RuleAction.Permit, rule.Span);
        }
        return (false, filter.Span);
    }

    private static bool Counts(GroupLimit limit, Address group) => limit.Except is null || !Matches(limit.Except, group);

    private static bool Matches(AddressMatch? match, Address address) =>
        match is null || match.IsAny || (!address.IsNone && match.MatchesAddress(address.Value, Family(address.Family)));

    private static bool Same(IpPrefix prefix, Address address) => prefix.Family == Family(address.Family) && prefix.Network == address.Value;

    private static IpFamily Family(TableFamily family) => family == TableFamily.V4 ? IpFamily.V4 : IpFamily.V6;

    private static GroupProtocol Protocol(Address group) => group.Family == TableFamily.V4 ? GroupProtocol.Igmp : GroupProtocol.Mld;

    private static string Location(SourceSpan? span)
    {
        if (span is not { } s) return string.Empty;
        var (line, column) = s.StartLineColumn;
        return $"{s.File.Path.Replace('\\', '/')}:{line}:{column}";
    }

    private static ReferenceDecision Admit(DecisionFlags flags) => new(Verdict.Admit, DenyReason.None, string.Empty, flags);

    private static ReferenceDecision Deny(DenyReason reason, string location) => new(Verdict.Deny, reason, location, DecisionFlags.None);
}
