using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Emit;

namespace PolicyKit.Bench;

/// <summary>
/// How each <see cref="ScalingShape"/> scales (issue 18): the shape at 16k, 32k and 64k elements,
/// checked (or compiled to its target, secrets redacted) in process from the text in memory.
/// The <c>Doubling</c> column is each size's median over the median at half the size: ≈ 2 is
/// linear, 4 quadratic. It reports, it fails nothing. <c>POLICYKIT_SCALING_SHAPES</c> (names,
/// comma-separated) and <c>POLICYKIT_SCALING_SIZES</c> (numbers) choose other shapes and sizes:
/// BenchmarkDotNet's <c>--filter</c> does not select parameters, and a shape that regressed to
/// quadratic would take minutes per run at 64k.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DoublingConfig))]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ScalingBenchmarks
{
    public const string FileName = "shape.mpol";

    private Dictionary<string, string> _files = [];

    [ParamsSource(nameof(Shapes))]
    public ScalingShape Shape { get; set; } = ScalingShape.JunosPrefixList;

    [ParamsSource(nameof(Sizes))]
    public int Size { get; set; } = 16_384;

    public static IEnumerable<ScalingShape> Shapes =>
        Environment.GetEnvironmentVariable("POLICYKIT_SCALING_SHAPES") is { Length: > 0 } names
            ? names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(ScalingShape.Find)
            : ScalingShape.All;

    public static IEnumerable<int> Sizes =>
        Environment.GetEnvironmentVariable("POLICYKIT_SCALING_SIZES") is { Length: > 0 } sizes
            ? sizes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)
            : [16_384, 32_768, 65_536];

    [GlobalSetup]
    public void Setup()
    {
        _files = new Dictionary<string, string> { [FileName] = Shape.Generate(Size) };
        Measure(Shape, _files);
    }

    [Benchmark]
    public int Run() => Measure(Shape, _files);

    /// <summary>The shape's work: a check, or a compile to its target; refuses a policy with errors.</summary>
    public static int Measure(ScalingShape shape, Dictionary<string, string> files)
    {
        var options = new CompilationOptions { Today = PolicyGenerator.Today };
        var reader = new InMemoryPolicyFileReader(files);
        if (shape.Target is null)
        {
            var check = PolicyCompiler.Check(FileName, options, reader);
            if (check.ErrorCount > 0) throw new InvalidOperationException($"shape {shape} has errors: {check.Diagnostics.First(d => d.IsError)}");
            return check.Diagnostics.Count;
        }
        var result = PolicyEmitter.Compile(FileName, [shape.Target], options, new EmitOptions { Redact = true }, reader);
        if (result.HasErrors) throw new InvalidOperationException($"shape {shape} has errors: {result.Diagnostics.First(d => d.IsError)}");
        if (result.Files.Count == 0) throw new InvalidOperationException($"shape {shape} emitted no {shape.Target} file");
        return result.Files.Sum(f => f.Bytes?.Length ?? f.Content.Length);
    }

    private sealed class DoublingConfig : ManualConfig
    {
        public DoublingConfig() => AddColumn(new DoublingColumn());
    }

    /// <summary>Median at this size over the median of the same shape at half the size.</summary>
    private sealed class DoublingColumn : IColumn
    {
        public string Id => nameof(DoublingColumn);
        public string ColumnName => "Doubling";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "median at this size / median at half the size (2 = linear, 4 = quadratic)";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            string shape = Parameter(benchmarkCase, nameof(Shape));
            int size = int.Parse(Parameter(benchmarkCase, nameof(Size)));
            var half = summary.BenchmarksCases.FirstOrDefault(c => Parameter(c, nameof(Shape)) == shape && Parameter(c, nameof(Size)) == (size / 2).ToString());
            double? now = summary[benchmarkCase]?.ResultStatistics?.Median;
            double? before = half is null ? null : summary[half]?.ResultStatistics?.Median;
            return now is { } a && before is { } b && b > 0 ? (a / b).ToString("F2") : "-";
        }

        private static string Parameter(BenchmarkCase benchmarkCase, string name) =>
            benchmarkCase.Parameters.Items.First(p => p.Name == name).Value?.ToString() ?? "";
    }
}
