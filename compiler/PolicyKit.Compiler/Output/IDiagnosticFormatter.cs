namespace PolicyKit.Compiler.Output;

/// <summary>Renders a <see cref="DiagnosticReport"/> in one output format (text, JSON, SARIF).</summary>
public interface IDiagnosticFormatter
{
    void Write(TextWriter writer, DiagnosticReport report);
}
