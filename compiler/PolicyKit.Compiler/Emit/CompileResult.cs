namespace PolicyKit.Compiler.Emit;

/// <summary>The outcome of compiling one policy: the check result and, when it has no errors, the files.</summary>
public sealed record CompileResult(CheckResult Check, IReadOnlyList<EmittedFile> Files, IReadOnlyList<Diagnostics.Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
