using System.Text.Json;
using PolicyKit.Compiler.Diagnostics;

namespace PolicyKit.Compiler.Output;

/// <summary>
/// SARIF 2.1.0 (OASIS), the format code-scanning services (GitHub, GitLab, Azure DevOps) import:
/// one run whose driver lists a rule per diagnostic code used, and a result per diagnostic with
/// its physical location and related locations. Written directly with Utf8JsonWriter: the SARIF
/// SDK is not available here, and the subset used is small and fixed.
/// </summary>
public sealed class SarifDiagnosticFormatter(SarifOptions? options = null) : IDiagnosticFormatter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
    public const string SarifVersion = "2.1.0";

    public SarifOptions Options { get; } = options ?? new SarifOptions();

    public void Write(TextWriter writer, DiagnosticReport report) =>
        JsonOutput.Write(writer, json => WriteLog(json, report));

    private void WriteLog(Utf8JsonWriter json, DiagnosticReport report)
    {
        // Rules in order of first use; results point at them by index as well as by id.
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var rules = new List<Diagnostic>();
        foreach (var diagnostic in report.Diagnostics)
        {
            if (ruleIndex.TryAdd(diagnostic.Code, rules.Count)) rules.Add(diagnostic);
        }

        json.WriteStartObject();
        json.WriteString("$schema", SchemaUri);
        json.WriteString("version", SarifVersion);
        json.WriteStartArray("runs");
        json.WriteStartObject();

        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", Options.ToolName);
        json.WriteString("version", Options.ToolVersion);
        json.WriteString("informationUri", Options.InformationUri);
        json.WriteStartArray("rules");
        foreach (var first in rules) WriteRule(json, first);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();

        // Columns count UTF-16 code units, as SourceFile does; saying so spares consumers a guess.
        json.WriteString("columnKind", "utf16CodeUnits");

        json.WriteStartArray("results");
        foreach (var diagnostic in report.Diagnostics) WriteResult(json, diagnostic, ruleIndex[diagnostic.Code]);
        json.WriteEndArray();

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteRule(Utf8JsonWriter json, Diagnostic first)
    {
        var rule = DiagnosticRules.Find(first.Code);
        json.WriteStartObject();
        json.WriteString("id", first.Code);
        if (rule is not null) json.WriteString("name", rule.Name);
        json.WriteStartObject("shortDescription");
        json.WriteString("text", rule?.Description ?? first.Message);
        json.WriteEndObject();
        json.WriteString("helpUri", Options.HelpUri(first.Code));
        // The declared severity; a result's own level differs under --werror.
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", SeverityNames.SarifLevel(rule?.DefaultSeverity ?? first.Severity));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private void WriteResult(Utf8JsonWriter json, Diagnostic diagnostic, int ruleIndex)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", diagnostic.Code);
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", SeverityNames.SarifLevel(diagnostic.Severity));
        json.WriteStartObject("message");
        // SARIF has no hint field; viewers show only message.text, so the hint goes with it.
        json.WriteString("text", string.IsNullOrEmpty(diagnostic.Hint) ? diagnostic.Message : $"{diagnostic.Message}\nhint: {diagnostic.Hint}");
        json.WriteEndObject();
        if (diagnostic.SuppressedBecause is { } reason)
        {
            // Code scanning shows an in-source suppression as dismissed, with its justification.
            json.WriteStartArray("suppressions");
            json.WriteStartObject();
            json.WriteString("kind", "inSource");
            json.WriteString("justification", reason);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteStartArray("locations");
        if (DiagnosticLocation.Of(diagnostic.Span) is { } location)
        {
            json.WriteStartObject();
            WritePhysicalLocation(json, location);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        if (diagnostic.Related.Count > 0)
        {
            json.WriteStartArray("relatedLocations");
            int id = 0;
            foreach (var (span, message) in diagnostic.Related)
            {
                if (DiagnosticLocation.Of(span) is not { } related) continue;
                json.WriteStartObject();
                json.WriteNumber("id", id++);
                WritePhysicalLocation(json, related);
                json.WriteStartObject("message");
                json.WriteString("text", message);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private void WritePhysicalLocation(Utf8JsonWriter json, DiagnosticLocation location)
    {
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        json.WriteString("uri", ArtifactUri(location.File));
        json.WriteEndObject();
        json.WriteStartObject("region");
        json.WriteNumber("startLine", location.Line);
        json.WriteNumber("startColumn", location.Column);
        json.WriteNumber("endLine", location.EndLine);
        json.WriteNumber("endColumn", location.EndColumn);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// A file's URI: relative to <see cref="SarifOptions.BaseDirectory"/> with forward slashes
    /// and each segment percent-encoded; the shipped library stays <c>std/…</c> (it has no file
    /// on disk); a file outside the base directory becomes an absolute <c>file://</c> URI.
    /// </summary>
    internal string ArtifactUri(string path)
    {
        if (path.StartsWith(DiskPolicyFileReader.StdPrefix, StringComparison.Ordinal))
        {
            return EscapeSegments(path);
        }
        string full = Path.GetFullPath(path, Path.GetFullPath(Options.BaseDirectory));
        string relative = Path.GetRelativePath(Options.BaseDirectory, full);
        if (Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return new Uri(full).AbsoluteUri;
        }
        return EscapeSegments(relative.Replace(Path.DirectorySeparatorChar, '/'));
    }

    private static string EscapeSegments(string relativePath) =>
        string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString));
}
