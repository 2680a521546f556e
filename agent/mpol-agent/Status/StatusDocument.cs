using System.Buffers;
using System.Text.Json;
using PolicyKit.Agent.Runtime;
using PolicyKit.Agent.Telemetry;

namespace PolicyKit.Agent.Status;

/// <summary>
/// The agent's full status as one JSON document (what the local endpoint serves and
/// <c>mpol-agent status</c> renders): the status payload's fields plus every limit, and the
/// telemetry transport's own state. Parsed back by <see cref="StatusView"/>.
/// </summary>
public static class StatusDocument
{
    public static byte[] Write(AgentRuntime runtime)
    {
        var limits = runtime.Limits();
        var (admits, denies) = runtime.Decisions();
        var t = runtime.TelemetryState;
        var table = runtime.Table;
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("v", TelemetryPayloads.Version);
            w.WriteString("time", TelemetryPayloads.Time(DateTimeOffset.UtcNow));
            w.WriteString("state", "online");
            w.WriteString("device", runtime.Topics.Device);
            w.WriteString("site", runtime.Topics.Site);
            w.WriteString("agent_version", AgentRuntime.AgentVersion);
            w.WriteString("started", TelemetryPayloads.Time(runtime.Started));
            if (table is not null)
            {
                w.WriteStartObject("table");
                w.WriteString("path", table.Path);
                w.WriteString("sha256", table.Sha256);
                w.WriteString("policy_sha256", table.PolicyHash);
                w.WriteString("checksum", table.Checksum);
                w.WriteBoolean("signature_verified", table.SignatureVerified);
                w.WriteNumber("serial", table.Serial);
                w.WriteString("loaded", TelemetryPayloads.Time(table.Loaded));
                w.WriteEndObject();
            }
            w.WriteStartObject("decisions");
            w.WriteNumber("admit", admits);
            w.WriteNumber("deny", denies.Values.Sum());
            w.WriteStartObject("deny_by_reason");
            foreach (var (k, v) in denies) w.WriteNumber(k, v);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("telemetry");
            w.WriteBoolean("connected", t.Connected);
            w.WriteNumber("buffered", t.Buffered);
            w.WriteNumber("dropped", t.Dropped);
            w.WriteNumber("published", t.Published);
            if (t.LastError is not null) w.WriteString("last_error", t.LastError);
            w.WriteEndObject();
            w.WriteStartArray("limits");
            foreach (var l in limits)
            {
                w.WriteRawValue(TelemetryPayloads.Limit(l, DateTimeOffset.UtcNow));
            }
            w.WriteEndArray();
            runtime.BmpStatus?.Invoke(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
