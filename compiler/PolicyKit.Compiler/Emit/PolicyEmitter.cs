using System.Runtime.ExceptionServices;
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
    /// <summary>
    /// Checks and emits. With <paramref name="deviceFiles"/>, each device's files are handed to it
    /// as soon as they are rendered (from the emitting thread, devices in any order) and are not
    /// kept: the result's <see cref="CompileResult.Files"/> is then empty, and the caller, which
    /// stored them, must discard them when the result has errors. Without it, every file is kept
    /// until the end (2.6–3.9 bytes of memory per output byte at the 100k preset, issue 18).
    /// </summary>
    public static CompileResult Compile(string path, IReadOnlyCollection<string> targets, CompilationOptions options, EmitOptions emit, IPolicyFileReader? reader = null,
        Action<IReadOnlyList<EmittedFile>>? deviceFiles = null)
    {
        var check = PolicyCompiler.Check(path, options with { Targets = targets.ToHashSet(StringComparer.Ordinal) }, reader);
        if (check.Model is null) return new CompileResult(check, [], check.Diagnostics);
        var model = check.Model;

        // Devices are independent (the model is immutable; the backends keep no state between
        // devices), so they are emitted in parallel. Each device collects its files and
        // diagnostics on its own; they are then put together in device order, so the result is
        // the same as emitting one device after the other.
        var devices = model.Devices;
        var perDevice = new (List<EmittedFile> Files, DiagnosticBag Diagnostics, ExceptionDispatchInfo? Failure)[devices.Length];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = emit.MaxParallelism ?? -1 };
        Parallel.For(0, devices.Length, parallel, i =>
        {
            var device = devices[i];
            var files = new List<EmittedFile>();
            var bag = new DiagnosticBag();
            try
            {
                foreach (var emitter in Emitters.All.Where(e => targets.Contains(e.Target) && e.Serves(device.Platform)))
                {
                    files.Add(emitter.Emit(model, device, emit, bag));
                }
                if (targets.Contains(AgentTableEmitter.Target)) files.Add(AgentTableEmitter.Emit(model, device));
                if (deviceFiles is not null)
                {
                    deviceFiles(files);
                    files = [];
                }
                perDevice[i] = (files, bag, null);
            }
            catch (Exception e)
            {
                perDevice[i] = (files, bag, ExceptionDispatchInfo.Capture(e));
            }
        });

        var diagnostics = new DiagnosticBag();
        var all = new List<EmittedFile>();
        foreach (var (files, bag, failure) in perDevice)
        {
            // One device after the other would have stopped at the first device that failed.
            failure?.Throw();
            // Sorted per device, then again as a whole: the sort is stable, so ties keep device
            // order and, within a device, the order they were found in — as one bag would.
            foreach (var diagnostic in bag.ToList()) diagnostics.Add(diagnostic);
            all.AddRange(files);
        }
        var allDiagnostics = check.Diagnostics.Concat(Diagnostics.InSourceSuppressions.Apply(diagnostics.ToList())).ToList();
        return new CompileResult(check, allDiagnostics.Any(d => d.IsError) ? [] : all, allDiagnostics);
    }
}
