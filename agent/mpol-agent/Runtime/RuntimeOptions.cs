using PolicyKit.Engine;
using PolicyKit.Tables.Format;

namespace PolicyKit.Agent.Runtime;

/// <summary>
/// What the runtime needs, independent of where it came from (the TOML configuration maps onto it
/// in Cli/RunCommand). Zero or empty means "take the table's telemetry hint, else the default".
/// </summary>
public sealed record RuntimeOptions
{
    public required string TablePath { get; init; }

    /// <summary>When set, every table (the first and each reload) must be signed by one of its keys.</summary>
    public TableVerifier? Verifier { get; init; }

    public string Device { get; init; } = string.Empty;

    public string Site { get; init; } = string.Empty;

    public string TopicPrefix { get; init; } = "policykit/v1";

    public int WarnPercent { get; init; }

    public int DenyBurst { get; init; } = 20;

    public TimeSpan DenyBurstWindow { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan PublishInterval { get; init; }

    /// <summary>
    /// Deny and would-deny events published per type and reason in each <see cref="DenyEventWindow"/>
    /// (telemetry.deny_events); the rest are counted and summarised once per window. 0 publishes none.
    /// </summary>
    public int DenyEvents { get; init; } = 10;

    public TimeSpan DenyEventWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Print every decision on the output (the demo does; a production agent logs only events).</summary>
    public bool PrintDecisions { get; init; }

    public EngineOptions Engine { get; init; } = EngineOptions.Default;

    /// <summary>
    /// Accept a reload whose table has a lower serial than the one in force (agent.allow_rollback).
    /// Off by default: an older table, even validly signed, is refused (rollback protection).
    /// </summary>
    public bool AllowRollback { get; init; }

    public const int DefaultWarnPercent = 80;

    public static readonly TimeSpan DefaultPublishInterval = TimeSpan.FromSeconds(10);
}
