namespace PolicyKit.Agent.Telemetry;

/// <summary>
/// The table in force, as status and events describe it. <see cref="Serial"/>: the table header's
/// serial (0 none). <see cref="Sha256"/>: the SHA-256 of the whole file as it was read — the
/// figure <c>out/manifest.json</c> lists for it, so <c>mpolc drift</c> compares the two.
/// </summary>
public sealed record TableInfo(string Path, string Device, string PolicyHash, string Checksum, bool SignatureVerified, DateTimeOffset Loaded, long Serial = 0, string Sha256 = "");

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
