using System.Text.Json;
using PolicyKit.Mpolc;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>
/// Suppressing one code at one place with a reason (<c>// mpol-allow MP3008: why</c>): silenced
/// there only, never for an error, and reported as suppressed in JSON and SARIF.
/// </summary>
public sealed class SuppressionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // Rule 2 is shadowed by rule 1: MP3008 at line 3.
    private const string Shadowed = """
        filter channels {
            permit groups 232.0.0.0/8;
            deny groups 232.10.9.0/24;{0}
        }

        """;

    private string Policy(string sameLine = "", string lineAbove = "")
    {
        string text = Shadowed.Replace("{0}", sameLine, StringComparison.Ordinal);
        if (lineAbove.Length > 0) text = text.Replace("    deny groups", $"    {lineAbove}\n    deny groups", StringComparison.Ordinal);
        return _dir.Write("p.mpol", text);
    }

    [Fact]
    public void Without_a_suppression_the_warning_stands_and_werror_fails()
    {
        string policy = Policy();
        var run = MpolcRunner.Run("check", policy);
        Assert.Contains("warning MP3008", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.PolicyErrors, MpolcRunner.Run("check", "--werror", policy).ExitCode);
    }

    [Theory]
    [InlineData(" // mpol-allow MP3008: kept for the old set-top boxes until 2027", "")]
    [InlineData("", "// mpol-allow MP3008: kept for the old set-top boxes until 2027")]
    public void A_suppression_with_a_reason_silences_that_code_at_that_place(string sameLine, string lineAbove)
    {
        string policy = Policy(sameLine, lineAbove);
        var run = MpolcRunner.Run("check", "--werror", policy);
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.DoesNotContain("MP3008", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 errors, 0 warnings in 1 file (1 suppressed in the policy)", run.Stdout, StringComparison.Ordinal);

        var sarif = MpolcRunner.Run("check", "--format", "sarif", policy);
        using var document = JsonDocument.Parse(sarif.Stdout);
        var result = Assert.Single(document.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray());
        Assert.Equal("MP3008", result.GetProperty("ruleId").GetString());
        var suppression = Assert.Single(result.GetProperty("suppressions").EnumerateArray());
        Assert.Equal("inSource", suppression.GetProperty("kind").GetString());
        Assert.Equal("kept for the old set-top boxes until 2027", suppression.GetProperty("justification").GetString());

        var json = MpolcRunner.Run("check", "--format", "json", policy);
        using var jsonDocument = JsonDocument.Parse(json.Stdout);
        var diagnostic = Assert.Single(jsonDocument.RootElement.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("kept for the old set-top boxes until 2027", diagnostic.GetProperty("suppressed").GetString());
    }

    [Theory]
    [InlineData(" // mpol-allow MP3010: wrong code", "")]                     // another code
    [InlineData(" // mpol-allow MP3008:", "")]                                // no reason
    [InlineData(" // mpol-allow MP3008", "")]                                 // no reason, no colon
    [InlineData("", "permit groups 239.0.0.0/8; // mpol-allow MP3008: not alone on its line")]
    public void Anything_else_suppresses_nothing(string sameLine, string lineAbove)
    {
        var run = MpolcRunner.Run("check", "--werror", Policy(sameLine, lineAbove));
        Assert.True(run.ExitCode == ExitCodes.PolicyErrors, run.ToString());
        Assert.Contains("MP3008", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("suppressed", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_cannot_be_suppressed()
    {
        // MP2001: an unknown name, an error.
        string policy = _dir.Write("e.mpol", "filter f { permit groups nosuch; } // mpol-allow MP2001: trying\n");
        var run = MpolcRunner.Run("check", policy);
        Assert.True(run.ExitCode == ExitCodes.PolicyErrors, run.ToString());
        Assert.Contains("error MP2", run.Stdout, StringComparison.Ordinal);
    }
}
