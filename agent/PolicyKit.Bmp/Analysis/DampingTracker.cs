using PolicyKit.Bmp.Rib;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Analysis;

/// <summary>What a flap did to a route's damping state.</summary>
public enum DampingChange : byte
{
    None,
    Suppressed,
    Reused,
}

/// <summary>One route's damping state, as telemetry reports the top flappers.</summary>
public sealed record Flapper(string Prefix, double Penalty, int Flaps, bool Suppressed);

/// <summary>
/// RFC 2439 figure-of-merit per route of one analysed peer. Only routes that flapped have a
/// history (a stable full table costs nothing here); penalties decay lazily — each history
/// stores its penalty and when it was computed — and <see cref="Sweep"/> forgets histories that
/// decayed below half the reuse limit and releases suppressed routes that decayed below reuse.
/// </summary>
internal sealed class DampingTracker
{
    private struct History
    {
        public double Penalty;
        public long Updated;
        public int Flaps;
        public bool Suppressed;
    }

    private readonly Dictionary<RouteKey, History> _history = [];

    public int Count => _history.Count;

    public int SuppressedCount { get; private set; }

    public long Suppressions { get; private set; }

    /// <summary>A withdrawal of a held route: one flap.</summary>
    public DampingChange Withdrawn(in RoutePrefix prefix, long now, DampingParameters p) =>
        Charge(prefix, now, p, DampingParameters.WithdrawalPenalty, flap: true);

    /// <summary>An announcement that replaced a held route with different attributes.</summary>
    public DampingChange AttributesChanged(in RoutePrefix prefix, long now, DampingParameters p) =>
        Charge(prefix, now, p, DampingParameters.AttributeChangePenalty, flap: false);

    /// <summary>Whether the route is suppressed now (its penalty is decayed first; a route that decayed below reuse is released).</summary>
    public DampingChange Refresh(in RoutePrefix prefix, long now, DampingParameters p, out bool suppressed)
    {
        suppressed = false;
        var key = RouteKey.Of(prefix);
        if (!_history.TryGetValue(key, out var h)) return DampingChange.None;
        var change = Update(ref h, now, p);
        suppressed = h.Suppressed;
        _history[key] = h;
        return change;
    }

    private DampingChange Charge(in RoutePrefix prefix, long now, DampingParameters p, double penalty, bool flap)
    {
        var key = RouteKey.Of(prefix);
        _history.TryGetValue(key, out var h);
        var change = Update(ref h, now, p);
        h.Penalty = Math.Min(h.Penalty + penalty, p.Ceiling);
        if (flap) h.Flaps++;
        if (!h.Suppressed && h.Penalty > p.Suppress)
        {
            h.Suppressed = true;
            SuppressedCount++;
            Suppressions++;
            change = DampingChange.Suppressed;
        }
        _history[key] = h;
        return change;
    }

    private DampingChange Update(ref History h, long now, DampingParameters p)
    {
        h.Penalty = p.Decay(h.Penalty, now - h.Updated);
        h.Updated = now;
        if (h.Suppressed && h.Penalty < p.Reuse)
        {
            h.Suppressed = false;
            SuppressedCount--;
            return DampingChange.Reused;
        }
        return DampingChange.None;
    }

    /// <summary>Decays every history; reports the routes released (reused) and forgets histories below half the reuse limit.</summary>
    public void Sweep(long now, DampingParameters p, List<RoutePrefix> reused)
    {
        List<RouteKey>? forget = null;
        foreach (var key in _history.Keys.ToList())
        {
            var h = _history[key];
            if (Update(ref h, now, p) == DampingChange.Reused) reused.Add(key.Prefix);
            if (!h.Suppressed && h.Penalty < p.ForgetBelow) (forget ??= []).Add(key);
            else _history[key] = h;
        }
        if (forget is null) return;
        foreach (var key in forget) _history.Remove(key);
    }

    /// <summary>One route's state now, or null when it has no history.</summary>
    public Flapper? State(in RoutePrefix prefix, long now, DampingParameters p) =>
        _history.TryGetValue(RouteKey.Of(prefix), out var h)
            ? new Flapper(prefix.ToString(), Math.Round(p.Decay(h.Penalty, now - h.Updated), 1), h.Flaps, h.Suppressed)
            : null;

    /// <summary>The <paramref name="count"/> routes with the highest penalty now.</summary>
    public IReadOnlyList<Flapper> Top(int count, long now, DampingParameters p) =>
        _history.Select(e => (e.Key, Penalty: p.Decay(e.Value.Penalty, now - e.Value.Updated), e.Value.Flaps, e.Value.Suppressed))
            .OrderByDescending(e => e.Penalty).ThenBy(e => e.Key.Prefix.ToString(), StringComparer.Ordinal)
            .Take(count)
            .Select(e => new Flapper(e.Key.Prefix.ToString(), Math.Round(e.Penalty, 1), e.Flaps, e.Suppressed))
            .ToList();

    public void Clear()
    {
        _history.Clear();
        SuppressedCount = 0;
    }
}
