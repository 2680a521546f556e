using System.Globalization;
using PolicyKit.Compiler.Model;
using PolicyKit.Engine;
using PolicyKit.Engine.Analysis;
using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Model;

namespace PolicyKit.Compiler.Analysis.Queries;

/// <summary>
/// The questions <c>mpolc query</c> and test blocks ask of one device. Point questions run the
/// agent's engine on a fresh state; range questions split the space with
/// <see cref="DecisionRegions"/> (the engine's checks over regions) and prove what they claim
/// with an example the engine decides: a counterexample when an expectation fails, a witness
/// when it holds.
/// </summary>
public static class Questions
{
    /// <summary>The interface a budget's streams arrive on when none is given: one the policy names nowhere, so no RPF limit applies.</summary>
    public const string Upstream = "(upstream)";

    /// <summary>Can a host on <paramref name="iface"/> join (S,G)? One join on an empty state.</summary>
    public static QueryAnswer Join(DeviceView view, string iface, Address group, Address source, Address host, int version, Expectation expect)
    {
        var engine = view.NewEngine();
        var decision = JoinDecision(view, engine, iface, group, source, host, version);
        return new QueryAnswer("join", $"{view.Title}, interface {iface}")
        {
            Decisions = [decision],
            Notes = InterfaceNotes(view, iface, group.Family),
            Expectation = expect == Expectation.None ? null : new ExpectationResult(expect, decision.IsAdmit == (expect == Expectation.Admit), decision),
        };
    }

    /// <summary>Which (S,G) ranges can hosts on <paramref name="iface"/> join? Regions of the join space, with the rule deciding each.</summary>
    public static QueryAnswer Ranges(DeviceView view, string iface, AddressFamily family, IntervalSet? sources, IntervalSet? groups, IntervalSet? hosts, Expectation expect)
    {
        var full = Space.Joins(family);
        var space = new Box(Clip(full[Space.Source], sources), Clip(full[Space.Group], groups), Clip(full[Space.Host], hosts));
        var pieces = Order(view, DecisionRegions.Joins(view.Table, iface, family, space));
        var regions = pieces.Select(p => Region(view, p, [
            Axis("sources", p.Region[Space.Source], full[Space.Source], family, sources: true),
            Axis("groups", p.Region[Space.Group], full[Space.Group], family),
            Axis("hosts", p.Region[Space.Host], full[Space.Host], family)])).ToList();
        var notes = InterfaceNotes(view, iface, family).ToList();
        notes.Add("source * is an ASM (*,G) join; a join reported without a host address matches no rule with 'from'");
        return new QueryAnswer("ranges", $"{view.Title}, interface {iface}, {(family == AddressFamily.V4 ? "IGMP" : "MLD")} joins")
        {
            Regions = regions,
            Notes = notes,
            Expectation = Check(expect, pieces, piece =>
            {
                var engine = view.NewEngine();
                var s = piece.Region[Space.Source].Min;
                var h = piece.Region[Space.Host];
                return JoinDecision(view, engine, iface, new Address(family, piece.Region[Space.Group].Min),
                    s == 0 ? Address.None : new Address(family, s), h.Equals(Space.Addresses(family)) ? Address.None : new Address(family, h.Min), 0);
            }),
        };
    }

    /// <summary>Which SAs from (or to) an MSDP peer are accepted (forwarded)?</summary>
    public static QueryAnswer Sas(DeviceView view, Address peer, bool outbound, IntervalSet? sources, IntervalSet? groups, Expectation expect)
    {
        var full = Space.Channels(peer.Family);
        var space = new Box(Clip(full[Space.Source], sources), Clip(full[Space.Group], groups));
        var decided = outbound ? DecisionRegions.SasForwarded(view.Table, peer, space) : DecisionRegions.SasReceived(view.Table, peer, space);
        var pieces = Order(view, decided);
        var notes = new List<string>();
        int pi = view.Table.FindMsdpPeer(peer);
        if (pi < 0) notes.Add($"{peer} is not an MSDP peer of {view.Device.Name}");
        else if (!outbound && view.Table.Source.MsdpPeers[pi].SaLimit >= 0)
            notes.Add($"at most {view.Table.Source.MsdpPeers[pi].SaLimit} SAs from this peer are cached (sa-limit): accepted SAs beyond it are refused");
        return new QueryAnswer(outbound ? "sa-out" : "sa", $"{view.Title}, MSDP peer {peer}, SAs {(outbound ? "forwarded to" : "received from")} it")
        {
            Regions = pieces.Select(p => Region(view, p, [
                Axis("sources", p.Region[Space.Source], full[Space.Source], peer.Family),
                Axis("groups", p.Region[Space.Group], full[Space.Group], peer.Family)])).ToList(),
            Notes = notes,
            Expectation = Check(expect, pieces, piece =>
            {
                var engine = view.NewEngine();
                var e = new SaEvent(peer, new Address(peer.Family, piece.Region[Space.Source].Min), new Address(peer.Family, piece.Region[Space.Group].Min), peer);
                var d = outbound ? engine.SaForward(e, 0) : engine.SaReceived(e, 0);
                return Describe(view, $"{(outbound ? "sa-out" : "sa")} {peer} {e.Source} {e.Group}", d);
            }),
        };
    }

    /// <summary>Which registers does this RP accept (accept-register)?</summary>
    public static QueryAnswer Registers(DeviceView view, AddressFamily family, IntervalSet? sources, IntervalSet? groups, Expectation expect)
    {
        var full = Space.Channels(family);
        var space = new Box(Clip(full[Space.Source], sources), Clip(full[Space.Group], groups));
        var pieces = Order(view, DecisionRegions.Registers(view.Table, family, space));
        var notes = new List<string>();
        if (view.Device.RegisterRateLimit is { } rate) notes.Add($"register-rate-limit {rate}: at most {rate} registers per second per (S,G)");
        return new QueryAnswer("registers", $"{view.Title}, PIM registers")
        {
            Regions = pieces.Select(p => Region(view, p, [
                Axis("sources", p.Region[Space.Source], full[Space.Source], family),
                Axis("groups", p.Region[Space.Group], full[Space.Group], family)])).ToList(),
            Notes = notes,
            Expectation = Check(expect, pieces, piece =>
            {
                var engine = view.NewEngine();
                var e = new RegisterEvent(new Address(family, piece.Region[Space.Source].Min), new Address(family, piece.Region[Space.Group].Min));
                return Describe(view, $"register {e.Source} {e.Group}", engine.Register(e, 0));
            }),
        };
    }

    /// <summary>Which prefixes from a BGP neighbor pass its inbound filter? <paramref name="within"/> restricts to prefixes inside these (any length from theirs down).</summary>
    public static QueryAnswer Prefixes(DeviceView view, Address neighbor, IReadOnlyList<IpPrefix> within, Expectation expect)
    {
        var family = neighbor.Family;
        var full = Space.Prefixes(family);
        var spaces = within.Count == 0
            ? [full]
            : within.Where(p => (p.Family == IpFamily.V4) == (family == AddressFamily.V4))
                .Select(p => new Box(Space.OfPrefix(family, p.Network, p.Length), IntervalSet.Range((UInt128)p.Length, (UInt128)Space.Bits(family)))).ToList();
        var decided = spaces.SelectMany(s => DecisionRegions.Prefixes(view.Table, neighbor, s)).ToList();
        var pieces = Order(view, decided).Where(p => SomePrefix(p.Region, family) is not null).ToList();
        var notes = new List<string>();
        int pi = view.Table.FindBgpPeer(neighbor);
        if (pi < 0) notes.Add($"{neighbor} is not a BGP neighbor of {view.Device.Name}: nothing filters or limits it");
        else if (view.Table.Source.BgpPeers[pi].MaxPrefix >= 0)
            notes.Add($"max-prefix {view.Table.Source.BgpPeers[pi].MaxPrefix}: one prefix more than that from this neighbor {(view.Table.Source.BgpPeers[pi].WarningOnly ? "is reported (warning-only)" : "tears the session down")}");
        return new QueryAnswer("prefixes", $"{view.Title}, BGP neighbor {neighbor}, prefixes received")
        {
            Regions = pieces.Select(p => Region(view, p, [PrefixAxis(p.Region, family)])).ToList(),
            Notes = notes,
            Expectation = Check(expect, pieces, piece =>
            {
                var (network, length) = SomePrefix(piece.Region, family)!.Value;
                var engine = view.NewEngine();
                var d = engine.PrefixAnnounced(new PrefixEvent(neighbor, new Address(family, network), (byte)length), 0);
                return Describe(view, $"prefix {neighbor} {AddressText.Format(family, network)}/{length}", d);
            }),
        };
    }

    /// <summary>
    /// With these streams joined on <paramref name="iface"/>, how much of each limit and budget is
    /// left, and which stream would be refused next? Each stream is a join on the interface and
    /// (S,G) state forwarded out of it, arriving on <paramref name="rpf"/>.
    /// </summary>
    public static QueryAnswer Budget(DeviceView view, string iface, IReadOnlyList<(Address Source, Address Group)> streams, string? rpf, (Address Source, Address Group)? next, Expectation expect)
    {
        var engine = view.NewEngine();
        var decisions = streams.Select(s => Stream(view, engine, iface, rpf, s.Source, s.Group)).ToList();
        AnswerDecision? nextDecision = null;
        var limits = BudgetLimits(view, engine, iface, rpf);
        if (next is { } n) nextDecision = Stream(view, engine, iface, rpf, n.Source, n.Group);
        return new QueryAnswer("budget", $"{view.Title}, interface {iface}, {Count(streams.Count, "stream")} joined")
        {
            Decisions = nextDecision is null ? decisions : [.. decisions, nextDecision with { Event = "next: " + nextDecision.Event }],
            Limits = limits,
            Notes = InterfaceNotes(view, iface, streams.Count > 0 ? streams[0].Group.Family : AddressFamily.V4),
            Expectation = expect == Expectation.None || nextDecision is null ? null
                : new ExpectationResult(expect, nextDecision.IsAdmit == (expect == Expectation.Admit), nextDecision),
        };
    }

    /// <summary>One stream: the join, then the state, then its output on the interface; the first refusal decides.</summary>
    public static AnswerDecision Stream(DeviceView view, AdmissionEngine engine, string iface, string? rpf, Address source, Address group)
    {
        string text = $"stream {(source.IsNone ? "*" : source.ToString())} {group} on {iface}";
        long now = engine.Now == long.MinValue ? 0 : engine.Now;
        var join = engine.Join(new JoinEvent(engine.Interface(iface), group, source, Address.None, (byte)(group.Family == AddressFamily.V4 ? 3 : 2)), now);
        if (!join.IsAdmit) return Describe(view, text, join) with { Notes = ["the join is refused"] };
        var state = engine.CreateState(new StateEvent(source, group, engine.Interface(rpf ?? Upstream), false), now);
        if (!state.IsAdmit) return Describe(view, text, state) with { Notes = ["the (S,G) state is refused"] };
        var output = engine.AddOutput(new OutputEvent(source, group, engine.Interface(iface)), now);
        if (!output.IsAdmit) return Describe(view, text, output) with { Notes = [$"forwarding out of {iface} is refused"] };
        // The admit that says most: the output's when a state limit on the interface counted it.
        return Describe(view, text, output.Limit.IsNone ? join : output);
    }

    /// <summary>The limits a stream on the interface is measured against, with their use, what is left and what is refused next.</summary>
    private static List<AnswerLimit> BudgetLimits(DeviceView view, AdmissionEngine engine, string iface, string? rpf)
    {
        var table = view.Table;
        int ti = table.FindInterface(iface);
        int ri = rpf is null ? -1 : table.FindInterface(rpf);
        var result = new List<AnswerLimit>();
        foreach (var usage in engine.Usage())
        {
            var l = usage.Limit;
            bool relevant = l.Kind switch
            {
                RuleKind.InterfaceLimit or RuleKind.StateLimit => l.Owner == ti || (l.Kind == RuleKind.StateLimit && l.Owner == ri),
                RuleKind.RouterLimit or RuleKind.RouteLimit => true,
                _ => false,
            };
            if (!relevant) continue;
            bool bandwidth = l.Kind == RuleKind.StateLimit && table.Source.Interfaces[l.Owner].StateLimits[l.Item].CostBased;
            var limit = new AnswerLimit(view.Rule(l)!, usage.Used, usage.Max, bandwidth);
            long left = limit.Left;
            if (bandwidth)
            {
                var entry = table.Source.Interfaces[l.Owner].StateLimits[l.Item];
                var classes = entry.Classes.Select(c => table.Source.Classes[c]).Select(c => new ClassFit(c.Name, c.CostBps, c.CostBps > 0 ? left / c.CostBps : long.MaxValue)).ToList();
                classes.Add(new ClassFit("(default cost)", entry.DefaultCostBps, entry.DefaultCostBps > 0 ? left / entry.DefaultCostBps : long.MaxValue));
                limit = limit with
                {
                    Classes = classes,
                    NextRefused = string.Join("; ", classes.Where(c => c.Class != "(default cost)").Select(c => $"the {Ordinal(c.Fits + 1)} more {c.Class} stream ({CompiledTable.Bandwidth(c.CostBps)})")),
                };
            }
            else if (usage.Max >= 0)
            {
                limit = limit with { NextRefused = $"the {Ordinal(left + 1)} more {(l.Kind is RuleKind.RouteLimit or RuleKind.StateLimit ? "state" : "join")}" };
            }
            result.Add(limit);
        }
        return result;
    }

    private static AnswerDecision JoinDecision(DeviceView view, AdmissionEngine engine, string iface, Address group, Address source, Address host, int version)
    {
        int newest = group.Family == AddressFamily.V4 ? 3 : 2;
        if (version <= 0) version = newest;
        var d = engine.Join(new JoinEvent(engine.Interface(iface), group, source, host, (byte)version), 0);
        string text = $"join {iface} {group}{(source.IsNone ? "" : $" source {source}")}{(host.IsNone ? "" : $" from {host}")}{(version != newest ? $" version {version}" : "")}";
        return Describe(view, text, d);
    }

    /// <summary>A decision of the engine in the answer's terms.</summary>
    public static AnswerDecision Describe(DeviceView view, string text, Decision d)
    {
        AnswerLimit? limit = null;
        if (!d.Limit.IsNone && view.Rule(d.Limit) is { } rule)
        {
            bool bandwidth = d.Limit.Kind == RuleKind.StateLimit && view.Table.Source.Interfaces[d.Limit.Owner].StateLimits[d.Limit.Item].CostBased;
            limit = new AnswerLimit(rule, d.Used, d.Max, bandwidth);
        }
        var notes = new List<string>();
        if (d.Has(DecisionFlags.NoPolicy)) notes.Add("the policy says nothing about it");
        else if (d.IsAdmit && d.Has(DecisionFlags.NotCounted)) notes.Add("counts towards no limit");
        if (d.Has(DecisionFlags.WarningCrossed)) notes.Add("warning threshold crossed");
        if (d.Has(DecisionFlags.OverLimit)) notes.Add("above the maximum (warning-only)");
        return new AnswerDecision(text, d.Verdict, d.Reason, view.Rule(d.Rule), limit, notes);
    }

    private static IReadOnlyList<string> InterfaceNotes(DeviceView view, string iface, AddressFamily family)
    {
        var notes = new List<string>();
        var ip = view.Interface(iface);
        var protocol = family == AddressFamily.V4 ? GroupProtocol.Igmp : GroupProtocol.Mld;
        if (ip is null)
        {
            notes.Add($"{view.Device.Name} names no interface \"{iface}\": only router-wide rules{(view.Device.DefaultLimitFor(protocol) is null ? "" : " and the default limit")} apply");
            return notes;
        }
        if (ip.MembershipFor(protocol)?.MinimumVersion is { } min)
            notes.Add($"{(protocol == GroupProtocol.Igmp ? "IGMP" : "MLD")} version >= {min}: older reports are refused whatever they join");
        return notes;
    }

    /// <summary>Whether every piece has the expected verdict; the counterexample (first piece that does not) or a witness (the first that does), decided by the engine.</summary>
    private static ExpectationResult? Check(Expectation expect, IReadOnlyList<DecidedRegion> pieces, Func<DecidedRegion, AnswerDecision> example)
    {
        if (expect == Expectation.None) return null;
        bool admit = expect == Expectation.Admit;
        foreach (var piece in pieces)
        {
            if (piece.Decision.IsAdmit != admit) return new ExpectationResult(expect, false, example(piece));
        }
        return new ExpectationResult(expect, true, pieces.Count > 0 ? example(pieces[0]) : null);
    }

    /// <summary>Admitted first, then by the deciding rule's place in the policy, then by address.</summary>
    private static List<DecidedRegion> Order(DeviceView view, IEnumerable<DecidedRegion> pieces) =>
        pieces.OrderBy(p => p.Decision.IsAdmit ? 0 : 1)
            .ThenBy(p => view.Table.LocationOf(p.Decision.Rule))
            .ThenBy(p => p.Region[1].IsEmpty ? UInt128.Zero : p.Region[1].Min)
            .ThenBy(p => p.Region[0].IsEmpty ? UInt128.Zero : p.Region[0].Min)
            .ToList();

    private static AnswerRegion Region(DeviceView view, DecidedRegion piece, IReadOnlyList<RegionAxis> axes) =>
        new(piece.Decision.Verdict, piece.Decision.Reason, view.Rule(piece.Decision.Rule), axes);

    internal static RegionAxis Axis(string name, IntervalSet set, IntervalSet universe, AddressFamily family, bool sources = false)
    {
        var values = sources ? RegionText.Sources(set, family) : RegionText.Addresses(set, family);
        return new(name, values, RegionText.Short(set, values, universe, family, sources));
    }

    internal static RegionAxis PrefixAxis(Box box, AddressFamily family)
    {
        var values = RegionText.Prefixes(box, family);
        return new RegionAxis("prefixes", values, values.Count <= 6 ? string.Join(", ", values) : $"{string.Join(", ", values.Take(6))}, … ({values.Count - 6} more)");
    }

    private static IntervalSet Clip(IntervalSet axis, IntervalSet? restriction) => restriction is null ? axis : axis.Intersect(restriction);

    /// <summary>A prefix in a box of the prefix space (an aligned network of a length the box holds), or null when the box holds none.</summary>
    private static (UInt128 Network, int Length)? SomePrefix(Box box, AddressFamily family)
    {
        int bits = Space.Bits(family);
        foreach (var (lo, hi) in box[Space.Length].Intervals)
        {
            for (UInt128 l = lo; l <= hi; l++)
            {
                int length = (int)l;
                UInt128 size = bits - length >= 128 ? UInt128.MaxValue : UInt128.One << (bits - length);
                foreach (var (first, last) in box[Space.Network].Intervals)
                {
                    if (size == UInt128.MaxValue)
                    {
                        if (first == 0) return (0, length);
                        continue;
                    }
                    UInt128 aligned = first % size == 0 ? first : first - first % size + size;
                    if (aligned >= first && aligned <= last) return (aligned, length);
                }
            }
        }
        return null;
    }

    private static string Count(int n, string noun) => $"{n.ToString(CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";

    private static string Ordinal(long n)
    {
        string suffix = (n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
        return n.ToString(CultureInfo.InvariantCulture) + suffix;
    }
}
