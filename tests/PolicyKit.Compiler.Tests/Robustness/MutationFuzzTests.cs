using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace PolicyKit.Compiler.Tests.Robustness;

/// <summary>
/// Thousands of broken variants of the example policies go through <see cref="PolicyCompiler.Check"/>:
/// whatever the input, the compiler answers with diagnostics — never an exception — and every
/// diagnostic points into its file. Deterministic: each mutant comes from a fixed seed, so a
/// failure names the seed and shows the text that broke it.
/// </summary>
public sealed class MutationFuzzTests(ITestOutputHelper output)
{
    public const int MutationsPerExample = 1000;

    /// <summary>
    /// A robustness bound per mutant (not a benchmark: a mutant takes milliseconds): one that takes
    /// longer found a pathological path. Per mutant, not for the whole run, so a machine busy with
    /// other work cannot fail it (a whole run of 5,000 took 72 s under a load of 20 on 2 cores).
    /// </summary>
    private static readonly TimeSpan PerMutantBound = TimeSpan.FromSeconds(10);

    /// <summary>Past this the run is taken to hang, and the mutant being checked is reported.</summary>
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(5);

    private const string MainFile = "mutant.mpol";

    private static readonly CompilationOptions Options = new() { Today = new DateOnly(2026, 11, 23) };

    /// <summary>The seed of mutation <paramref name="index"/> of the example at <paramref name="exampleIndex"/> (sorted by name).</summary>
    public static int Seed(int exampleIndex, int index) => (exampleIndex + 1) * 1_000_000 + index;

    [Fact]
    public async Task RandomMutationsOfTheExamplesNeverCrash()
    {
        var examples = LoadExamples();
        var vocabulary = examples.Select(e => e.Text).Concat(Directory.GetFiles(RepoPaths.Std, "*.mpol").Order(StringComparer.Ordinal).Select(File.ReadAllText)).ToList();
        var run = new FuzzRun();
        var stopwatch = Stopwatch.StartNew();
        var task = Task.Run(() =>
        {
            for (int e = 0; e < examples.Count; e++)
            {
                var (name, text) = examples[e];
                var mutator = new PolicyMutator(text, vocabulary);
                for (int i = 0; i < MutationsPerExample; i++)
                {
                    int seed = Seed(e, i);
                    var mutant = mutator.Mutate(seed);
                    run.CheckOne($"{name}, mutation #{i} (seed {seed}): {mutant.Description}", mutant.Text);
                }
            }
        });
        if (await Task.WhenAny(task, Task.Delay(Watchdog)) != task)
        {
            Assert.Fail($"the fuzz run did not finish within {Watchdog.TotalMinutes} minutes; stuck on {run.Current}\n" +
                        $"--- mutated text ---\n{PolicyMutator.Printable(run.CurrentText)}");
        }
        await task;
        stopwatch.Stop();
        output.WriteLine($"{run.Count} mutants of {examples.Count} examples checked in {stopwatch.Elapsed.TotalSeconds:F1} s " +
                         $"({run.DiagnosticCount} diagnostics; {run.OutcomeSummary}); slowest {run.SlowestTime.TotalMilliseconds:F0} ms: {run.Slowest}");
        run.AssertNoFailures();
        Assert.Equal(examples.Count * MutationsPerExample, run.Count);
        Assert.True(run.SlowestTime < PerMutantBound,
            $"a mutant took {run.SlowestTime.TotalSeconds:F1} s (bound {PerMutantBound.TotalSeconds} s): {run.Slowest}");
    }

    /// <summary>
    /// Every number of every example (a token that starts with a digit: count, bandwidth, percent,
    /// duration, date), one at a time, replaced by 99999999999999999999 and by the
    /// edge values of the integer types; every address by each malformed address.
    /// Exhaustive where the random run samples, so an overflow in any one statement is found.
    /// </summary>
    [Fact]
    public void EveryNumberAndAddressOfTheExamplesReplaced()
    {
        var run = new FuzzRun();
        var stopwatch = Stopwatch.StartNew();
        foreach (var (name, text) in LoadExamples())
        {
            var tokens = PolicyMutator.Tokenize(text);
            foreach (var token in tokens)
            {
                if (PolicyMutator.IsAddress(token.Text))
                {
                    foreach (var bad in PolicyMutator.MalformedAddresses)
                    {
                        run.CheckOne($"{name}: address {PolicyMutator.Show(token.Text)} at {token.Start} → {PolicyMutator.Show(bad)}",
                            text[..token.Start] + bad + text[token.End..]);
                    }
                }
                else if (char.IsAsciiDigit(token.Text[0]))
                {
                    // Each run of digits inside the token (4Mbps, 90%, 2026-09-01..2026-11-28, 30m) made huge …
                    for (int start = 0; start < token.Text.Length;)
                    {
                        if (!char.IsAsciiDigit(token.Text[start]))
                        {
                            start++;
                            continue;
                        }
                        int end = start;
                        while (end < token.Text.Length && char.IsAsciiDigit(token.Text[end])) end++;
                        string replaced = token.Text[..start] + PolicyMutator.HugeNumber + token.Text[end..];
                        run.CheckOne($"{name}: number {PolicyMutator.Show(token.Text)} at {token.Start} → {PolicyMutator.Show(replaced)}",
                            text[..token.Start] + replaced + text[token.End..]);
                        start = end;
                    }
                    // … and the whole token each edge value.
                    foreach (var edge in PolicyMutator.EdgeNumbers)
                    {
                        run.CheckOne($"{name}: number {PolicyMutator.Show(token.Text)} at {token.Start} → {PolicyMutator.Show(edge)}",
                            text[..token.Start] + edge + text[token.End..]);
                    }
                }
            }
        }
        stopwatch.Stop();
        output.WriteLine($"{run.Count} single-value replacements checked in {stopwatch.Elapsed.TotalSeconds:F1} s ({run.OutcomeSummary}); " +
                         $"slowest {run.SlowestTime.TotalMilliseconds:F0} ms: {run.Slowest}");
        run.AssertNoFailures();
        Assert.True(run.Count > 100, $"only {run.Count} replacements: did the examples lose their numbers?");
        Assert.True(run.SlowestTime < PerMutantBound, $"a replacement took {run.SlowestTime.TotalSeconds:F1} s (bound {PerMutantBound.TotalSeconds} s): {run.Slowest}");
    }

    internal static List<(string Name, string Text)> LoadExamples()
    {
        var examples = Directory.GetFiles(RepoPaths.Examples, "*.mpol").Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), File.ReadAllText(f))).ToList();
        Assert.True(examples.Count > 0, $"no example policies in {RepoPaths.Examples}");
        return examples;
    }

    /// <summary>Checks mutants one by one and gathers what went wrong.</summary>
    private sealed class FuzzRun
    {
        private const int FailuresShownInFull = 3;
        private const int FailuresListed = 20;

        private readonly List<(string What, string Text, string Problem)> _failures = [];
        private volatile string _current = "(not started)";
        private volatile string _currentText = string.Empty;

        public int Count { get; private set; }

        public int DiagnosticCount { get; private set; }

        /// <summary>How far mutants got: clean, stopped by syntax (MP1xxx), binding (MP2xxx), or later checks.</summary>
        public int[] Outcomes { get; } = new int[4];

        public string OutcomeSummary =>
            $"{Outcomes[0]} clean, {Outcomes[1]} syntax/include errors, {Outcomes[2]} binding errors, {Outcomes[3]} check/platform errors";

        public string Current => _current;

        public string CurrentText => _currentText;

        public string Slowest { get; private set; } = "(none)";

        public TimeSpan SlowestTime { get; private set; }

        public void CheckOne(string what, string text)
        {
            _current = what;
            _currentText = text;
            Count++;
            var files = new Dictionary<string, string> { [MainFile] = text };
            var started = Stopwatch.GetTimestamp();
            try
            {
                var result = PolicyCompiler.Check(MainFile, Options, new InMemoryPolicyFileReader(files));
                DiagnosticCount += result.Diagnostics.Count;
                var firstError = result.Diagnostics.Where(d => d.IsError).Select(d => d.Code).Order(StringComparer.Ordinal).FirstOrDefault();
                Outcomes[firstError switch { null => 0, ['M', 'P', '1', ..] => 1, ['M', 'P', '2', ..] => 2, _ => 3 }]++;
                var problems = DiagnosticInvariants.Violations(result, files);
                if (problems.Count > 0) _failures.Add((what, text, string.Join("\n", problems)));
            }
            catch (Exception e)
            {
                _failures.Add((what, text, $"{e.GetType().FullName}: {e.Message}\n{e.StackTrace}"));
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > SlowestTime)
            {
                SlowestTime = elapsed;
                Slowest = what;
            }
        }

        public void AssertNoFailures()
        {
            if (_failures.Count == 0) return;
            var message = new StringBuilder($"{_failures.Count} of {Count} mutants broke the compiler (an exception escaped or a diagnostic points outside its file).\n");
            for (int i = 0; i < Math.Min(_failures.Count, FailuresListed); i++)
            {
                var (what, text, problem) = _failures[i];
                message.Append($"\n#{i + 1} {what}\n{problem}\n");
                if (i < FailuresShownInFull)
                    message.Append($"--- mutated text ({text.Length} chars) ---\n{PolicyMutator.Printable(text)}\n--- end ---\n");
            }
            if (_failures.Count > FailuresListed) message.Append($"\n… and {_failures.Count - FailuresListed} more.\n");
            Assert.Fail(message.ToString());
        }
    }
}
