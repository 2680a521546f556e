using PolicyKit.Compiler.Emit;

namespace PolicyKit.Compiler.Tests.Golden;

/// <summary>
/// Every example policy × every backend in <see cref="Emitters.All"/>, compiled with --redact,
/// against the golden files in Baselines/POLICY/DEVICE/FILE. A change in any backend's output
/// shows up here as a diff to review. To accept new output:
/// <c>POLICYKIT_UPDATE_BASELINES=1 dotnet test tests/PolicyKit.Compiler.Tests --filter FullyQualifiedName~Golden</c>
/// </summary>
public sealed class GoldenFileTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var policy in ExampleCompiler.Names())
        foreach (var target in Emitters.Targets)
        {
            data.Add(policy, target);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_matches_the_golden_files(string policy, string target)
    {
        var result = ExampleCompiler.Compile(policy, [target]);
        Assert.False(result.HasErrors, $"{ExampleCompiler.PathOf(policy)} does not compile:\n{ExampleCompiler.Errors(result)}");

        var failures = new List<string>();
        var produced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in result.Files)
        {
            Assert.Equal(target, file.Target);
            string relative = BaselineHelper.RelativePath(policy, file);
            Assert.True(produced.Add(relative), $"{relative} is produced twice");
            if (BaselineHelper.Check(relative, file.Content) is { } failure) failures.Add(failure);
        }

        // Golden files of this policy and target (by their header's "target:") that the compile no longer writes.
        foreach (var stale in BaselineHelper.Existing().Where(p =>
                     p.StartsWith(policy + "/", StringComparison.Ordinal) && !produced.Contains(p) && BaselineHelper.TargetOf(p) == target))
        {
            if (BaselineHelper.CheckStale(stale) is { } failure) failures.Add(failure);
        }
        BaselineHelper.AssertNoFailures($"{policy} × {target}", failures);
    }

    /// <summary>
    /// Catches golden files of a removed example, device or target, which no single case above
    /// looks at.
    /// </summary>
    [Fact]
    public void Every_golden_file_is_still_produced()
    {
        var produced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var policy in ExampleCompiler.Names())
        {
            var result = ExampleCompiler.CompileAllTargets(policy);
            Assert.False(result.HasErrors, $"{ExampleCompiler.PathOf(policy)} does not compile:\n{ExampleCompiler.Errors(result)}");
            foreach (var file in result.Files) produced.Add(BaselineHelper.RelativePath(policy, file));
        }
        var failures = BaselineHelper.Existing().Where(p => !produced.Contains(p))
            .Select(BaselineHelper.CheckStale).OfType<string>().ToList();
        BaselineHelper.AssertNoFailures("Baselines/", failures);
    }

    /// <summary>The golden test is only worth something if every example produces output.</summary>
    [Fact]
    public void Every_example_produces_files()
    {
        Assert.NotEmpty(ExampleCompiler.Names());
        foreach (var policy in ExampleCompiler.Names())
        {
            var result = ExampleCompiler.CompileAllTargets(policy);
            Assert.False(result.HasErrors, $"{ExampleCompiler.PathOf(policy)} does not compile:\n{ExampleCompiler.Errors(result)}");
            Assert.True(result.Files.Count > 0, $"{ExampleCompiler.PathOf(policy)} produces no file for any target");
        }
    }

    [Fact]
    public void Golden_files_are_kept_byte_exact_by_git()
    {
        // core.autocrlf would otherwise turn "\n" into "\r\n" on checkout and fail every comparison.
        string attributes = File.ReadAllText(Path.Combine(BaselineHelper.Root, ".gitattributes"));
        Assert.Contains("* -text", attributes, StringComparison.Ordinal);
    }
}
