using PolicyKit.Telemetry.Fleet;

namespace PolicyKit.Mpolc.Commands;

/// <summary>What <c>mpolc drift</c> found for one agent.</summary>
internal enum DriftKind { InSync, Drift, Missing, Unknown }

/// <summary>One agent: compiled and reporting (in sync or drift), compiled only (missing), or reporting only (unknown).</summary>
internal sealed record DriftFinding(DriftKind Kind, string Device, string? Site, string? State, string? Compiled, string? Enforced);

/// <summary>The comparison itself: plain data in, findings out (devices by name, then site).</summary>
internal static class FleetDrift
{
    public static IReadOnlyList<DriftFinding> Compare(IReadOnlyDictionary<string, string> compiled, IReadOnlyList<FleetDevice> fleet)
    {
        var findings = new List<DriftFinding>();
        var reporting = fleet.Where(d => d.Status is not null).ToList();
        foreach (var (device, sha) in compiled.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var agents = reporting.Where(d => d.Device == device).ToList();
            if (agents.Count == 0) findings.Add(new DriftFinding(DriftKind.Missing, device, null, null, sha, null));
            foreach (var agent in agents)
            {
                var status = StatusSummary.Parse(agent.Status!);
                bool same = string.Equals(status?.TableSha256, sha, StringComparison.OrdinalIgnoreCase);
                findings.Add(new DriftFinding(same ? DriftKind.InSync : DriftKind.Drift, device, agent.Site, status?.State ?? "unreadable status", sha, status?.TableSha256));
            }
        }
        foreach (var agent in reporting.Where(d => !compiled.ContainsKey(d.Device)))
        {
            var status = StatusSummary.Parse(agent.Status!);
            findings.Add(new DriftFinding(DriftKind.Unknown, agent.Device, agent.Site, status?.State ?? "unreadable status", null, status?.TableSha256));
        }
        return findings;
    }
}
