using PolicyKit.Compiler.Diagnostics;

namespace PolicyKit.Compiler.Output;

internal static class SeverityNames
{
    /// <summary>The word used in text and JSON output.</summary>
    public static string Text(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "info",
    };

    /// <summary>SARIF's <c>level</c> values.</summary>
    public static string SarifLevel(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "note",
    };
}
