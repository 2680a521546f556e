using System.Globalization;
using System.Text;

namespace PolicyKit.Agent.Status;

/// <summary>
/// Many agents on one screen (<c>mpol-agent status --mqtt … --site '+' --device '+'</c>): a count
/// line, then per agent its state, the table it enforces, its decisions, its worst limits and its
/// BMP lines — what a NOC checks first, without a dashboard.
/// </summary>
public static class FleetView
{
    /// <summary>How many limits per agent: the fullest ones.</summary>
    public const int WorstLimits = 3;

    public static string Render(string filter, IReadOnlyList<StatusView> agents, int barWidth = 16)
    {
        var sb = new StringBuilder();
        var states = agents.GroupBy(a => a.State, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}");
        sb.Append(CultureInfo.InvariantCulture, $"{filter}: {agents.Count} agent{(agents.Count == 1 ? "" : "s")}");
        if (agents.Count > 0) sb.Append(" (").Append(string.Join(", ", states)).Append(')');
        sb.AppendLine();
        foreach (var a in agents)
        {
            sb.AppendLine();
            sb.Append(CultureInfo.InvariantCulture, $"{a.Device} @ {a.Site}: {a.State}");
            if (a.Reason is not null) sb.Append(CultureInfo.InvariantCulture, $" ({a.Reason})");
            if (a.Time is not null) sb.Append(CultureInfo.InvariantCulture, $"   as of {a.Time}");
            sb.AppendLine();
            sb.AppendLine($"  table: {a.Table ?? "none reported"}");
            long denied = a.Denies.Sum(p => p.Value);
            sb.AppendLine(CultureInfo.InvariantCulture, $"  decisions: {a.Admits} admitted, {denied} denied");
            foreach (string line in a.Bmp ?? []) sb.AppendLine("  " + line);
            var worst = a.Limits.OrderByDescending(l => l.Percent).ThenBy(l => l.Scope, StringComparer.Ordinal).Take(WorstLimits).ToList();
            if (worst.Count == 0) sb.AppendLine("  no limits");
            int width = StatusView.ScopeWidth(worst);
            foreach (var l in worst) sb.Append("  ").AppendLine(StatusView.LimitLine(l, width, barWidth).TrimEnd());
            if (a.Limits.Count > worst.Count) sb.AppendLine(CultureInfo.InvariantCulture, $"  … {a.Limits.Count - worst.Count} more limits (status --site {a.Site} --device {a.Device})");
        }
        return sb.ToString();
    }
}
