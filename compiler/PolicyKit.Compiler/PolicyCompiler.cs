using PolicyKit.Compiler.Binding;
using PolicyKit.Compiler.Checks;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Syntax;

namespace PolicyKit.Compiler;

/// <summary>
/// The front door of the compiler: text → syntax → bound model → checks, with every
/// diagnostic gathered in one list. Syntax errors stop before binding (a broken tree would
/// only produce follow-on noise); binding errors stop before the semantic checks.
/// </summary>
public static class PolicyCompiler
{
    public static CheckResult Check(string path, CompilationOptions options, IPolicyFileReader? reader = null)
    {
        reader ??= DiskPolicyFileReader.Instance;
        var diagnostics = new DiagnosticBag();
        var files = new IncludeLoader(reader, diagnostics, options.IncludeDirectories).Load(path);
        if (files.Count == 0 || diagnostics.HasErrors)
        {
            return Finish(path, null, diagnostics, files.Select(f => f.Source).ToList(), options);
        }
        var model = new Binder(diagnostics).Bind(files);
        if (model is not null && !diagnostics.HasErrors)
        {
            PolicyChecks.Run(model, options, diagnostics);
        }
        return Finish(path, model, diagnostics, files.Select(f => f.Source).ToList(), options);
    }

    private static CheckResult Finish(string path, Model.PolicyModel? model, DiagnosticBag bag, IReadOnlyList<Text.SourceFile> files, CompilationOptions options)
    {
        // Suppressed first: a warning suppressed where it is is not an error under --werror.
        var list = InSourceSuppressions.Apply(bag.ToList());
        if (options.WarningsAsErrors)
        {
            list = list.Select(d => d.Severity == DiagnosticSeverity.Warning && !d.IsSuppressed ? d.WithSeverity(DiagnosticSeverity.Error) : d).ToList();
        }
        return new CheckResult(path, list.Any(d => d.IsError) ? null : model, list, files) { BoundModel = model };
    }
}
