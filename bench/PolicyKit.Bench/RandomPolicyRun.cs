using System.Diagnostics;
using CsCheck;
using PolicyKit.Compiler.Tests.Properties;

namespace PolicyKit.Bench;

/// <summary>
/// <c>random</c>: the random-policy property (<see cref="RandomPolicies.Problem"/>) over many
/// more policies than the tests run, on all cores; CsCheck shrinks a failure to a small policy
/// and prints it with the seed that reproduces it.
/// </summary>
public static class RandomPolicyRun
{
    public static int Run(string[] args)
    {
        long count = 2000;
        string? seed = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--count" when i + 1 < args.Length: count = long.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--seed" when i + 1 < args.Length: seed = args[++i]; break;
                case "--print" when i + 1 < args.Length:
                    // Shows what the generator writes: N sample policies, then stops.
                    foreach (var sample in RandomPolicies.Policy.Array[int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture)].Single())
                        Console.WriteLine(sample[sample.IndexOf("device ", StringComparison.Ordinal)..]);
                    return 0;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        var watch = Stopwatch.StartNew();
        try
        {
            RandomPolicies.Policy.Sample(policy =>
            {
                if (RandomPolicies.Problem(policy) is { } problem) throw new InvalidOperationException(problem);
            }, seed: seed, iter: count, print: p => p);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        Console.WriteLine($"{count} random policies compiled to every target in {watch.Elapsed.TotalSeconds:F1} s: no internal error, nothing but MP4001 refused");
        return 0;
    }
}
