using System.Text.Json;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Output;
using PolicyKit.Compiler.Text;
using static PolicyKit.Compiler.Tests.Cli.DiagnosticFactory;

namespace PolicyKit.Compiler.Tests.Cli;

public class SarifDiagnosticFormatterTests
{
    // Paths are resolved against this base; it need not exist.
    private static readonly string Base = Path.Combine(Path.GetTempPath(), "sarif-base");

    private static JsonDocument Render(DiagnosticReport report, string? baseDirectory = null)
    {
        var writer = new StringWriter();
        new SarifDiagnosticFormatter(new SarifOptions { BaseDirectory = baseDirectory ?? Base, ToolVersion = "9.8.7" }).Write(writer, report);
        return JsonDocument.Parse(writer.ToString());
    }

    private static JsonElement Run(JsonDocument document) => Assert.Single(document.RootElement.GetProperty("runs").EnumerateArray());

    private static DiagnosticReport Sample()
    {
        var policy = new SourceFile(Path.Combine(Base, "sites", "bng 1.mpol"), "filter f {\n  permit any;\n  deny groups tv-sd;\n}\n");
        var std = new SourceFile("std/msdp-bcp.mpol", "sources bogus { 10.0.0.0/8; }\n");
        return new DiagnosticReport([policy.Path],
        [
            Make(SpanOf(policy, "tv-sd"), hint: "did you mean 'tv-hd'?"),
            Make(SpanOf(policy, "deny groups tv-sd;"), "MP3008", DiagnosticSeverity.Warning, "rule 2 never matches")
                with { Related = [(SpanOf(policy, "permit any;"), "rule 1 is here")] },
            Make(SpanOf(std, "bogus"), "MP2001", message: "unknown group 'bogus'"),
            Make(SpanOf(std, "10.0.0.0/8"), "MP9000", DiagnosticSeverity.Info, "for your information"),
        ]);
    }

    [Fact]
    public void Log_has_schema_version_and_one_run()
    {
        using var document = Render(Sample());
        var root = document.RootElement;

        Assert.Equal("https://json.schemastore.org/sarif-2.1.0.json", root.GetProperty("$schema").GetString());
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Equal(1, root.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public void Driver_names_the_tool_and_lists_one_rule_per_code_used()
    {
        using var document = Render(Sample());
        var driver = Run(document).GetProperty("tool").GetProperty("driver");

        Assert.Equal("mpolc", driver.GetProperty("name").GetString());
        Assert.Equal("9.8.7", driver.GetProperty("version").GetString());
        Assert.True(Uri.TryCreate(driver.GetProperty("informationUri").GetString(), UriKind.Absolute, out _));

        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(["MP2001", "MP3008", "MP9000"], rules.Select(r => r.GetProperty("id").GetString()));
        foreach (var rule in rules)
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("shortDescription").GetProperty("text").GetString()));
            string helpUri = rule.GetProperty("helpUri").GetString()!;
            Assert.True(Uri.TryCreate(helpUri, UriKind.Absolute, out _), helpUri);
            Assert.Contains("docs/diagnostics.md#" + rule.GetProperty("id").GetString()!.ToLowerInvariant(), helpUri, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Rules_of_catalogue_codes_are_named_after_their_catalogue_method()
    {
        var file = new SourceFile("a.mpol", "x\n");
        var syntaxError = DiagnosticCatalog.Instance.SyntaxError("missing ';'", null).At(new SourceSpan(file, 0, 1));
        using var document = Render(new DiagnosticReport(["a.mpol"], [syntaxError]));
        var rule = Assert.Single(Run(document).GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray());

        Assert.Equal("SyntaxError", rule.GetProperty("name").GetString());
        Assert.Equal("Syntax error", rule.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Equal("error", rule.GetProperty("defaultConfiguration").GetProperty("level").GetString());
    }

    [Fact]
    public void Every_catalogue_code_has_a_rule_named_after_its_method()
    {
        // The rules are found by calling each catalogue method with placeholders made without
        // reflection-built instances (a Native AOT mpolc cannot make those): none may be skipped.
        var missing = Tests.Diagnostics.DiagnosticCatalogTests.Entries()
            .Where(e => DiagnosticRules.Find(e.Template.Code) is not { } rule
                || rule.Name != e.Method.Name || rule.DefaultSeverity != e.Template.Severity)
            .Select(e => $"{e.Template.Code} ({e.Method.Name})")
            .ToList();
        Assert.True(missing.Count == 0, "codes without their SARIF rule: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("GroupNotMulticast", "Group not multicast")]
    [InlineData("BmpTlsNotMutual", "BMP TLS not mutual")]
    [InlineData("InterDomainMsdpPeerWithoutSaLimit", "Inter domain MSDP peer without SA limit")]
    [InlineData("KeyTooOld", "Key too old")]
    public void Rule_descriptions_read_as_prose(string name, string description) =>
        Assert.Equal(description, DiagnosticRules.Describe(name));

    [Fact]
    public void Results_carry_rule_level_message_with_hint_and_one_based_region()
    {
        using var document = Render(Sample());
        var results = Run(document).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(4, results.Count);

        var first = results[0];
        Assert.Equal("MP2001", first.GetProperty("ruleId").GetString());
        Assert.Equal(0, first.GetProperty("ruleIndex").GetInt32());
        Assert.Equal("error", first.GetProperty("level").GetString());
        string message = first.GetProperty("message").GetProperty("text").GetString()!;
        Assert.StartsWith("unknown group 'tv-sd'", message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'tv-hd'?", message, StringComparison.Ordinal);

        var physical = Assert.Single(first.GetProperty("locations").EnumerateArray()).GetProperty("physicalLocation");
        Assert.Equal("sites/bng%201.mpol", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        var region = physical.GetProperty("region");
        Assert.Equal(3, region.GetProperty("startLine").GetInt32());
        Assert.Equal(15, region.GetProperty("startColumn").GetInt32());
        Assert.Equal(3, region.GetProperty("endLine").GetInt32());
        Assert.Equal(20, region.GetProperty("endColumn").GetInt32());

        Assert.Equal("warning", results[1].GetProperty("level").GetString());
        Assert.Equal(1, results[1].GetProperty("ruleIndex").GetInt32());
        Assert.Equal("note", results[3].GetProperty("level").GetString());
    }

    [Fact]
    public void Related_locations_have_ids_messages_and_regions()
    {
        using var document = Render(Sample());
        var result = Run(document).GetProperty("results")[1];
        var related = Assert.Single(result.GetProperty("relatedLocations").EnumerateArray());

        Assert.Equal(0, related.GetProperty("id").GetInt32());
        Assert.Equal("rule 1 is here", related.GetProperty("message").GetProperty("text").GetString());
        var region = related.GetProperty("physicalLocation").GetProperty("region");
        Assert.Equal(2, region.GetProperty("startLine").GetInt32());
        Assert.Equal(3, region.GetProperty("startColumn").GetInt32());
        Assert.Equal(2, region.GetProperty("endLine").GetInt32());
        Assert.Equal(14, region.GetProperty("endColumn").GetInt32());
        Assert.False(Run(document).GetProperty("results")[0].TryGetProperty("relatedLocations", out _));
    }

    [Fact]
    public void Standard_library_files_keep_their_std_path()
    {
        using var document = Render(Sample());
        var result = Run(document).GetProperty("results")[2];
        string uri = result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()!;

        Assert.Equal("std/msdp-bcp.mpol", uri);
    }

    [Fact]
    public void Relative_input_paths_use_forward_slashes_and_files_outside_the_base_are_file_uris()
    {
        var formatter = new SarifDiagnosticFormatter(new SarifOptions { BaseDirectory = Base });
        string outside = Path.Combine(Path.GetTempPath(), "elsewhere", "x.mpol");

        Assert.Equal("policies/examples/bng.mpol", formatter.ArtifactUri(Path.Combine("policies", "examples", "bng.mpol")));
        Assert.Equal("policies/bng.mpol", formatter.ArtifactUri("./policies/./bng.mpol"));
        Assert.Equal(new Uri(outside).AbsoluteUri, formatter.ArtifactUri(outside));
        Assert.StartsWith("file://", formatter.ArtifactUri("../x.mpol"), StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_report_still_has_the_required_structure()
    {
        using var document = Render(new DiagnosticReport(["a.mpol"], []));
        var run = Run(document);

        Assert.Equal(0, run.GetProperty("results").GetArrayLength());
        Assert.Equal(0, run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength());
    }
}
