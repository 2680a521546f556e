using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Diagnostics;

/// <summary>A diagnostic without its location yet: what a catalogue method returns.</summary>
public sealed record DiagnosticTemplate(string Code, DiagnosticSeverity Severity, string Message, string? Hint = null)
{
    public IReadOnlyList<(SourceSpan Span, string Message)> Related { get; init; } = [];

    public Diagnostic At(SourceSpan span) => new(Code, Severity, Message, span, Hint) { Related = Related };

    public DiagnosticTemplate WithRelated(SourceSpan span, string message) =>
        this with { Related = [.. Related, (span, message)] };
}
