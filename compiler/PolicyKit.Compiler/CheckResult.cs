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
}
