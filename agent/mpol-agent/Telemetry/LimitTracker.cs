using PolicyKit.Engine;
using PolicyKit.Engine.Compiled;

namespace PolicyKit.Agent.Telemetry;

/// <summary>A limit's warning state changed: up when its use went above its warning level, down when it fell back.</summary>
public sealed record ThresholdCrossing(LimitState Limit, bool Up);

/// <summary>
/// Keeps every limit's telemetry state from the engine's <see cref="AdmissionEngine.Usage"/>:
/// use, warning flag with crossings, and denials by reason. Denial counts survive table reloads
/// for limits that keep their scope (policy names, not indexes). Pure bookkeeping: no I/O, no clock.
/// </summary>
public sealed class LimitTracker(int warnPercent)
{
    private readonly Dictionary<string, LimitState> _limits = new(StringComparer.Ordinal);

    /// <summary>The warn percentage for limits without their own warn count (1..100).</summary>
    public int WarnPercent { get; set; } = warnPercent;

    public IEnumerable<LimitState> All => _limits.Values.OrderBy(l => l.Scope.Path, StringComparer.Ordinal);

    public LimitState? Find(string path) => _limits.GetValueOrDefault(path);

    /// <summary>
    /// Updates from the engine's current use. Returns the warning crossings, and in
    /// <paramref name="removed"/> the scopes the table no longer has (their retained topics should be cleared).
    /// </summary>
    public IReadOnlyList<ThresholdCrossing> Refresh(CompiledTable table, IReadOnlyList<LimitUsage> usage, out IReadOnlyList<string> removed)
    {
        var crossings = new List<ThresholdCrossing>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var u in usage)
        {
            var scope = LimitScope.Of(table, u.Limit);
            if (!seen.Add(scope.Path)) continue;
            if (!_limits.TryGetValue(scope.Path, out var state))
            {
                state = new LimitState(scope);
                _limits.Add(scope.Path, state);
            }
            state.Text = table.Describe(u.Limit);
            state.Location = table.LocationText(table.LocationOf(u.Limit));
            state.Unit = DenyExplanation.Unit(table, u.Limit);
            state.Used = u.Used;
            state.Max = u.Max;
            state.WarnAbove = WarnLevel(table, u);
            bool warning = state.WarnAbove >= 0 && u.Used > state.WarnAbove;
            if (warning != state.Warning)
            {
                state.Warning = warning;
                crossings.Add(new ThresholdCrossing(state, warning));
            }
        }
        var gone = _limits.Keys.Where(k => !seen.Contains(k)).ToList();
        foreach (string k in gone) _limits.Remove(k);
        removed = gone;
        return crossings;
    }

    /// <summary>Counts a denial against the limit at <paramref name="path"/> (ignored when the table has no such limit).</summary>
    public void CountDeny(string path, string reason)
    {
        if (_limits.TryGetValue(path, out var state))
        {
            state.Denies[reason] = state.Denies.GetValueOrDefault(reason) + 1;
        }
    }

    private long WarnLevel(CompiledTable table, LimitUsage u)
    {
        if (u.Max < 0) return -1;
        if (u.Limit.Kind == RuleKind.RouteLimit && table.RouteWarn >= 0) return table.RouteWarn;
        if (u.Limit.Kind == RuleKind.MaxPrefix && table.BgpPeers[u.Limit.Owner].WarnCount >= 0) return table.BgpPeers[u.Limit.Owner].WarnCount;
        // "warn 80%": in warning once the use exceeds 80 % of the maximum.
        return u.Max * WarnPercent / 100;
    }
}
