using System.Diagnostics;
using BenchmarkDotNet.Running;
using PolicyKit.Compiler;

namespace PolicyKit.Bench;

/// <summary>
/// <c>generate</c> writes a generated policy, <c>verify</c> checks one and lists its diagnostics,
/// <c>stages</c> prints a per-stage time breakdown; anything else goes to BenchmarkDotNet.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage:
          PolicyKit.Bench generate --preset NAME [-o FILE] [--seed N]   write a generated policy (stdout without -o)
          PolicyKit.Bench generate --shape NAME [-o FILE]               write a hostile shape: chain-100k, single-line-10mb
          PolicyKit.Bench generate --shape NAME --size N [-o FILE]      write a scaling shape of size N (see `scale`)
          PolicyKit.Bench scale    --shape NAME --size N [--runs N]     check (or compile to the shape's target) a scaling shape
                                                                 at N and 2N in process: medians and the doubling ratio
          PolicyKit.Bench verify   --preset NAME [--seed N]             check it; list errors and warnings
          PolicyKit.Bench stages   --preset NAME [--runs N] [--emit]    per-stage Stopwatch breakdown of a check (--emit: and of each target)
          PolicyKit.Bench stages   --shape NAME [--runs N]              the same for a hostile shape: chain-100k, single-line-10mb
          PolicyKit.Bench fuzz     policies|tables [-n N] [--seed S]    the fuzz campaign (bench/README.md): mutants through the compiler or the table gate and engine
          PolicyKit.Bench random   [--count N] [--seed SEED] [--print N] compile N random valid policies to every target (the property of
                                                                 tests/…/Properties/RandomPolicyTests, many more times)
          PolicyKit.Bench [BenchmarkDotNet options, e.g. --filter '*Check*']
        presets:
        """;

    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] is "generate" or "verify" or "stages" or "scale" or "fuzz" or "random" or "help" or "--help" or "-h")
        {
            try
            {
                return args[0] switch
                {
                    "generate" => Generate(args[1..]),
                    "verify" => Verify(args[1..]),
                    "stages" => Stages(args[1..]),
                    "scale" => ScalingRun.Run(Options.Parse(args[1..]), Console.Out),
                    "fuzz" => Fuzz.FuzzCampaign.Run(args[1..], Console.Out),
                    "random" => RandomPolicyRun.Run(args[1..]),
                    _ => Help(Console.Out, 0),
                };
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return Help(Console.Error, 2);
            }
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static int Help(TextWriter output, int exitCode)
    {
        output.WriteLine(Usage);
        foreach (var preset in GeneratorPreset.All)
        {
            output.WriteLine($"  {preset.Name,-6} {preset.Prefixes,7:N0} prefixes, {preset.Interfaces,6:N0} interfaces, {preset.BgpPeers,4} BGP peers, {preset.MsdpPeers,4} MSDP peers");
        }
        output.WriteLine("scaling shapes (--shape NAME --size N):");
        foreach (var shape in ScalingShape.All) output.WriteLine($"  {shape.Name,-20} {shape.Target ?? "check",-9} {shape.Description}");
        return exitCode;
    }

    private static int Generate(string[] args)
    {
        var options = Options.Parse(args);
        if (options.Shape is { } shape)
        {
            string text = options.Size is { } size ? ScalingShape.Find(shape).Generate(size) : HostileShapes.Generate(shape);
            if (options.Output is { } file) File.WriteAllText(file, text);
            else Console.Out.Write(text);
            return 0;
        }
        var watch = Stopwatch.StartNew();
        var policy = PolicyGenerator.Generate(options.Preset);
        if (options.Output is { } path)
        {
            File.WriteAllText(path, policy.Text);
            Console.Error.WriteLine($"wrote {path}: {policy} (generated in {watch.ElapsedMilliseconds} ms)");
        }
        else
        {
            Console.Out.Write(policy.Text);
            Console.Error.WriteLine(policy);
        }
        return 0;
    }

    private static int Verify(string[] args)
    {
        var options = Options.Parse(args);
        var policy = PolicyGenerator.Generate(options.Preset);
        Console.WriteLine(policy);
        var reader = new InMemoryPolicyFileReader(new Dictionary<string, string> { [PolicyGenerator.FileName] = policy.Text });
        var watch = Stopwatch.StartNew();
        var result = PolicyCompiler.Check(PolicyGenerator.FileName, new CompilationOptions { Today = PolicyGenerator.Today }, reader);
        watch.Stop();
        Console.WriteLine($"checked in {watch.ElapsedMilliseconds} ms (one cold run): {result.ErrorCount} errors, {result.WarningCount} warnings");
        foreach (var group in result.Diagnostics.GroupBy(d => d.Code).OrderByDescending(g => g.Count()))
        {
            Console.WriteLine($"  {group.Key} × {group.Count()}, e.g. {group.First()}");
        }
        return result.Diagnostics.Count == 0 ? 0 : 1;
    }

    private static int Stages(string[] args)
    {
        var options = Options.Parse(args);
        if (options.Shape is { } shape)
        {
            string text = HostileShapes.Generate(shape);
            StageProfiler.Report($"shape {shape}: {text.Length:N0} chars, {text.Count(c => c == '\n'):N0} lines", text, options.Runs, Console.Out, options.Emit);
            return 0;
        }
        StageProfiler.Report(PolicyGenerator.Generate(options.Preset), options.Runs, Console.Out, options.Emit);
        return 0;
    }

    internal sealed record Options(GeneratorPreset Preset, string? Output, int Runs, bool Emit, string? Shape = null, int? Size = null)
    {
        public static Options Parse(string[] args)
        {
            var preset = GeneratorPreset.Large;
            string? output = null;
            int? seed = null;
            int runs = 5;
            bool emit = false;
            string? shape = null;
            int? size = null;
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--preset" or "-p":
                        string name = Value();
                        preset = GeneratorPreset.Find(name) ?? throw new ArgumentException($"no preset '{name}'");
                        break;
                    case "-o" or "--output":
                        output = Value();
                        break;
                    case "--seed":
                        seed = int.TryParse(Value(), out int s) ? s : throw new ArgumentException("--seed needs a whole number");
                        break;
                    case "--emit":
                        emit = true;
                        break;
                    case "--shape":
                        shape = Value();
                        break;
                    case "--size":
                        size = int.TryParse(Value(), out int n) && n > 0 ? n : throw new ArgumentException("--size needs a positive number");
                        break;
                    case "--runs":
                        runs = int.TryParse(Value(), out int r) && r > 0 ? r : throw new ArgumentException("--runs needs a positive number");
                        break;
                    default:
                        throw new ArgumentException($"unknown option '{args[i]}'");
                }
            }
            return new Options(seed is { } value ? preset with { Seed = value } : preset, output, runs, emit, shape, size);
        }
    }
}
