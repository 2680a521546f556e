using System.Diagnostics;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Emit;

namespace PolicyKit.Bench;

/// <summary>
/// <c>scale --shape NAME --size N</c>: a quick look at one scaling shape without BenchmarkDotNet —
/// the shape at N and at 2N, checked (or compiled to its target) <c>--runs</c> times each,
/// medians and their ratio. The README's figures come from <see cref="ScalingBenchmarks"/>.
/// </summary>
internal static class ScalingRun
{
    public static int Run(Program.Options options, TextWriter output)
    {
        var shape = ScalingShape.Find(options.Shape ?? throw new ArgumentException("scale needs --shape"));
        int size = options.Size ?? throw new ArgumentException("scale needs --size");
        double small = Median(shape, size, options.Runs, output);
        double large = Median(shape, size * 2, options.Runs, output);
        output.WriteLine($"{shape.Name}: {size:N0} → {size * 2:N0}: {small:F1} ms → {large:F1} ms, ratio {large / small:F2}");
        return 0;
    }

    private static double Median(ScalingShape shape, int size, int runs, TextWriter output)
    {
        var files = new Dictionary<string, string> { [ScalingBenchmarks.FileName] = shape.Generate(size) };
        var times = new List<double>();
        for (int i = 0; i < runs + 1; i++)
        {
            var watch = Stopwatch.StartNew();
            ScalingBenchmarks.Measure(shape, files);
            watch.Stop();
            if (i > 0) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        output.WriteLine($"  {shape.Name} N={size:N0}: {string.Join(", ", times.Select(t => t.ToString("F0")))} ms");
        return times[times.Count / 2];
    }
}
