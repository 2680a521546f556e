using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PolicyKit.Agent.Status;

/// <summary>One limit as <c>mpol-agent status</c> shows it.</summary>
public sealed record LimitView(string Scope, string Limit, string Unit, long Used, long Max, double Percent, bool Warning, IReadOnlyList<KeyValuePair<string, long>> Denies);

/// <summary>
/// What <c>mpol-agent status</c> shows, read from the status endpoint's document or assembled from
/// the retained MQTT topics (status + limits/#), and its rendering as bars. Parsing is lenient
/// about missing fields (an older agent), strict about nothing: a display never fails on telemetry.
/// </summary>
public sealed record StatusView(
    string State,
    string? Reason,
    string Device,
    string Site,
    string? Time,
    long Admits,
    IReadOnlyList<KeyValuePair<string, long>> Denies,
    string? Telemetry,
    IReadOnlyList<LimitView> Limits,
    IReadOnlyList<string>? Bmp = null)
{
    /// <summary>From the endpoint's document, or a status payload plus the limit payloads from MQTT.</summary>
    public static StatusView Parse(ReadOnlySpan<byte> status, IEnumerable<byte[]>? limitPayloads = null)
    {
        using var doc = JsonDocument.Parse(status.ToArray());
        var root = doc.RootElement;
        var limits = new List<LimitView>();
        if (root.TryGetProperty("limits", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var l in array.EnumerateArray()) limits.Add(ParseLimit(l));
        }
        foreach (var payload in limitPayloads ?? [])
        {
            if (payload.Length == 0) continue;
            try
            {
                using var ld = JsonDocument.Parse(payload);
                limits.Add(ParseLimit(ld.RootElement));
            }
            catch (JsonException)
            {
                // Not ours or damaged: skip it, show the rest.
            }
        }
        string? telemetry = null;
        if (root.TryGetProperty("telemetry", out var t))
        {
            var parts = new List<string>();
            if (t.TryGetProperty("connected", out var c)) parts.Add(c.ValueKind == JsonValueKind.True ? "connected" : "not connected");
            parts.Add($"{Long(t, "buffered")} buffered, {Long(t, "dropped")} dropped");
            if (t.TryGetProperty("last_error", out var e)) parts.Add($"last error: {e.GetString()}");
            telemetry = string.Join(", ", parts);
        }
        long admits = 0;
        var denies = new List<KeyValuePair<string, long>>();
        if (root.TryGetProperty("decisions", out var d))
        {
            admits = Long(d, "admit");
            if (d.TryGetProperty("deny_by_reason", out var r)) denies.AddRange(r.EnumerateObject().Select(p => new KeyValuePair<string, long>(p.Name, p.Value.GetInt64())));
        }
        return new StatusView(Str(root, "state") ?? "unknown", Str(root, "reason"), Str(root, "device") ?? "?", Str(root, "site") ?? "?", Str(root, "time"),
            admits, denies, telemetry, limits.OrderBy(l => l.Scope, StringComparer.Ordinal).ToList(), ParseBmp(root));
    }

    /// <summary>
    /// The status document's <c>bmp</c> section as lines: one for the station, one per router
    /// (its peers up of all, and the prefixes of the analysed view, summed over its peers).
    /// </summary>
    private static List<string>? ParseBmp(JsonElement root)
    {
        if (!root.TryGetProperty("bmp", out var bmp) || bmp.ValueKind != JsonValueKind.Object) return null;
        var lines = new List<string>();
        if (bmp.TryGetProperty("station", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            var refused = new[] { "sessions_refused", "pending_refused", "pending_evicted", "pending_lost", "first_message_failures", "tls_failures", "plaintext_refused" }
                .Select(name => (Name: name, Count: Long(s, name))).Where(x => x.Count > 0).ToList();
            lines.Add($"bmp: {Long(s, "sessions")} sessions, {Long(s, "pending")} pending, {Long(s, "messages")} messages, {Long(s, "malformed")} malformed, " +
                $"{Long(s, "events_dropped")} events dropped" + (refused.Count == 0 ? string.Empty : $", refused: {string.Join(", ", refused.Select(x => $"{x.Name} {x.Count}"))}") +
                (s.TryGetProperty("rpki", out var rpki) && rpki.ValueKind == JsonValueKind.Object ? $", rpki {Long(rpki, "entries")} VRPs" : string.Empty) +
                (s.TryGetProperty("expected_origins", out var irr) && irr.ValueKind == JsonValueKind.Object ? $", {Long(irr, "entries")} expected origins" : string.Empty));
        }
        if (bmp.TryGetProperty("routers", out var routers) && routers.ValueKind == JsonValueKind.Array)
        {
            foreach (var r in routers.EnumerateArray())
            {
                long up = 0, total = 0, prefixes = 0, invalid = 0, unexpected = 0;
                bool validated = false;
                var byPeer = new List<string>();
                if (r.TryGetProperty("peers", out var peers) && peers.ValueKind == JsonValueKind.Array)
                {
                    foreach (var p in peers.EnumerateArray())
                    {
                        total++;
                        if (p.TryGetProperty("up", out var u) && u.ValueKind == JsonValueKind.True) up++;
                        prefixes += Long(p, "policy_prefixes");
                        if (!p.TryGetProperty("origins", out var o) || o.ValueKind != JsonValueKind.Object) continue;
                        validated = true;
                        long peerInvalid = Long(o, "rpki_invalid"), peerUnexpected = Long(o, "unexpected_origin");
                        invalid += peerInvalid;
                        unexpected += peerUnexpected;
                        if (peerInvalid + peerUnexpected > 0) byPeer.Add($"{Str(p, "peer") ?? "?"} {peerInvalid}/{peerUnexpected}");
                    }
                }
                lines.Add($"bmp {Str(r, "router") ?? "?"}: {up}/{total} peers up, {prefixes} prefixes, {Long(r, "messages")} messages, {Long(r, "malformed")} malformed" +
                    (validated ? $", {invalid} rpki-invalid, {unexpected} unexpected-origin" + (byPeer.Count == 0 ? string.Empty : $" (per peer: {string.Join(", ", byPeer)})") : string.Empty));
            }
        }
        return lines;
    }

    /// <summary>The status as text: a header line, the BMP station's and routers' lines when it runs, then one bar per limit.</summary>
    public string Render(int barWidth = 24)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Device} @ {Site}: {State}");
        if (Reason is not null) sb.Append(CultureInfo.InvariantCulture, $" ({Reason})");
        if (Time is not null) sb.Append(CultureInfo.InvariantCulture, $"   as of {Time}");
        sb.AppendLine();
        long denyTotal = Denies.Sum(p => p.Value);
        sb.Append(CultureInfo.InvariantCulture, $"decisions: {Admits} admitted, {denyTotal} denied");
        if (denyTotal > 0) sb.Append(" (").Append(string.Join(", ", Denies.Select(p => $"{p.Key} {p.Value}"))).Append(')');
        sb.AppendLine();
        if (Telemetry is not null) sb.AppendLine($"telemetry: {Telemetry}");
        foreach (string line in Bmp ?? []) sb.AppendLine(line);
        if (Limits.Count == 0)
        {
            sb.AppendLine("no limits");
            return sb.ToString();
        }
        int scopeWidth = Math.Min(48, Limits.Max(l => DisplayScope(l.Scope).Length));
        sb.AppendLine();
        foreach (var l in Limits)
        {
            string scope = DisplayScope(l.Scope);
            if (scope.Length > scopeWidth) scope = "…" + scope[^(scopeWidth - 1)..];
            sb.Append(scope.PadRight(scopeWidth)).Append(' ').Append(Bar(l.Percent, barWidth)).Append(' ');
            string use = $"{Amount(l.Used, l.Unit)}/{Amount(l.Max, l.Unit)}";
            sb.Append(CultureInfo.InvariantCulture, $"{use,-19} {l.Percent,5:0.0}%");
            sb.Append(l.Warning ? "  WARN" : "      ");
            if (l.Denies.Count > 0) sb.Append("  denied: ").Append(string.Join(", ", l.Denies.Select(p => $"{p.Key} {p.Value}")));
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>A bar of <paramref name="width"/> cells, full at 100 %.</summary>
    public static string Bar(double percent, int width)
    {
        int full = (int)Math.Round(Math.Clamp(percent, 0, 100) / 100 * width);
        return "[" + new string('#', full) + new string('.', width - full) + "]";
    }

    /// <summary>Counts as they are; bandwidth in Mbps (or kbps below 1 Mbps), as policies write it.</summary>
    private static string Amount(long value, string unit) => unit != "bps" ? value.ToString(CultureInfo.InvariantCulture)
        : value >= 1_000_000 || value == 0 ? $"{(value / 1e6).ToString("0.#", CultureInfo.InvariantCulture)}Mbps"
        : $"{(value / 1e3).ToString("0.#", CultureInfo.InvariantCulture)}kbps";

    private static string DisplayScope(string scope) => Uri.UnescapeDataString(scope);

    private static LimitView ParseLimit(JsonElement l)
    {
        var denies = new List<KeyValuePair<string, long>>();
        if (l.TryGetProperty("denies", out var d) && d.ValueKind == JsonValueKind.Object)
            denies.AddRange(d.EnumerateObject().Select(p => new KeyValuePair<string, long>(p.Name, p.Value.GetInt64())));
        double percent = l.TryGetProperty("percent", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : 0;
        bool warning = l.TryGetProperty("warning", out var w) && w.ValueKind == JsonValueKind.True;
        return new LimitView(Str(l, "scope") ?? "?", Str(l, "limit") ?? string.Empty, Str(l, "unit") ?? "entries", Long(l, "used"), Long(l, "max"), percent, warning, denies);
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
}
