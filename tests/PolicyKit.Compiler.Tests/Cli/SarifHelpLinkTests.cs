using System.Text.Json;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>SARIF help links lead to the documentation of the code, not to a placeholder host.</summary>
public sealed class SarifHelpLinkTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static List<(string Id, string HelpUri)> Rules(string sarif)
    {
        using var document = JsonDocument.Parse(sarif);
        var driver = document.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver");
        return driver.GetProperty("rules").EnumerateArray().Select(r => (r.GetProperty("id").GetString()!, r.GetProperty("helpUri").GetString()!)).ToList();
    }

    [Fact]
    public void Each_help_link_is_the_shipped_docs_file_and_its_anchor_exists()
    {
        string policy = _dir.Write("a.mpol", "groups x { 232.0.0.0/8 }\n");   // a syntax error
        var run = MpolcRunner.Run("check", "--format", "sarif", policy);
        Assert.True(run.ExitCode == 1, run.ToString());

        var rules = Rules(run.Stdout);
        Assert.NotEmpty(rules);
        foreach (var (id, helpUri) in rules)
        {
            var uri = new Uri(helpUri);
            Assert.True(uri.IsFile, helpUri);
            Assert.DoesNotContain(".example", helpUri, StringComparison.Ordinal);
            Assert.True(File.Exists(uri.LocalPath), $"{helpUri}: no such file");
            // The same text as the repository's docs, with a section for the code.
            string text = File.ReadAllText(uri.LocalPath);
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "diagnostics.md")), text);
            // The anchor a Markdown renderer gives the code's heading.
            string heading = text.Split('\n').Single(l => l.StartsWith($"### {id} ", StringComparison.Ordinal));
            Assert.StartsWith("#" + id.ToLowerInvariant() + "--", uri.Fragment, StringComparison.Ordinal);
            Assert.Equal("#" + Output.DiagnosticDocsAnchors.Slug(heading[4..]), uri.Fragment);
        }
    }

    [Theory]
    [InlineData("MP1001 — Syntax error", "mp1001--syntax-error")]
    [InlineData("MP2001 — Unknown name (did you mean …?)", "mp2001--unknown-name-did-you-mean-")]
    public void Anchors_follow_the_markdown_heading_rule(string heading, string anchor) =>
        Assert.Equal(anchor, Output.DiagnosticDocsAnchors.Slug(heading));

    [Fact]
    public void A_ci_names_where_it_serves_the_docs()
    {
        string policy = _dir.Write("a.mpol", "groups x { 232.0.0.0/8 }\n");
        var stdout = new StringWriter { NewLine = "\n" };
        var context = new PolicyKit.Mpolc.CliContext(stdout, TextWriter.Null, false,
            name => name == "MPOLC_DOCS_URI" ? "https://git.example.org/org/policykit/blob/main/docs" : null);
        Assert.Equal(1, PolicyKit.Mpolc.Program.Run(["check", "--format", "sarif", policy], context));

        foreach (var (id, helpUri) in Rules(stdout.ToString()))
        {
            Assert.StartsWith($"https://git.example.org/org/policykit/blob/main/docs/diagnostics.md#{id.ToLowerInvariant()}--", helpUri, StringComparison.Ordinal);
        }
    }
}
