using PolicyKit.Tables.Model;

namespace PolicyKit.Bmp.Analysis;

/// <summary>
/// RFC 2439 route flap damping with the policy's parameters (<c>damping half-life … reuse …
/// suppress … max-suppress …</c>). Penalties are in the routers' units: a withdrawal adds
/// <see cref="WithdrawalPenalty"/> (1000), an attribute change <see cref="AttributeChangePenalty"/>
/// (500, as IOS and FRR charge it); a re-advertisement adds nothing. The penalty decays
/// exponentially with the half-life and never exceeds the ceiling
/// reuse × 2^(max-suppress / half-life), so no route stays suppressed longer than max-suppress
/// after its last flap (RFC 2439 §4.2).
/// </summary>
public sealed record DampingParameters(TimeSpan HalfLife, int Reuse, int Suppress, TimeSpan MaxSuppress)
{
    public const double WithdrawalPenalty = 1000;

    public const double AttributeChangePenalty = 500;

    public double Ceiling => Reuse * Math.Pow(2, MaxSuppress.TotalSeconds / HalfLife.TotalSeconds);

    /// <summary>History is forgotten once the penalty decays below half the reuse limit (RFC 2439 §4.8.5).</summary>
    public double ForgetBelow => Reuse / 2.0;

    /// <summary><paramref name="penalty"/> after <paramref name="elapsedTicks"/> of exponential decay.</summary>
    public double Decay(double penalty, long elapsedTicks) =>
        elapsedTicks <= 0 ? penalty : penalty * Math.Pow(2, -(double)elapsedTicks / HalfLife.Ticks);

    public static DampingParameters? From(DampingEntry? entry) =>
        entry is null || entry.HalfLifeSeconds <= 0 ? null
            : new DampingParameters(TimeSpan.FromSeconds(entry.HalfLifeSeconds), entry.Reuse, entry.Suppress, TimeSpan.FromSeconds(entry.MaxSuppressSeconds));
}
