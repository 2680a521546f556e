namespace PolicyKit.Agent.Config;

/// <summary>[telemetry]: warning levels, deny bursts, and printing decisions.</summary>
public sealed record TelemetrySection(int WarnPercent, int DenyBurst, TimeSpan DenyBurstWindow, bool PrintDecisions)
{
    /// <summary>Deny and would-deny events per type and reason in each <see cref="DenyEventWindow"/>.</summary>
    public int DenyEvents { get; init; } = 10;

    public TimeSpan DenyEventWindow { get; init; } = TimeSpan.FromSeconds(60);

    public static TelemetrySection Bind(ConfigValues v) => new(
        v.Int("telemetry.warn_percent", 0, 0, 100, "a limit is in warning above this % of its maximum; 0 = the table's warn %, else 80"),
        v.Int("telemetry.deny_burst", 20, 0, 1_000_000, "this many denials within deny_burst_window make one deny-burst event; 0 = off"),
        v.Duration("telemetry.deny_burst_window", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), "the deny-burst window"),
        v.Bool("telemetry.print_decisions", false, "also print every decision on stdout (the demo does)"))
    {
        DenyEvents = v.Int("telemetry.deny_events", 10, 0, 1_000_000, "deny and would-deny events published per type and reason in each deny_event_window; 0 = none"),
        DenyEventWindow = v.Duration("telemetry.deny_event_window", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100), "the window of deny_events"),
    };
}
