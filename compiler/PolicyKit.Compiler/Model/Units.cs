namespace PolicyKit.Compiler.Model;

/// <summary>A bandwidth in bits per second (IOS wants kbps; <see cref="Kbps"/> gives it).</summary>
public readonly record struct Bandwidth(long BitsPerSecond) : IComparable<Bandwidth>
{
    public static readonly Bandwidth OneKbps = new(1000);

    public long Kbps => BitsPerSecond / 1000;

    public int CompareTo(Bandwidth other) => BitsPerSecond.CompareTo(other.BitsPerSecond);

    public static bool operator <(Bandwidth a, Bandwidth b) => a.BitsPerSecond < b.BitsPerSecond;

    public static bool operator >(Bandwidth a, Bandwidth b) => a.BitsPerSecond > b.BitsPerSecond;

    /// <summary>The shortest exact form: 4Mbps, 1.6Mbps, 750Mbps, 1Gbps, 64kbps.</summary>
    public override string ToString()
    {
        (long unit, string suffix)[] units = [(1_000_000_000, "Gbps"), (1_000_000, "Mbps"), (1_000, "kbps")];
        foreach (var (unit, suffix) in units)
        {
            if (BitsPerSecond >= unit)
            {
                decimal value = (decimal)BitsPerSecond / unit;
                return $"{value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}{suffix}";
            }
        }
        return $"{BitsPerSecond}bps";
    }
}

/// <summary>A percentage as written (90% → 90).</summary>
public readonly record struct Percent(decimal Value)
{
    public override string ToString() => $"{Value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}%";
}

/// <summary>Formats durations the way the language writes them (30s, 15m, 2h, 90d).</summary>
public static class DurationText
{
    public static string Format(TimeSpan value)
    {
        if (value.TotalSeconds % 86400 == 0 && value.TotalSeconds > 0) return $"{(long)value.TotalDays}d";
        if (value.TotalSeconds % 3600 == 0 && value.TotalSeconds > 0) return $"{(long)value.TotalHours}h";
        if (value.TotalSeconds % 60 == 0 && value.TotalSeconds > 0) return $"{(long)value.TotalMinutes}m";
        return $"{(long)value.TotalSeconds}s";
    }
}
