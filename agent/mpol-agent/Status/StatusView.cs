using System.Globalization;
using System.Text;
using System.Text.Json;
using PolicyKit.Telemetry.Fleet;

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
    IReadOnlyList<string>? Bmp = null,
    string? Table = null)
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
            admits, denies, telemetry, limits.OrderBy(l => l.Scope, StringComparer.Ordinal).ToList(), ParseBmp(root), ParseTable(root));
    }

    /// <summary>
    /// One agent as the broker retains it (<c>status --mqtt</c>): its status, limits and BMP
    /// topics. A device whose status is not retained (or not JSON) shows as <c>no status</c>.
    /// </summary>
    public static StatusView FromRetained(FleetDevice device)
    {
        StatusView view;
        try
        {
            view = device.Status is null ? NoStatus(device) : Parse(device.Status, device.Limits.Select(l => l.Value));
        }
        catch (JsonException)
        {
            view = NoStatus(device) with { Reason = "the retained status is not JSON" };
        }
        // The status names the agent; the topic is where it was found (they differ only if misconfigured).
        return view with
        {
            Device = view.Device == "?" ? device.Device : view.Device,
            Site = view.Site == "?" ? device.Site : view.Site,
            Bmp = device.Bmp.Count == 0 ? view.Bmp : ParseBmp(RetainedBmpDocument(device.Bmp).RootElement),
        };
    }

    private static StatusView NoStatus(FleetDevice device)
    {
        var limits = new List<LimitView>();
        foreach (var (_, payload) in device.Limits)
        {
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
        return new StatusView("no status", null, device.Device, device.Site, null, 0, [], null, limits.OrderBy(l => l.Scope, StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// The retained BMP topics (<c>bmp/station</c>, <c>bmp/ROUTER</c>, <c>bmp/ROUTER/PEER</c>) put
    /// together in the shape of the status document's <c>bmp</c> section, so they are read the one way.
    /// </summary>
    private static JsonDocument RetainedBmpDocument(IReadOnlyList<KeyValuePair<string, byte[]>> topics)
    {
        var routers = topics.Where(t => t.Key != "station" && !t.Key.Contains('/')).ToList();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("bmp");
            foreach (var (_, payload) in topics.Where(t => t.Key == "station")) WriteIfObject(w, "station", payload);
            w.WriteStartArray("routers");
            foreach (var (router, payload) in routers)
            {
                using var doc = TryParse(payload);
                if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object) continue;
                w.WriteStartObject();
                foreach (var p in doc.RootElement.EnumerateObject().Where(p => p.Name != "peers")) p.WriteTo(w);
                w.WriteStartArray("peers");
                foreach (var (_, peer) in topics.Where(t => t.Key.StartsWith(router + "/", StringComparison.Ordinal)))
                {
                    using var pd = TryParse(peer);
                    if (pd?.RootElement.ValueKind == JsonValueKind.Object) pd.RootElement.WriteTo(w);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return JsonDocument.Parse(buffer.WrittenMemory);

        static void WriteIfObject(Utf8JsonWriter w, string name, byte[] payload)
        {
            using var doc = TryParse(payload);
            if (doc?.RootElement.ValueKind != JsonValueKind.Object) return;
            w.WritePropertyName(name);
            doc.RootElement.WriteTo(w);
        }

        static JsonDocument? TryParse(byte[] payload)
        {
            try { return JsonDocument.Parse(payload); }
            catch (JsonException) { return null; }
        }
    }

    /// <summary>"sha256 1a2b3c4d5e6f, serial 7, signed": the table in force, as far as the status says.</summary>
    private static string? ParseTable(JsonElement root)
    {
        if (!root.TryGetProperty("table", out var t) || t.ValueKind != JsonValueKind.Object) return null;
        string? sha = Str(t, "sha256");
        string hash = sha is { Length: >= 12 } ? $"sha256 {sha[..12]}" : Str(t, "checksum") is { Length: >= 12 } c ? $"checksum {c[..12]}" : "?";
        return $"{hash}, serial {Long(t, "serial")}" + (t.TryGetProperty("signature_verified", out var v) && v.ValueKind == JsonValueKind.True ? ", signed" : "");
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
        if (Table is not null) sb.AppendLine($"table: {Table}");
        if (Telemetry is not null) sb.AppendLine($"telemetry: {Telemetry}");
        foreach (string line in Bmp ?? []) sb.AppendLine(line);
        if (Limits.Count == 0)
        {
            sb.AppendLine("no limits");
            return sb.ToString();
        }
        int scopeWidth = ScopeWidth(Limits);
        sb.AppendLine();
        foreach (var l in Limits) sb.AppendLine(LimitLine(l, scopeWidth, barWidth));
        return sb.ToString();
    }

    /// <summary>The width of the scope column for <paramref name="limits"/> (48 at most: longer scopes are cut at the front).</summary>
    public static int ScopeWidth(IEnumerable<LimitView> limits) => Math.Min(48, limits.Select(l => DisplayScope(l.Scope).Length).DefaultIfEmpty(1).Max());

    /// <summary>One limit: scope, bar, use, percent, WARN, denies.</summary>
    public static string LimitLine(LimitView l, int scopeWidth, int barWidth)
    {
        var sb = new StringBuilder();
        string scope = DisplayScope(l.Scope);
        if (scope.Length > scopeWidth) scope = "…" + scope[^(scopeWidth - 1)..];
        sb.Append(scope.PadRight(scopeWidth)).Append(' ').Append(Bar(l.Percent, barWidth)).Append(' ');
        string use = $"{Amount(l.Used, l.Unit)}/{Amount(l.Max, l.Unit)}";
        sb.Append(CultureInfo.InvariantCulture, $"{use,-19} {l.Percent,5:0.0}%");
        sb.Append(l.Warning ? "  WARN" : "      ");
        if (l.Denies.Count > 0) sb.Append("  denied: ").Append(string.Join(", ", l.Denies.Select(p => $"{p.Key} {p.Value}")));
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
