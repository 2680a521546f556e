using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Emit.Agent;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Check, then emit: every device to every selected target that serves its platform. Nothing
/// is written when the policy has errors (including unsupported constructs, unless allowed).
/// The agent target serves every device.
/// </summary>
public static class PolicyEmitter
{
    public static CompileResult Compile(string path, IReadOnlyCollection<string> targets, CompilationOptions options, EmitOptions emit, IPolicyFileReader? reader = null)
    {
        var check = PolicyCompiler.Check(path, options, reader);
        if (check.Model is null) return new CompileResult(check, [], check.Diagnostics);

        var diagnostics = new DiagnosticBag();
        var files = new List<EmittedFile>();
        foreach (var device in check.Model.Devices)
        {
            foreach (var emitter in Emitters.All.Where(e => targets.Contains(e.Target) && e.Serves(device.Platform)))
            {
                files.Add(emitter.Emit(check.Model, device, emit, diagnostics));
            }
            if (targets.Contains(AgentTableEmitter.Target)) files.Add(AgentTableEmitter.Emit(check.Model, device));
        }
        var all = check.Diagnostics.Concat(diagnostics.ToList()).ToList();
        return new CompileResult(check, all.Any(d => d.IsError) ? [] : files, all);
    }
}
