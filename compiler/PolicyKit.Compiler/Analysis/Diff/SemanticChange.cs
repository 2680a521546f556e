using PolicyKit.Compiler.Analysis.Queries;

namespace PolicyKit.Compiler.Analysis.Diff;

/// <summary>What happened to a thing between two versions of a policy.</summary>
public enum ChangeKind
{
    /// <summary>It exists only in the new version (a device, an interface, a peer, a key).</summary>
    Added,

    /// <summary>It exists only in the old version.</summary>
    Removed,

    /// <summary>Events (joins, SAs, registers, prefixes) the old version denied and the new one admits.</summary>
    Admitted,

    /// <summary>Events the old version admitted and the new one denies.</summary>
    Denied,

    /// <summary>A limit or budget is higher.</summary>
    Raised,

    /// <summary>A limit or budget is lower.</summary>
    Lowered,

    /// <summary>A protection the old version did not have.</summary>
    Gained,

    /// <summary>A protection the new version no longer has.</summary>
    Lost,

    /// <summary>Something else about it differs (a key, an action).</summary>
    Changed,
}

/// <summary>
/// One change of meaning between two versions of a policy: on which device, where on it
/// (<see cref="Scope"/>: "interface X", "bgp neighbor A", "router"), what (<see cref="Subject"/>),
/// how, the values before and after (never a secret: a key change carries neither), and for
/// admitted or denied events the ranges, as prefixes per axis.
/// </summary>
public sealed record SemanticChange(string Device, string Scope, string Subject, ChangeKind Kind, string? Old = null, string? New = null)
{
    public IReadOnlyList<RegionAxis> Ranges { get; init; } = [];

    public string KindText => Kind switch
    {
        ChangeKind.Admitted => "newly admitted",
        ChangeKind.Denied => "newly denied",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The change in one line, without its device: "interface Gi0/1: IGMP limit lowered: 125 -> 100".</summary>
    public string Text
    {
        get
        {
            string head = $"{Scope}: {Subject} {KindText}";
            // "hosts any" says nothing (as in mpolc query's answers).
            if (Ranges.Count > 0) return $"{head}: {string.Join("; ", Ranges.Where(a => !(a.Axis == "hosts" && a.Text == "any")).Select(a => $"{a.Axis} {a.Text}"))}";
            return (Old, New) switch
            {
                (not null, not null) => $"{head}: {Old} -> {New}",
                (null, not null) => $"{head}: {New}",
                (not null, null) => $"{head} (was {Old})",
                _ => head,
            };
        }
    }
}
