using System.Diagnostics;
using Antlr4.Runtime;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Binding;
using PolicyKit.Compiler.Checks;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Compiler.Generated;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Bench;

/// <summary>
/// A Stopwatch breakdown of one check run, stage by stage, for finding where the time goes
/// (no profiler is installed on the build machines). It replays what
/// <see cref="PolicyCompiler.Check"/> does with the same public pieces: lex, parse, AST,
/// includes, bind, then every check of <see cref="PolicyChecks.All"/> on its own.
/// </summary>
public static class StageProfiler
{
    public sealed record Stage(string Name, TimeSpan Time, TimeSpan Cpu, long AllocatedBytes);

    public static IReadOnlyList<Stage> Measure(string text, bool emit = false)
    {
        var stages = new List<Stage>();
        var reader = new InMemoryPolicyFileReader(new Dictionary<string, string> { [PolicyGenerator.FileName] = text });
        var options = new CompilationOptions { Today = PolicyGenerator.Today };

        // Front end of the root file alone, split into its parts.
        var source = Timed(stages, "source map (SourceFile)", () => new SourceFile(PolicyGenerator.FileName, text));
        Timed(stages, "lex only (MpolLexer → tokens)", () =>
        {
            var tokens = new CommonTokenStream(new MpolLexer(new AntlrInputStream(text)));
            tokens.Fill();
            return tokens.Size;
        });
        var scratch = new DiagnosticBag();
        var tree = Timed(stages, "lex + parse, whole tree (PolicyParser.Parse)", () => PolicyParser.Parse(source, scratch));
        Timed(stages, "AST of that tree (AstBuilder.Build)", () => new AstBuilder(source, scratch).Build(tree));
        tree = null;
        Timed(stages, "lex + parse + AST (PolicyParser.ParseSyntax)", () => PolicyParser.ParseSyntax(source, scratch));

        // The real pipeline, stage by stage.
        var diagnostics = new DiagnosticBag();
        var files = Timed(stages, "IncludeLoader (root + std, parse + AST)", () => new IncludeLoader(reader, diagnostics).Load(PolicyGenerator.FileName));
        var model = Timed(stages, "Binder.Bind", () => new Binder(diagnostics).Bind(files))
            ?? throw new InvalidOperationException("binding produced no model");
        var context = new CheckContext(model, options, diagnostics);
        foreach (var check in PolicyChecks.All)
        {
            Timed(stages, "check " + check.GetType().Name, () =>
            {
                check.Run(context);
                return 0;
            });
        }
        Timed(stages, "DiagnosticBag.ToList", () => diagnostics.ToList().Count);
        if (diagnostics.Count > 0)
        {
            throw new InvalidOperationException($"the generated policy has {diagnostics.Count} diagnostics; first: {diagnostics.ToList()[0]}");
        }
        if (emit)
        {
            // What PolicyEmitter.Compile does after the check, one target at a time (Emitters.Targets).
            var emitOptions = new EmitOptions { Redact = true };
            foreach (var emitter in Emitters.All)
            {
                Timed(stages, "emit " + emitter.Target, () =>
                {
                    var bag = new DiagnosticBag();
                    return model.Devices.Where(d => emitter.Serves(d.Platform)).Sum(d => emitter.Emit(model, d, emitOptions, bag).Content.Length);
                });
            }
            // The agent target's file is its bytes; the readable rendering (EmittedFile.Content)
            // is made only when read (mpolc diff, golden files), so it is timed on its own.
            var tables = Timed(stages, "emit " + AgentTableEmitter.Target, () => model.Devices.Select(d => AgentTableEmitter.Emit(model, d)).ToList());
            Timed(stages, "agent readable text (diff, golden files only)", () => tables.Sum(t => t.Content.Length));

            // What mpolc compile runs: the check, then the devices emitted in parallel (and, for
            // comparison, one after the other).
            Timed(stages, "whole compile (PolicyEmitter.Compile, 1 thread)", () =>
                PolicyEmitter.Compile(PolicyGenerator.FileName, Emitters.Targets.ToList(), options, emitOptions with { MaxParallelism = 1 }, reader).Files.Count);
            Timed(stages, "whole compile (PolicyEmitter.Compile, parallel)", () =>
                PolicyEmitter.Compile(PolicyGenerator.FileName, Emitters.Targets.ToList(), options, emitOptions, reader).Files.Count);
        }
        return stages;
    }

    private static T Timed<T>(List<Stage> stages, string name, Func<T> action)
    {
        using var process = Process.GetCurrentProcess();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = action();
        watch.Stop();
        process.Refresh();
        stages.Add(new Stage(name, watch.Elapsed, process.TotalProcessorTime - cpu, GC.GetAllocatedBytesForCurrentThread() - before));
        return result;
    }

    /// <summary>Runs <paramref name="runs"/> times and prints the median per stage.</summary>
    public static void Report(GeneratedPolicy policy, int runs, TextWriter output, bool emit = false) =>
        Report(policy.ToString(), policy.Text, runs, output, emit);

    /// <summary>Runs <paramref name="runs"/> times over any policy text and prints the median per stage.</summary>
    public static void Report(string label, string text, int runs, TextWriter output, bool emit = false)
    {
        output.WriteLine(label);
        var all = new List<IReadOnlyList<Stage>>();
        for (int i = 0; i < runs; i++)
        {
            var total = Stopwatch.StartNew();
            var stages = Measure(text, emit);
            total.Stop();
            output.WriteLine($"run {i + 1}: {total.Elapsed.TotalMilliseconds,8:F0} ms");
            all.Add(stages);
        }
        // The first run pays for JIT and ANTLR's DFA warm-up; report the median of the rest.
        var measured = all.Count > 1 ? all.Skip(1).ToList() : all;
        output.WriteLine();
        output.WriteLine($"{"stage",-48} {"wall ms",10} {"cpu ms",10} {"alloc MB",10}   (medians of {measured.Count} warm runs)");
        double pipeline = 0, pipelineCpu = 0;
        for (int s = 0; s < measured[0].Count; s++)
        {
            var times = measured.Select(r => r[s].Time.TotalMilliseconds).Order().ToList();
            double median = times[times.Count / 2];
            double cpu = measured.Select(r => r[s].Cpu.TotalMilliseconds).Order().ElementAt(measured.Count / 2);
            double mb = measured.Select(r => r[s].AllocatedBytes).Order().ElementAt(measured.Count / 2) / 1048576.0;
            string name = measured[0][s].Name;
            if (!IsDiagnosticOnly(name))
            {
                pipeline += median;
                pipelineCpu += cpu;
            }
            output.WriteLine($"{name,-48} {median,10:F1} {cpu,10:F1} {mb,10:F1}{(IsDiagnosticOnly(name) ? "   (not in the pipeline sum)" : "")}");
        }
        output.WriteLine($"{"pipeline sum (IncludeLoader + Bind + checks" + (emit ? " + emit" : "") + ")",-48} {pipeline,10:F1} {pipelineCpu,10:F1}");
        output.WriteLine("cpu ms is the whole process's CPU time (GC threads included); on a busy machine it is the steadier figure.");
    }

    private static bool IsDiagnosticOnly(string name) =>
        name.StartsWith("source map", StringComparison.Ordinal) || name.StartsWith("lex", StringComparison.Ordinal) ||
        name.StartsWith("AST", StringComparison.Ordinal) || name.StartsWith("agent readable text", StringComparison.Ordinal) ||
        name.StartsWith("whole compile", StringComparison.Ordinal);
}
