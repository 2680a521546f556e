using System.Globalization;
using System.Text;
using PolicyKit.Agent.Runtime;

namespace PolicyKit.Agent.Status;

/// <summary>
/// The agent's state in the OpenMetrics text format (what Prometheus scrapes from
/// <c>GET /metrics</c>): decisions by verdict and deny reason, every limit's use and bound, the
/// table in force, and the telemetry transport's outbox. The same figures as
/// <see cref="StatusDocument"/>, from the same runtime calls. Written by hand rather than
/// through a metrics library: a dozen families, read at scrape time from state the agent keeps
/// anyway, in a trimmed/AOT binary that carries no framework.
/// </summary>
public static class OpenMetricsDocument
{
    public const string ContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    public static byte[] Write(AgentRuntime runtime)
    {
        var text = new StringBuilder(4096);
        var (admits, denies) = runtime.Decisions();
        Family(text, "mpol_agent_decisions", "counter", "Admission decisions since start, by verdict and deny reason.");
        Sample(text, "mpol_agent_decisions_total", [("verdict", "admit"), ("reason", "")], admits);
        foreach (var (reason, count) in denies) Sample(text, "mpol_agent_decisions_total", [("verdict", "deny"), ("reason", reason)], count);

        var limits = runtime.Limits();
        Family(text, "mpol_agent_limit_used", "gauge", "Entries (or the limit's unit) in use under each limit.");
        foreach (var l in limits) Sample(text, "mpol_agent_limit_used", Labels(l), l.Used);
        Family(text, "mpol_agent_limit_max", "gauge", "The bound of each limit.");
        foreach (var l in limits) Sample(text, "mpol_agent_limit_max", Labels(l), l.Max);
        Family(text, "mpol_agent_limit_denies", "counter", "Joins denied by each limit since the table was loaded.");
        foreach (var l in limits) Sample(text, "mpol_agent_limit_denies_total", Labels(l), l.DenyTotal);

        var table = runtime.Table;
        Family(text, "mpol_agent_table", "info", "The admission table in force.");
        if (table is not null)
        {
            Sample(text, "mpol_agent_table_info", [("device", table.Device), ("checksum", table.Checksum), ("serial", table.Serial.ToString(CultureInfo.InvariantCulture)),
                ("signature_verified", table.SignatureVerified ? "true" : "false")], 1);
        }

        var t = runtime.TelemetryState;
        Family(text, "mpol_agent_telemetry_connected", "gauge", "1 when the MQTT client is connected to a broker.");
        Sample(text, "mpol_agent_telemetry_connected", [], t.Connected ? 1 : 0);
        Family(text, "mpol_agent_telemetry_outbox", "gauge", "Telemetry messages accepted and not yet acknowledged by the broker.");
        Sample(text, "mpol_agent_telemetry_outbox", [], t.Buffered);
        Family(text, "mpol_agent_telemetry_published", "counter", "Telemetry messages the broker acknowledged.");
        Sample(text, "mpol_agent_telemetry_published_total", [], t.Published);
        Family(text, "mpol_agent_telemetry_dropped", "counter", "Telemetry messages dropped past the outbox bound.");
        Sample(text, "mpol_agent_telemetry_dropped_total", [], t.Dropped);

        if (runtime.BmpSnapshot is { } bmp) BmpMetrics.Write(text, bmp());

        Family(text, "mpol_agent_start_time_seconds", "gauge", "When the agent started, in Unix seconds.");
        Sample(text, "mpol_agent_start_time_seconds", [], runtime.Started.ToUnixTimeMilliseconds() / 1000.0);
        text.Append("# EOF\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static (string, string)[] Labels(Telemetry.LimitState limit) =>
        [("scope", limit.Scope.Path), ("kind", limit.Scope.Kind), ("unit", limit.Unit)];

    internal static void Family(StringBuilder text, string name, string type, string help) =>
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
            .Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');

    internal static void Sample(StringBuilder text, string name, (string Name, string Value)[] labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                if (i > 0) text.Append(',');
                text.Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }
            text.Append('}');
        }
        text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Label values as OpenMetrics escapes them: backslash, double quote and line feed.</summary>
    internal static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
