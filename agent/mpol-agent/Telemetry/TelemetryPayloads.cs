using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace PolicyKit.Agent.Telemetry;

/// <summary>
/// The JSON payloads of telemetry, version 1 (docs/telemetry.md). Every payload carries
/// <c>"v": 1</c> and the time it was made (UTC, RFC 3339). Written with Utf8JsonWriter: no
/// reflection, so a trimmed or AOT agent writes exactly the same bytes.
/// </summary>
public static class TelemetryPayloads
{
    public const int Version = 1;

    public static byte[] Limit(LimitState s, DateTimeOffset time) => Write(w =>
    {
        Header(w, time);
        w.WriteString("scope", s.Scope.Path);
        w.WriteString("kind", s.Scope.Kind);
        w.WriteString("limit", s.Text);
        w.WriteString("location", s.Location);
        w.WriteString("unit", s.Unit);
        w.WriteNumber("used", s.Used);
        w.WriteNumber("max", s.Max);
        w.WriteNumber("percent", s.Percent);
        if (s.WarnAbove >= 0) w.WriteNumber("warn_above", s.WarnAbove);
        w.WriteBoolean("warning", s.Warning);
        if (s.Source is not null) w.WriteString("source", s.Source);
        w.WriteStartObject("denies");
        foreach (var (reason, count) in s.Denies) w.WriteNumber(reason, count);
        w.WriteEndObject();
    });

    public static byte[] Status(AgentStatus s, DateTimeOffset time) => Write(w =>
    {
        Header(w, time);
        w.WriteString("state", s.State);
        if (s.Reason is not null) w.WriteString("reason", s.Reason);
        w.WriteString("device", s.Device);
        w.WriteString("site", s.Site);
        w.WriteString("agent_version", s.AgentVersion);
        w.WriteString("started", Time(s.Started));
        if (s.Table is { } t)
        {
            w.WriteStartObject("table");
            w.WriteString("path", t.Path);
            w.WriteString("sha256", t.Sha256);
            w.WriteString("policy_sha256", t.PolicyHash);
            w.WriteString("checksum", t.Checksum);
            w.WriteBoolean("signature_verified", t.SignatureVerified);
            w.WriteNumber("serial", t.Serial);
            w.WriteString("loaded", Time(t.Loaded));
            w.WriteEndObject();
        }
        w.WriteStartObject("decisions");
        w.WriteNumber("admit", s.Admits);
        w.WriteNumber("deny", s.Denies.Values.Sum());
        w.WriteStartObject("deny_by_reason");
        foreach (var (reason, count) in s.Denies) w.WriteNumber(reason, count);
        w.WriteEndObject();
        if (s.WouldDenies.Count > 0)
        {
            // Audit: admitted, but the policy would have denied them.
            w.WriteNumber("would_deny", s.WouldDenies.Values.Sum());
            w.WriteStartObject("would_deny_by_reason");
            foreach (var (reason, count) in s.WouldDenies) w.WriteNumber(reason, count);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("telemetry");
        w.WriteNumber("buffered", s.Buffered);
        w.WriteNumber("dropped", s.Dropped);
        w.WriteEndObject();
    });

    public static byte[] ThresholdCrossed(ThresholdCrossing c, DateTimeOffset time) => Event("threshold-crossed", time, w =>
    {
        w.WriteString("direction", c.Up ? "up" : "down");
        w.WriteString("scope", c.Limit.Scope.Path);
        w.WriteString("limit", c.Limit.Text);
        w.WriteString("location", c.Limit.Location);
        w.WriteNumber("used", c.Limit.Used);
        w.WriteNumber("max", c.Limit.Max);
        w.WriteNumber("percent", c.Limit.Percent);
        w.WriteNumber("warn_above", c.Limit.WarnAbove);
    });

    public static byte[] DenyBurst(DenyBurst b, DateTimeOffset time) => Event("deny-burst", time, w =>
    {
        w.WriteNumber("count", b.Count);
        w.WriteNumber("window_seconds", b.Window.TotalSeconds);
        w.WriteStartObject("reasons");
        foreach (var (reason, count) in b.Reasons) w.WriteNumber(reason, count);
        w.WriteEndObject();
    });

    /// <summary>
    /// A deny ("deny") or, in audit, a would-deny ("would-deny"): the event, the reason, the rule and
    /// its policy line (null with a "basis" for the reasons no line decides) and, for a limit, its
    /// state. Rate-limited per type and reason by the runtime.
    /// </summary>
    public static byte[] Deny(DenyExplanation x, string eventText, string? iface, DateTimeOffset time) => Event(x.Audit ? "would-deny" : "deny", time, w =>
    {
        w.WriteString("reason", x.Reason);
        w.WriteBoolean("audit", x.Audit);
        w.WriteString("event", eventText);
        if (iface is not null) w.WriteString("interface", iface);
        w.WriteString("rule", x.Rule);
        if (x.Location.Length > 0) w.WriteString("location", x.Location);
        else w.WriteNull("location");
        if (x.Basis is not null) w.WriteString("basis", x.Basis);
        if (x.Limit is { } l)
        {
            w.WriteStartObject("limit");
            w.WriteString("scope", l.Scope);
            w.WriteString("rule", l.Rule);
            w.WriteString("location", l.Location);
            w.WriteNumber("used", l.Used);
            w.WriteNumber("max", l.Max);
            w.WriteString("unit", l.Unit);
            w.WriteEndObject();
        }
    });

    /// <summary>The deny and would-deny events held back in one window, by "TYPE/REASON".</summary>
    public static byte[] DenyEventsSuppressed(IReadOnlyDictionary<string, long> suppressed, TimeSpan window, DateTimeOffset time) => Event("deny-events-suppressed", time, w =>
    {
        w.WriteNumber("window_seconds", Math.Round(window.TotalSeconds, 3));
        w.WriteStartObject("suppressed");
        foreach (var (key, count) in suppressed.OrderBy(k => k.Key, StringComparer.Ordinal)) w.WriteNumber(key, count);
        w.WriteEndObject();
    });

    public static byte[] TableReloaded(TableInfo t, string trigger, DateTimeOffset time) => Event("table-reloaded", time, w =>
    {
        w.WriteString("trigger", trigger);
        w.WriteString("path", t.Path);
        w.WriteString("sha256", t.Sha256);
        w.WriteString("policy_sha256", t.PolicyHash);
        w.WriteString("checksum", t.Checksum);
        w.WriteBoolean("signature_verified", t.SignatureVerified);
        w.WriteNumber("serial", t.Serial);
    });

    public static byte[] TableRefused(string path, string reason, string trigger, string? keptChecksum, DateTimeOffset time) => Event("table-refused", time, w =>
    {
        w.WriteString("trigger", trigger);
        w.WriteString("path", path);
        w.WriteString("reason", reason);
        if (keptChecksum is not null) w.WriteString("kept_checksum", keptChecksum);
    });

    /// <summary>A non-retained event of another part (BMP, enforcement) with its own fields.</summary>
    public static byte[] Event(string type, DateTimeOffset time, Action<Utf8JsonWriter> fields) => Write(w =>
    {
        Header(w, time);
        w.WriteString("type", type);
        fields(w);
    });

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void Header(Utf8JsonWriter w, DateTimeOffset time)
    {
        w.WriteNumber("v", Version);
        w.WriteString("time", Time(time));
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
