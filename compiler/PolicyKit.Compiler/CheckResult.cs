using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler;

/// <summary>The outcome of checking one policy file (with its includes).</summary>
public sealed record CheckResult(string Path, PolicyModel? Model, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<SourceFile> Files)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public int ErrorCount => Diagnostics.Count(d => d.IsError);

    public int WarningCount => Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);

    /// <summary>
    /// The model as far as binding got, errors or not (null when a file has syntax errors): for
    /// an editor that shows what a set resolves to while the policy still has mistakes. Never
    /// emitted; <see cref="Model"/> is the one that is.
    /// </summary>
    public PolicyModel? BoundModel { get; init; }
}
