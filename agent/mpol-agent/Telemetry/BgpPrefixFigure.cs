using PolicyKit.Engine;
using PolicyKit.Engine.Compiled;

namespace PolicyKit.Agent.Telemetry;

/// <summary>
/// A BGP peer's prefix use as a live source counts it (the BMP station: the analysed view of the
/// peer on one monitored router), with where the figure comes from, for the <c>limits/bgp/PEER</c>
/// topic. When a source is set, it is the only one: the engine's own BGP counts (replayed
/// announcements) are not mixed in, so <c>limits/bgp/PEER</c>, <c>bmp/ROUTER/PEER</c> and
/// <c>/status</c> report one number.
/// </summary>
public readonly record struct BgpPrefixFigure(Address Peer, long Used, string Source)
{
    /// <summary>
    /// The engine's usage with every max-prefix limit's use replaced by the source's figure for that
    /// neighbor (the highest when several routers report it), and each such limit's source by scope path.
    /// </summary>
    public static IReadOnlyList<LimitUsage> Apply(CompiledTable table, IReadOnlyList<LimitUsage> usage, IReadOnlyList<BgpPrefixFigure> figures, Dictionary<string, string> sources)
    {
        var result = new List<LimitUsage>(usage.Count);
        foreach (var u in usage)
        {
            if (u.Limit.Kind != RuleKind.MaxPrefix || (uint)u.Limit.Owner >= (uint)table.BgpPeers.Length)
            {
                result.Add(u);
                continue;
            }
            var address = table.BgpPeers[u.Limit.Owner].Address;
            BgpPrefixFigure? best = null;
            foreach (var f in figures)
            {
                if (f.Peer == address && (best is null || f.Used > best.Value.Used)) best = f;
            }
            result.Add(u with { Used = best?.Used ?? 0 });
            sources[LimitScope.Of(table, u.Limit).Path] = best?.Source ?? "bmp: no monitored router reports this neighbor";
        }
        return result;
    }
}
