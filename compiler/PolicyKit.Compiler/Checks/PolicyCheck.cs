using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>What a check reads: the model, the run's options, and where findings go.</summary>
public sealed record CheckContext(PolicyModel Model, CompilationOptions Options, DiagnosticBag Diagnostics);

/// <summary>One semantic check over the bound model. Checks are pure readers of the model.</summary>
public abstract class PolicyCheck
{
    public abstract void Run(CheckContext context);
}
