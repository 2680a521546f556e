using PolicyKit.Compiler;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Output;
using PolicyKit.Compiler.Tests.Robustness;

namespace PolicyKit.Bench.Fuzz;

/// <summary>
/// Mutants of the example policies (the mutator of the compiler's fuzz tests: token deletes,
/// swaps, duplicates, junk, edge numbers, malformed addresses, truncations) through
/// <see cref="PolicyCompiler.Check"/>; every diagnostic must keep its invariants (a code, a
/// message, a span in its file) and render as text; a mutant that checks clean is compiled to
/// every target as well.
/// </summary>
internal sealed class PolicyTarget : IFuzzTarget
{
    private const string MainFile = "mutant.mpol";
    private static readonly CompilationOptions Options = new() { Today = new DateOnly(2026, 11, 23) };
    private static readonly EmitOptions Emit = new() { Environment = name => "Fuzz-key-" + name.Length, MaxParallelism = 1 };

    private readonly List<(string Name, PolicyMutator Mutator)> _examples;
    private long _checkTicks, _renderTicks, _emitTicks;

    public PolicyTarget()
    {
        string root = RepoRoot();
        var examples = Directory.GetFiles(Path.Combine(root, "policies", "examples"), "*.mpol").Order(StringComparer.Ordinal)
            .Select(p => (Name: Path.GetFileName(p), Text: File.ReadAllText(p))).ToList();
        var vocabulary = examples.Select(e => e.Text).Concat(Directory.GetFiles(Path.Combine(root, "policies", "std"), "*.mpol").Order(StringComparer.Ordinal).Select(File.ReadAllText)).ToList();
        _examples = examples.Select(e => (e.Name, new PolicyMutator(e.Text, vocabulary))).ToList();
    }

    public string Name => "policies";

    public string Corpus => $"mutants of the {_examples.Count} example policies ({string.Join(", ", _examples.Select(e => e.Name))})";

    private Mutant Mutant(int seed, long index)
    {
        var (_, mutator) = _examples[(int)(index % _examples.Count)];
        return mutator.Mutate(unchecked(seed * 1_000_003 + (int)index));
    }

    public void One(int seed, long index, FuzzStats stats)
    {
        var mutant = Mutant(seed, index);
        var files = new Dictionary<string, string> { [MainFile] = mutant.Text };
        var reader = new InMemoryPolicyFileReader(files);
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = PolicyCompiler.Check(MainFile, Options, reader);
        long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
        var problems = DiagnosticInvariants.Violations(result, files);
        if (problems.Count > 0)
        {
            stats.Findings++;
            FuzzCampaign.Save(Name, seed, index, "invariant", string.Join("\n", problems) + "\n\n" + mutant.Text);
        }
        new TextDiagnosticFormatter().Write(TextWriter.Null, DiagnosticReport.FromResults([result]));
        long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
        Interlocked.Add(ref _checkTicks, t1 - t0);
        Interlocked.Add(ref _renderTicks, t2 - t1);
        string? first = result.Diagnostics.Where(d => d.IsError).Select(d => d.Code).Order(StringComparer.Ordinal).FirstOrDefault();
        stats.Count(first switch { null => "clean", ['M', 'P', '1', ..] => "syntax", ['M', 'P', '2', ..] => "binding", _ => "checks" });
        if (first is null)
        {
            var compiled = PolicyEmitter.Compile(MainFile, Emitters.Targets.ToList(), Options, Emit, reader);
            foreach (var file in compiled.Files) _ = file.Content.Length;   // renders the lazy agent-table text too
            if (!compiled.HasErrors) stats.Count("compiled");
            Interlocked.Add(ref _emitTicks, System.Diagnostics.Stopwatch.GetTimestamp() - t2);
        }
    }

    public string Describe(int seed, long index)
    {
        var mutant = Mutant(seed, index);
        return $"{_examples[(int)(index % _examples.Count)].Name}: {mutant.Description}\n\n{mutant.Text}";
    }

    public string Summary(FuzzStats stats) =>
        $"outcomes: {stats.Describe()} (first error's stage; 'compiled' = clean mutants also compiled to every target)\n" +
        $"  time: check {Seconds(_checkTicks):F0} s, render {Seconds(_renderTicks):F0} s, compile of the clean ones {Seconds(_emitTicks):F0} s";

    private static double Seconds(long ticks) => ticks / (double)System.Diagnostics.Stopwatch.Frequency;

    /// <summary>The repository (its example policies are the corpus): above the program, or above the current folder (a copied build).</summary>
    internal static string RepoRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "PolicyKit.sln"))) return d.FullName;
            }
        }
        throw new InvalidOperationException("PolicyKit.sln not found above " + AppContext.BaseDirectory + " or the current folder");
    }
}
