using System.Globalization;
using System.Text.Json;
using PolicyKit.Compiler.Analysis.Diff;
using PolicyKit.Compiler.Output;

namespace PolicyKit.Mpolc.Commands;

/// <summary>Prints the changes of <c>mpolc diff --semantic</c> for people (text, grouped by device) or scripts (JSON).</summary>
internal static class SemanticDiffWriter
{
    public static void WriteText(TextWriter o, IReadOnlyList<SemanticChange> changes)
    {
        foreach (var device in changes.GroupBy(c => c.Device))
        {
            o.Write($"device {device.Key}\n");
            foreach (var change in device) o.Write($"  {change.Text}\n");
        }
    }

    public static void WriteJson(TextWriter o, string oldLabel, string newLabel, IReadOnlyList<SemanticChange> changes) =>
        JsonOutput.Write(o, json =>
        {
            json.WriteStartObject();
            json.WriteString("old", oldLabel);
            json.WriteString("new", newLabel);
            json.WriteNumber("count", changes.Count);
            json.WriteStartArray("changes");
            foreach (var c in changes)
            {
                json.WriteStartObject();
                json.WriteString("device", c.Device);
                json.WriteString("scope", c.Scope);
                json.WriteString("subject", c.Subject);
                json.WriteString("change", c.Kind.ToString().ToLowerInvariant());
                if (c.Old is not null) json.WriteString("old", c.Old);
                if (c.New is not null) json.WriteString("new", c.New);
                if (c.Ranges.Count > 0)
                {
                    json.WriteStartObject("ranges");
                    foreach (var axis in c.Ranges)
                    {
                        json.WriteStartArray(axis.Axis);
                        foreach (string value in axis.Values) json.WriteStringValue(value);
                        json.WriteEndArray();
                    }
                    json.WriteEndObject();
                }
                json.WriteString("text", c.Text);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });

    public static string Summary(IReadOnlyList<SemanticChange> changes)
    {
        int devices = changes.Select(c => c.Device).Distinct().Count();
        return changes.Count == 0
            ? "mpolc: no change in meaning"
            : $"mpolc: {changes.Count.ToString(CultureInfo.InvariantCulture)} change{(changes.Count == 1 ? "" : "s")} in meaning on {devices.ToString(CultureInfo.InvariantCulture)} device{(devices == 1 ? "" : "s")}";
    }
}
