namespace PolicyKit.Compiler.Output;

/// <summary>The output formats of <c>mpolc check</c> (and of later commands that report diagnostics).</summary>
public enum DiagnosticFormat
{
    /// <summary>For people: location, message, source line with carets, hint, summary.</summary>
    Text,

    /// <summary>A stable JSON document for scripts (<see cref="JsonDiagnosticFormatter"/>).</summary>
    Json,

    /// <summary>SARIF 2.1.0 for code-scanning tools (<see cref="SarifDiagnosticFormatter"/>).</summary>
    Sarif,
}
