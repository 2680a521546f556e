namespace PolicyKit.Agent.Telemetry;

/// <summary>A burst of denials: <see cref="Count"/> denials within one window, with the most frequent reasons.</summary>
public sealed record DenyBurst(int Count, TimeSpan Window, IReadOnlyList<KeyValuePair<string, int>> Reasons);

/// <summary>
/// Raises one event when <c>threshold</c> denials happen within a window (tumbling windows of the
/// configured length, in engine time): a flood of refused joins is news, each single refusal is
/// not. At most one burst per window, so a sustained attack gives one event per window.
/// </summary>
public sealed class DenyBurstDetector(int threshold, TimeSpan window)
{
    private long _windowStart = long.MinValue;
    private int _count;
    private bool _raised;
    private readonly Dictionary<string, int> _reasons = new(StringComparer.Ordinal);

    /// <summary>Counts one denial at engine time <paramref name="now"/>; returns a burst when this one reached the threshold.</summary>
    public DenyBurst? Deny(long now, string reason)
    {
        if (threshold <= 0) return null;
        if (_windowStart == long.MinValue || now - _windowStart >= window.Ticks)
        {
            _windowStart = now;
            _count = 0;
            _raised = false;
            _reasons.Clear();
        }
        _count++;
        _reasons[reason] = _reasons.GetValueOrDefault(reason) + 1;
        if (_raised || _count < threshold) return null;
        _raised = true;
        var top = _reasons.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Take(5).ToList();
        return new DenyBurst(_count, window, top);
    }
}
