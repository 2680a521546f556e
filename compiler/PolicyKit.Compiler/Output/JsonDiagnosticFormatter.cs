using System.Text.Json;
using PolicyKit.Compiler.Diagnostics;

namespace PolicyKit.Compiler.Output;

/// <summary>
/// A stable JSON document for scripts and CI bots:
/// <code>
/// { "version": 1, "files": ["a.mpol"],
///   "diagnostics": [ { "code": "MP1001", "severity": "error", "message": "…", "hint": "…" | null,
///                      "file": "a.mpol", "line": 3, "column": 24, "endLine": 3, "endColumn": 25,
///                      "related": [ { "message": "…", "file": …, "line": …, … } ] } ],
///   "errors": 1, "warnings": 0 }
/// </code>
/// Lines and columns are 1-based (UTF-16 units); the end is the position just after the span.
/// Every key is always present (null when it has no value), so consumers need no existence
/// checks. "version" changes only when a key changes meaning or goes away; new keys may be added.
/// </summary>
public sealed class JsonDiagnosticFormatter : IDiagnosticFormatter
{
    public const int SchemaVersion = 1;

    public void Write(TextWriter writer, DiagnosticReport report) =>
        JsonOutput.Write(writer, json => WriteDocument(json, report));

    private static void WriteDocument(Utf8JsonWriter json, DiagnosticReport report)
    {
        json.WriteStartObject();
        json.WriteNumber("version", SchemaVersion);
        json.WriteStartArray("files");
        foreach (var file in report.Files) json.WriteStringValue(file);
        json.WriteEndArray();
        json.WriteStartArray("diagnostics");
        foreach (var diagnostic in report.Diagnostics) WriteDiagnostic(json, diagnostic);
        json.WriteEndArray();
        json.WriteNumber("errors", report.ErrorCount);
        json.WriteNumber("warnings", report.WarningCount);
        json.WriteEndObject();
    }

    private static void WriteDiagnostic(Utf8JsonWriter json, Diagnostic diagnostic)
    {
        json.WriteStartObject();
        json.WriteString("code", diagnostic.Code);
        json.WriteString("severity", SeverityNames.Text(diagnostic.Severity));
        json.WriteString("message", diagnostic.Message);
        if (diagnostic.Hint is null) json.WriteNull("hint");
        else json.WriteString("hint", diagnostic.Hint);
        if (diagnostic.SuppressedBecause is { } reason) json.WriteString("suppressed", reason);
        JsonOutput.WriteLocation(json, DiagnosticLocation.Of(diagnostic.Span));
        json.WriteStartArray("related");
        foreach (var (span, message) in diagnostic.Related)
        {
            json.WriteStartObject();
            json.WriteString("message", message);
            JsonOutput.WriteLocation(json, DiagnosticLocation.Of(span));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
