namespace PolicyKit.Bmp.Events;

/// <summary>
/// At most <c>burst</c> events per reason in each window; the rest are counted and handed back
/// once per window as a summary, so a router that sends a hundred thousand bad messages costs a
/// handful of events and one summary, never a flood (docs/bmp.md, "Events and logs"). Reasons are
/// short, bounded strings chosen by the caller (message kind and error name), never input text;
/// past <see cref="MaxReasons"/> distinct reasons in one window the rest share "other".
/// Not thread-safe: each monitor (and the station's accept path, under its lock) owns one.
/// </summary>
public sealed class EventLimiter(int burst, long windowTicks)
{
    public const int MaxReasons = 64;

    private readonly Dictionary<string, (int Sent, long Suppressed)> _window = new(StringComparer.Ordinal);
    private long _windowStart = long.MinValue;
    private long _suppressedInWindow;

    /// <summary>Events suppressed since the start (all windows).</summary>
    public long Suppressed { get; private set; }

    /// <summary>Whether an event for <paramref name="reason"/> may be sent now; false counts it suppressed.</summary>
    public bool Allow(string reason, long now)
    {
        if (_windowStart == long.MinValue) _windowStart = now;
        if (!_window.TryGetValue(reason, out var entry))
        {
            if (_window.Count >= MaxReasons) reason = "other";
            _window.TryGetValue(reason, out entry);
        }
        if (entry.Sent < burst)
        {
            _window[reason] = (entry.Sent + 1, entry.Suppressed);
            return true;
        }
        _window[reason] = (entry.Sent, entry.Suppressed + 1);
        _suppressedInWindow++;
        Suppressed++;
        return false;
    }

    /// <summary>
    /// When the window has ended: the reasons with events suppressed in it (null when none were)
    /// and the window's length; a new window starts. Before that: null.
    /// </summary>
    public IReadOnlyDictionary<string, long>? Roll(long now, out TimeSpan window)
    {
        window = TimeSpan.Zero;
        if (_windowStart == long.MinValue || now - _windowStart < windowTicks) return null;
        window = TimeSpan.FromTicks(now - _windowStart);
        Dictionary<string, long>? suppressed = null;
        if (_suppressedInWindow > 0)
        {
            suppressed = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (reason, entry) in _window)
            {
                if (entry.Suppressed > 0) suppressed[reason] = entry.Suppressed;
            }
        }
        _window.Clear();
        _suppressedInWindow = 0;
        _windowStart = now;
        return suppressed;
    }
}
