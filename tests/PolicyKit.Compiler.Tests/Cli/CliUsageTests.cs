using PolicyKit.Compiler.Output;
using PolicyKit.Mpolc;
using PolicyKit.Mpolc.Commands;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>Exit codes and messages of mpolc for usage and I/O errors: none of these reach the policy checks.</summary>
public sealed class CliUsageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Missing_input_file_is_exit_2_with_one_line_on_stderr()
    {
        string missing = Path.Combine(_dir.Path, "x.mpol");
        var run = MpolcRunner.Run("check", missing);

        Assert.True(run.ExitCode == ExitCodes.UsageOrIoError, run.ToString());
        Assert.Equal($"mpolc: error: cannot read '{missing}': no such file\n", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void One_missing_input_among_several_stops_before_checking_any()
    {
        string present = _dir.Write("a.mpol", "groups x { 232.0.0.0/8; }\n");
        string missing = Path.Combine(_dir.Path, "nope", "b.mpol");
        var run = MpolcRunner.Run("check", present, missing);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"cannot read '{missing}': no such file", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void A_directory_as_input_is_exit_2()
    {
        var run = MpolcRunner.Run("check", _dir.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("not a regular file (a directory)", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_standard_library_file_is_exit_2()
    {
        var run = MpolcRunner.Run("check", "std/no-such-list.mpol");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("mpolc: error: cannot read 'std/no-such-list.mpol':", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-13-01")]
    [InlineData("2026-02-30")]
    [InlineData("01/02/2026")]
    [InlineData("2026-1-2")]
    [InlineData("tomorrow")]
    public void Bad_today_is_exit_2(string today)
    {
        string policy = _dir.Write("a.mpol", "groups x { 232.0.0.0/8; }\n");
        var run = MpolcRunner.Run("check", "--today", today, policy);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"mpolc: error: invalid date '{today}' for --today: expected YYYY-MM-DD", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("JSON")]
    [InlineData("")]
    public void Unknown_format_is_exit_2(string format)
    {
        string policy = _dir.Write("a.mpol", "groups x { 232.0.0.0/8; }\n");
        var run = MpolcRunner.Run("check", "--format", format, policy);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"unknown value '{format}' for --format: expected text, json or sarif", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_option_is_exit_2()
    {
        string policy = _dir.Write("a.mpol", "groups x { 232.0.0.0/8; }\n");
        var run = MpolcRunner.Run("check", "--no-such-option", policy);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("mpolc: error: unknown option '--no-such-option'\n", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try 'mpolc check --help'", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void No_command_and_no_files_are_exit_2()
    {
        Assert.Equal(2, MpolcRunner.Run().ExitCode);
        Assert.Equal(2, MpolcRunner.Run("check").ExitCode);
        Assert.Equal(2, MpolcRunner.Run("frobnicate").ExitCode);
    }

    [Fact]
    public void Version_prints_the_tool_version()
    {
        var run = MpolcRunner.Run("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"mpolc {ToolInfo.Version}\n", run.Stdout);
        Assert.Matches(@"^mpolc \d+\.\d+\.\d+", run.Stdout);
    }

    [Fact]
    public void Help_lists_the_check_command_and_exit_codes()
    {
        var root = MpolcRunner.Run("--help");
        var check = MpolcRunner.Run("check", "--help");

        Assert.Equal(0, root.ExitCode);
        Assert.Contains("check", root.Stdout, StringComparison.Ordinal);
        Assert.Contains("Exit codes", root.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, check.ExitCode);
        foreach (var option in new[] { "--format", "--werror", "--today", "--output", "--color" })
        {
            Assert.Contains(option, check.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Unwritable_output_file_is_exit_2()
    {
        string policy = _dir.Write("a.mpol", "groups x { 232.0.0.0/8; }\n");
        string output = Path.Combine(_dir.Path, "no-such-dir", "out.sarif");
        var run = MpolcRunner.Run("check", "--format", "sarif", "--output", output, policy);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"mpolc: error: cannot write '{output}': no such file\n", run.Stderr);
    }

    [Theory]
    [InlineData("auto", true, null, null, false, true)]
    [InlineData("auto", false, null, null, false, false)]   // piped or captured
    [InlineData("auto", true, "1", null, false, false)]     // NO_COLOR set
    [InlineData("auto", true, "", null, false, true)]       // NO_COLOR empty counts as unset
    [InlineData("auto", true, null, "dumb", false, false)]
    [InlineData("auto", true, null, null, true, false)]     // --output FILE
    [InlineData("always", false, "1", null, true, true)]    // explicit wins
    [InlineData("never", true, null, null, false, false)]
    public void Colour_follows_terminal_NO_COLOR_and_the_option(string mode, bool terminal, string? noColor, string? term, bool toFile, bool expected)
    {
        var environment = new Dictionary<string, string?> { ["NO_COLOR"] = noColor, ["TERM"] = term };
        var context = new CliContext(TextWriter.Null, TextWriter.Null, terminal, name => environment.GetValueOrDefault(name));

        Assert.Equal(expected, ReportOptions.UseColor(Enum.Parse<ColorMode>(mode, ignoreCase: true), context, toFile));
    }

    [Fact]
    public void A_captured_stdout_gets_no_colour_by_default()
    {
        string policy = _dir.Write("a.mpol", "groups x { 232.0.0.0/8 }\n");
        var run = MpolcRunner.Run("check", policy);

        Assert.DoesNotContain('\u001b', run.Stdout);
        Assert.Contains('\u001b', MpolcRunner.Run("check", "--color", "always", policy).Stdout);
    }
}
