namespace PolicyKit.Telemetry;

/// <summary>
/// Delays between reconnect attempts: doubling from min up to max, each drawn uniformly from
/// the upper half of the current step ("equal jitter") so a fleet of agents that lost the
/// same broker does not come back in lock-step. Not thread-safe (one reconnect loop owns it).
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private int _attempt;

    public ReconnectBackoff(TimeSpan min, TimeSpan max)
    {
        if (min <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(min), "must be positive");
        if (max < min) throw new ArgumentOutOfRangeException(nameof(max), "must not be below min");
        _min = min;
        _max = max;
    }

    /// <summary>The delay before the next attempt; <paramref name="random01"/> in [0, 1) picks the jitter.</summary>
    public TimeSpan Next(double random01)
    {
        // min × 2^attempt, computed in doubles and capped, so a long outage cannot overflow.
        double step = Math.Min(_max.Ticks, _min.Ticks * Math.Pow(2, Math.Min(_attempt, 62)));
        _attempt++;
        double ticks = step / 2 + step / 2 * Math.Clamp(random01, 0, 1);
        return TimeSpan.FromTicks((long)Math.Clamp(ticks, _min.Ticks, _max.Ticks));
    }

    /// <summary>After a successful connection the next outage starts again from min.</summary>
    public void Reset() => _attempt = 0;
}
