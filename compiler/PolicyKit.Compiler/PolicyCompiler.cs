using PolicyKit.Compiler.Binding;
using PolicyKit.Compiler.Checks;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Irr;
using PolicyKit.Compiler.Syntax;

namespace PolicyKit.Compiler;

/// <summary>
/// The front door of the compiler: text → syntax → bound model → checks, with every
/// diagnostic gathered in one list. Syntax errors stop before binding (a broken tree would
/// only produce follow-on noise); binding errors stop before the semantic checks.
/// </summary>
public static class PolicyCompiler
{
    public static CheckResult Check(string path, CompilationOptions options, IPolicyFileReader? reader = null) =>
        Run(path, options, reader, refreshLock: false).Result;

    /// <summary>
    /// `mpolc lock`: checks the policy with every IRR-built set resolved from its RPSL data (not
    /// from the lock file) and returns, besides the result, the lock text to write — null when
    /// the policy has errors.
    /// </summary>
    public static (CheckResult Result, string? LockText) Lock(string path, CompilationOptions options, IPolicyFileReader? reader = null)
    {
        var (result, irr) = Run(path, options, reader, refreshLock: true);
        return (result, result.Model is null ? null : IrrLockFile.Format(irr.Lock));
    }

    /// <summary>
    /// `mpolc origins`: checks the policy (its IRR-built sets from the lock, as a compile takes
    /// them) and returns, besides the result, its IRR-built sets with their route objects'
    /// origins (<see cref="ExpectedOriginsFile"/> writes them) — empty when the policy has errors
    /// (a lock without origins is one, MP3084).
    /// </summary>
    public static (CheckResult Result, IReadOnlyList<IrrLockedSet> Sets) Origins(string path, CompilationOptions options, IPolicyFileReader? reader = null)
    {
        var (result, irr) = Run(path, options, reader, refreshLock: false, requireOrigins: true);
        return (result, result.Model is null ? [] : irr.Lock);
    }

    private static (CheckResult Result, IrrOutcome Irr) Run(string path, CompilationOptions options, IPolicyFileReader? reader, bool refreshLock, bool requireOrigins = false)
    {
        reader ??= DiskPolicyFileReader.Instance;
        var diagnostics = new DiagnosticBag();
        var files = new IncludeLoader(reader, diagnostics, options.IncludeDirectories).Load(path);
        if (files.Count == 0 || diagnostics.HasErrors)
        {
            return (Finish(path, null, diagnostics, files.Select(f => f.Source).ToList(), options), IrrOutcome.None);
        }
        var sources = files.Select(f => f.Source).ToList();
        // IRR-built sets are answered before binding, so the binder sees plain prefix sets.
        var irr = new IrrStage(reader, diagnostics, options).Resolve(files, path, refreshLock, requireOrigins);
        var model = new Binder(diagnostics) { IrrSets = irr.Sets, IrrHashText = irr.Lock.IsEmpty ? null : IrrLockFile.Format(irr.Lock) }.Bind(files);
        // The syntax trees are not used after binding (the model holds spans into the sources): not
        // referenced from here on, they go before the checks run (19 MB at 20k rules, issue 18).
        files = null!;
        if (model is not null && !diagnostics.HasErrors)
        {
            PolicyChecks.Run(model, options, diagnostics);
        }
        return (Finish(path, model, diagnostics, sources, options), irr);
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
