using System.Globalization;

namespace PolicyKit.Agent.Replay;

/// <summary>How fast a trace is replayed: as fast as possible, at recorded speed, or at a factor of it.</summary>
public readonly record struct ReplaySpeed(double Factor)
{
    /// <summary>No waiting between records.</summary>
    public static ReplaySpeed Fast => new(double.PositiveInfinity);

    public static ReplaySpeed Recorded => new(1);

    public bool IsFast => double.IsPositiveInfinity(Factor);

    /// <summary>"fast", "recorded", or a factor such as "10x" / "0.5x".</summary>
    public static bool TryParse(string text, out ReplaySpeed speed)
    {
        speed = Recorded;
        text = text.Trim();
        if (text.Equals("fast", StringComparison.OrdinalIgnoreCase)) { speed = Fast; return true; }
        if (text.Equals("recorded", StringComparison.OrdinalIgnoreCase)) return true;
        if (text.EndsWith('x') && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f > 0 && double.IsFinite(f))
        {
            speed = new ReplaySpeed(f);
            return true;
        }
        return false;
    }

    public override string ToString() => IsFast ? "fast" : Factor == 1 ? "recorded" : $"{Factor.ToString(CultureInfo.InvariantCulture)}x";
}
