using PolicyKit.Compiler.Diagnostics;

namespace PolicyKit.Compiler.Tests.Examples;

/// <summary>
/// The shipped policies are the documentation users copy from: every example and every file of
/// the standard library must check clean — no error and no warning.
/// </summary>
public sealed class ExamplePolicyTests
{
    /// <summary>The date the examples' key lifetimes are written against.</summary>
    public static readonly DateOnly Today = new(2026, 11, 23);

    private static readonly CompilationOptions Options = new() { Today = Today };

    public static TheoryData<string> ExampleFiles() => FileNames(RepoPaths.Examples);

    public static TheoryData<string> StdFiles() => FileNames(RepoPaths.Std);

    [Fact]
    public void ThereAreExamplesAndStdFiles()
    {
        Assert.NotEmpty(Directory.GetFiles(RepoPaths.Examples, "*.mpol"));
        Assert.NotEmpty(Directory.GetFiles(RepoPaths.Std, "*.mpol"));
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void ExampleChecksClean(string fileName) =>
        AssertClean(Path.Combine(RepoPaths.Examples, fileName));

    [Theory]
    [MemberData(nameof(StdFiles))]
    public void StdFileChecksCleanOnItsOwn(string fileName) =>
        AssertClean(Path.Combine(RepoPaths.Std, fileName));

    [Theory]
    [MemberData(nameof(StdFiles))]
    public void StdFileChecksCleanAsIncluded(string fileName)
    {
        // The way policies see it: "std/…" served from the library embedded in the compiler.
        var reader = new InMemoryPolicyFileReader(new Dictionary<string, string>
        {
            ["main.mpol"] = $"include \"std/{fileName}\";\n",
        });
        var result = PolicyCompiler.Check("main.mpol", Options, reader);
        Assert.True(!result.Diagnostics.Any(IsErrorOrWarning), $"including std/{fileName}:\n{Format(result.Diagnostics)}");
    }

    [Fact]
    public void EmbeddedStdLibraryIsPoliciesStd()
    {
        var onDisk = Directory.GetFiles(RepoPaths.Std, "*.mpol")
            .Select(f => "std/" + Path.GetFileName(f))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(onDisk, DiskPolicyFileReader.StdFiles().ToList());
        foreach (var name in onDisk)
        {
            string? embedded = DiskPolicyFileReader.Instance.Read(name, out var error);
            Assert.True(embedded is not null, $"{name}: {error}");
            string disk = File.ReadAllText(Path.Combine(RepoPaths.Std, name["std/".Length..]));
            Assert.True(disk == embedded, $"{name}: the embedded copy differs from policies/{name}; rebuild the compiler");
        }
    }

    private static void AssertClean(string path)
    {
        var result = PolicyCompiler.Check(path, Options);
        Assert.True(!result.Diagnostics.Any(IsErrorOrWarning),
            $"{Path.GetRelativePath(RepoPaths.Root, path)} should check with no errors and no warnings (today = {Today:yyyy-MM-dd}), " +
            $"but got {result.ErrorCount} error(s) and {result.WarningCount} warning(s):\n{Format(result.Diagnostics)}");
    }

    private static bool IsErrorOrWarning(Diagnostic d) => d.Severity >= DiagnosticSeverity.Warning;

    internal static string Format(IEnumerable<Diagnostic> diagnostics) => string.Join("\n", diagnostics.Select(d =>
    {
        var line = d.Span.StartLineColumn.Line;
        string text = $"  {d}\n      | {d.Span.File.GetLineText(line).Trim()}";
        return d.Hint is null ? text : $"{text}\n      hint: {d.Hint}";
    }));

    private static TheoryData<string> FileNames(string directory)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(directory, "*.mpol").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }
}
