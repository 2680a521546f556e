using System.Collections.Immutable;

namespace PolicyKit.Tables.Model;

/// <summary>
/// The compiled admission-control table of one device: what mpol-agent enforces. References
/// between parts are indexes (filters, classes, locations); -1 means none. Immutable: the agent
/// swaps whole tables, never edits one.
/// </summary>
public sealed record AdmissionTable(
    TableHeader Header,
    ImmutableArray<string> Locations,
    ImmutableArray<TableFilter> Filters,
    ImmutableArray<PrefixFilter> PrefixFilters,
    ImmutableArray<CostClass> Classes,
    RouterEntry Router,
    ImmutableArray<InterfaceEntry> Interfaces,
    ImmutableArray<MsdpPeerEntry> MsdpPeers,
    ImmutableArray<BgpPeerEntry> BgpPeers,
    DampingEntry? Damping,
    TelemetryEntry? Telemetry)
{
    /// <summary>The policy source of a location index ("file:line:col"), or "" for none.</summary>
    public string LocationText(int index) => index >= 0 && index < Locations.Length ? Locations[index] : string.Empty;

    /// <summary>True when the device or one of its interfaces is in audit (the table is then written as 1.2 with the audit section).</summary>
    public bool UsesAudit => Router.AuditLocation >= 0 || (!Interfaces.IsDefault && Interfaces.Any(i => i.InAudit));

    public bool Equals(AdmissionTable? other) => other is not null &&
        Header == other.Header &&
        Locations.SequenceEqual(other.Locations) &&
        Filters.SequenceEqual(other.Filters) &&
        PrefixFilters.SequenceEqual(other.PrefixFilters) &&
        Classes.SequenceEqual(other.Classes) &&
        Router == other.Router &&
        Interfaces.SequenceEqual(other.Interfaces) &&
        MsdpPeers.SequenceEqual(other.MsdpPeers) &&
        BgpPeers.SequenceEqual(other.BgpPeers) &&
        Damping == other.Damping &&
        Telemetry == other.Telemetry;

    public override int GetHashCode() => Header.GetHashCode();
}
