using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Diagnostics;

/// <summary>
/// One finding about a policy: a stable code (documented in docs/diagnostics.md), a severity,
/// a message, where it is, and an optional hint that says how to fix it. Diagnostics never
/// contain secret values: messages name a secret's reference, never its content.
/// </summary>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, string Message, SourceSpan Span, string? Hint = null)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>Related places (e.g. the earlier rule that shadows this one).</summary>
    public IReadOnlyList<(SourceSpan Span, string Message)> Related { get; init; } = [];

    /// <summary>The reason given where the policy suppresses this diagnostic (<see cref="InSourceSuppressions"/>); null when it stands.</summary>
    public string? SuppressedBecause { get; init; }

    public bool IsSuppressed => SuppressedBecause is not null;

    public Diagnostic WithSeverity(DiagnosticSeverity severity) => this with { Severity = severity };

    public override string ToString() =>
        $"{Span}: {Severity.ToString().ToLowerInvariant()} {Code}: {Message}";
}
