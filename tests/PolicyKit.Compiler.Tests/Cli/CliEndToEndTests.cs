using System.Text.Json;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>mpolc check over real policies through the real compiler, in a temp directory.</summary>
public sealed class CliEndToEndTests : IDisposable
{
    private const string Clean = "groups tv-sd { 232.10.0.0/16; }\n";
    private const string SyntaxError = "groups x { 232.0.0.0/8 }\n";       // ';' missing before '}'
    private const string WarningOnly = "groups tv { 232.10.0.1/16; }\n";   // host bits set: MP1006

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Clean_policy_exits_0_with_a_clean_summary()
    {
        string policy = _dir.Write("clean.mpol", Clean);
        var run = MpolcRunner.Run("check", policy);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("0 errors, 0 warnings in 1 file\n", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void Syntax_error_exits_1_with_code_location_and_caret()
    {
        string policy = _dir.Write("bad.mpol", SyntaxError);
        var run = MpolcRunner.Run("check", policy);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"{policy}:1:24: error MP1001: ", run.Stdout, StringComparison.Ordinal);
        var lines = run.Stdout.Split('\n');
        Assert.Contains(" 1 | groups x { 232.0.0.0/8 }", lines);
        Assert.Contains("   | " + new string(' ', 23) + "^", lines);
        Assert.EndsWith("1 error, 0 warnings in 1 file\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void Warning_only_policy_exits_0_and_1_with_werror()
    {
        string policy = _dir.Write("warn.mpol", WarningOnly);

        var lenient = MpolcRunner.Run("check", policy);
        var strict = MpolcRunner.Run("check", "--werror", policy);

        Assert.True(lenient.ExitCode == 0, lenient.ToString());
        Assert.Contains($"{policy}:1:13: warning MP1006: ", lenient.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 errors, 1 warning in 1 file", lenient.Stdout, StringComparison.Ordinal);
        Assert.True(strict.ExitCode == 1, strict.ToString());
        Assert.Contains($"{policy}:1:13: error MP1006: ", strict.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_files_are_reported_together()
    {
        string clean = _dir.Write("clean.mpol", Clean);
        string bad = _dir.Write("bad.mpol", SyntaxError);
        string warn = _dir.Write("warn.mpol", WarningOnly);
        var run = MpolcRunner.Run("check", clean, bad, warn);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.EndsWith("1 error, 1 warning in 3 files\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_format_reports_files_diagnostics_and_counts()
    {
        string clean = _dir.Write("clean.mpol", Clean);
        string bad = _dir.Write("bad.mpol", SyntaxError);
        var run = MpolcRunner.Run("check", "--format", "json", clean, bad);

        Assert.True(run.ExitCode == 1, run.ToString());
        using var document = JsonDocument.Parse(run.Stdout);
        var root = document.RootElement;
        Assert.Equal([clean, bad], root.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(1, root.GetProperty("errors").GetInt32());
        var diagnostic = Assert.Single(root.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("MP1001", diagnostic.GetProperty("code").GetString());
        Assert.Equal(bad, diagnostic.GetProperty("file").GetString());
        Assert.Equal(1, diagnostic.GetProperty("line").GetInt32());
        Assert.Equal(24, diagnostic.GetProperty("column").GetInt32());
    }

    [Fact]
    public void Sarif_goes_to_the_output_file_and_nothing_to_stdout()
    {
        string bad = _dir.Write("bad.mpol", SyntaxError);
        string output = Path.Combine(_dir.Path, "mpolc.sarif");
        var run = MpolcRunner.Run("check", "--format", "sarif", "-o", output, bad);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("", run.Stdout);
        using var document = JsonDocument.Parse(File.ReadAllText(output));
        var result = Assert.Single(document.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray());
        Assert.Equal("MP1001", result.GetProperty("ruleId").GetString());
        var region = result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        Assert.Equal(1, region.GetProperty("startLine").GetInt32());
        Assert.Equal(24, region.GetProperty("startColumn").GetInt32());
    }

    [Fact]
    public void Includes_resolve_relative_to_the_input_and_from_the_standard_library()
    {
        _dir.Write(Path.Combine("sets", "tv.mpol"), "groups tv-base { 232.10.0.0/16; }\n");
        string policy = _dir.Write("site.mpol", "include \"std/msdp-bcp.mpol\";\ninclude \"sets/tv.mpol\";\ngroups tv { tv-base; }\n");
        var run = MpolcRunner.Run("check", "--today", "2026-11-01", policy);

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Theory]
    [InlineData("std/msdp-bcp.mpol")]
    [InlineData("std/bogons.mpol")]
    public void Standard_library_files_check_clean(string stdFile)
    {
        var run = MpolcRunner.Run("check", "--werror", stdFile);

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public void Inline_secret_never_appears_in_any_format()
    {
        string policy = _dir.Write("secret.mpol",
            "device r1 platform ios-xe {\n  msdp { peer 192.0.2.1 as 64500 { sa-limit 10; auth md5 secret \"hunter2-xyzzy\"; } }\n}\n");

        foreach (var format in new[] { "text", "json", "sarif" })
        {
            var run = MpolcRunner.Run("check", "--format", format, policy);
            Assert.Contains("MP3021", run.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2-xyzzy", run.Stdout + run.Stderr, StringComparison.Ordinal);
        }
    }
}
