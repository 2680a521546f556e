using PolicyKit.Compiler.Emit;

namespace PolicyKit.Compiler.Tests.Golden;

/// <summary>
/// Compiles the example policies the way the golden files are made: as
/// <c>mpolc compile policies/examples/NAME.mpol --redact --today 2026-11-23</c> run from the
/// repository root, in memory.
/// </summary>
internal static class ExampleCompiler
{
    /// <summary>The date the examples' key lifetimes are written against (as ExamplePolicyTests).</summary>
    public static readonly DateOnly Today = new(2026, 11, 23);

    public static readonly CompilationOptions Options = new() { Today = Today };

    /// <summary>--redact; and no secret is ever looked up, even if redaction stopped applying somewhere.</summary>
    public static readonly EmitOptions Emit = new() { Redact = true, Environment = _ => null };

    /// <summary>The example policies by name (file name without .mpol), in ordinal order.</summary>
    public static IReadOnlyList<string> Names() =>
        Directory.GetFiles(RepoPaths.Examples, "*.mpol")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The path as the compiler sees it: repository-relative, as typed at the repository root.</summary>
    public static string PathOf(string name) => $"policies/examples/{name}.mpol";

    public static CompileResult Compile(string name, IEnumerable<string> targets) =>
        PolicyEmitter.Compile(PathOf(name), targets.ToHashSet(StringComparer.Ordinal), Options, Emit, RepoPolicyReader.Instance);

    public static CompileResult CompileAllTargets(string name) => Compile(name, Emitters.Targets);

    /// <summary>The result's errors, formatted for a failure message; empty when it has none.</summary>
    public static string Errors(CompileResult result) =>
        Examples.ExamplePolicyTests.Format(result.Diagnostics.Where(d => d.IsError));
}
