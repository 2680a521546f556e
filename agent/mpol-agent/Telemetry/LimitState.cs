namespace PolicyKit.Agent.Telemetry;

/// <summary>
/// What telemetry knows of one limit: its use, its warning level, and the denials attributed to
/// it, by reason. <see cref="WarnAbove"/> is the count above which the limit is in warning (the
/// policy's own <c>warn</c> count where it has one, else the warn percentage of the maximum).
/// </summary>
public sealed class LimitState(LimitScope scope)
{
    public LimitScope Scope { get; } = scope;

    /// <summary>The limit in words, as <c>mpolc explain</c> prints it.</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>Where the policy sets it (file:line:col).</summary>
    public string Location { get; set; } = string.Empty;

    /// <summary>What <see cref="Used"/> and <see cref="Max"/> count: "bps" for a bandwidth (cost) limit, else "entries".</summary>
    public string Unit { get; set; } = "entries";

    public long Used { get; set; }

    public long Max { get; set; }

    public long WarnAbove { get; set; } = -1;

    public bool Warning { get; set; }

    public SortedDictionary<string, long> Denies { get; } = new(StringComparer.Ordinal);

    /// <summary>Where <see cref="Used"/> comes from when not the engine's own decisions (a BGP limit counted by the BMP station: "bmp ROUTER/PEER post-policy").</summary>
    public string? Source { get; set; }

    public double Percent => Max > 0 ? Math.Round(Used * 100.0 / Max, 1) : 0;

    public long DenyTotal => Denies.Values.Sum();
}
