using System.Text;
using System.Text.Json;

namespace PolicyKit.Compiler.Irr;

/// <summary>
/// The expected-origins file of a policy, for the BMP station's <c>bmp.expected_origins_file</c>:
/// every route/route6 object behind the policy's IRR-built sets, with the max-length the set
/// admits it at and its own origin AS, in the VRP JSON format validators export
/// (<c>{"roas":[{"prefix":"203.0.113.0/24","maxLength":24,"asn":"AS64501"}]}</c>). The route
/// objects, not the aggregated prefix-list entries: an aggregate may join prefixes of different
/// origins. Sorted and deduplicated across sets, so the same lock writes the same bytes.
/// </summary>
public static class ExpectedOriginsFile
{
    public const string FileName = "expected-origins.json";

    public static string Format(IEnumerable<IrrLockedSet> sets)
    {
        var ordered = sets.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteString("generator", "mpolc origins");
            json.WriteStartArray("sets");
            foreach (var set in ordered) json.WriteStringValue(set.Name);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("roas");
            foreach (var origin in ordered.SelectMany(s => s.Origins).Distinct().Order())
            {
                json.WriteStartObject();
                json.WriteString("prefix", origin.Prefix.ToString());
                json.WriteNumber("maxLength", origin.MaxLength);
                json.WriteString("asn", "AS" + origin.Asn.ToString(System.Globalization.CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
