using System.Text.Json;

namespace PolicyKit.Telemetry.Fleet;

/// <summary>
/// The few fields of an agent's retained status (docs/telemetry.md) a fleet check needs: its
/// state and the table it enforces (<see cref="TableSha256"/>: the SHA-256 of the table file, as
/// <c>out/manifest.json</c> lists it). Lenient: a field an older agent does not send is null.
/// </summary>
public sealed record StatusSummary(string State, string? Reason, string? TableSha256, long? TableSerial, string? AgentVersion)
{
    /// <summary>Null when the payload is not a JSON object.</summary>
    public static StatusSummary? Parse(byte[] payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            string? sha = null;
            long? serial = null;
            if (root.TryGetProperty("table", out var table) && table.ValueKind == JsonValueKind.Object)
            {
                sha = Text(table, "sha256");
                if (table.TryGetProperty("serial", out var s) && s.TryGetInt64(out long n)) serial = n;
            }
            return new StatusSummary(Text(root, "state") ?? "unknown", Text(root, "reason"), sha, serial, Text(root, "agent_version"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
