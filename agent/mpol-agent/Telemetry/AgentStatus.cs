namespace PolicyKit.Agent.Telemetry;

/// <summary>The table in force, as status and events describe it. <see cref="Serial"/>: the table header's serial (0 none).</summary>
public sealed record TableInfo(string Path, string Device, string PolicyHash, string Checksum, bool SignatureVerified, DateTimeOffset Loaded, long Serial = 0);

/// <summary>The agent's retained status: online/offline, the table in force, decision and telemetry counters.</summary>
public sealed record AgentStatus(
    string State,
    string? Reason,
    string Device,
    string Site,
    string AgentVersion,
    DateTimeOffset Started,
    TableInfo? Table,
    long Admits,
    IReadOnlyDictionary<string, long> Denies,
    long Buffered,
    long Dropped)
{
    /// <summary>Admits of events the policy would deny, in audit, by reason (counted in <see cref="Admits"/> too).</summary>
    public IReadOnlyDictionary<string, long> WouldDenies { get; init; } = new Dictionary<string, long>();
}
