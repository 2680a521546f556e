using System.Text.Json;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Output;
using PolicyKit.Compiler.Text;
using static PolicyKit.Compiler.Tests.Cli.DiagnosticFactory;

namespace PolicyKit.Compiler.Tests.Cli;

public class JsonDiagnosticFormatterTests
{
    private static readonly SourceFile File = new("policies/a.mpol", "filter f {\n  permit any;\n  deny groups tv-sd;\n}\n");

    private static string Render(DiagnosticReport report)
    {
        var writer = new StringWriter();
        new JsonDiagnosticFormatter().Write(writer, report);
        return writer.ToString();
    }

    private static DiagnosticReport Sample() => new(["policies/a.mpol", "b.mpol"],
    [
        Make(SpanOf(File, "tv-sd"), hint: "did you mean 'tv-hd'?"),
        Make(SpanOf(File, "deny groups tv-sd;"), "MP3008", DiagnosticSeverity.Warning, "rule 2 never matches")
            with { Related = [(SpanOf(File, "permit any;"), "rule 1 is here")] },
    ]);

    [Fact]
    public void Document_has_version_files_diagnostics_and_counts()
    {
        using var document = JsonDocument.Parse(Render(Sample()));
        var root = document.RootElement;

        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(["policies/a.mpol", "b.mpol"], root.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(2, root.GetProperty("diagnostics").GetArrayLength());
        Assert.Equal(1, root.GetProperty("errors").GetInt32());
        Assert.Equal(1, root.GetProperty("warnings").GetInt32());
    }

    [Fact]
    public void Diagnostic_has_code_severity_message_hint_and_a_one_based_range()
    {
        using var document = JsonDocument.Parse(Render(Sample()));
        var first = document.RootElement.GetProperty("diagnostics")[0];

        Assert.Equal("MP2001", first.GetProperty("code").GetString());
        Assert.Equal("error", first.GetProperty("severity").GetString());
        Assert.Equal("unknown group 'tv-sd'", first.GetProperty("message").GetString());
        Assert.Equal("did you mean 'tv-hd'?", first.GetProperty("hint").GetString());
        Assert.Equal("policies/a.mpol", first.GetProperty("file").GetString());
        Assert.Equal(3, first.GetProperty("line").GetInt32());
        Assert.Equal(15, first.GetProperty("column").GetInt32());
        Assert.Equal(3, first.GetProperty("endLine").GetInt32());
        Assert.Equal(20, first.GetProperty("endColumn").GetInt32());
        Assert.Equal(0, first.GetProperty("related").GetArrayLength());
    }

    [Fact]
    public void Absent_hint_is_null_and_related_locations_are_listed()
    {
        using var document = JsonDocument.Parse(Render(Sample()));
        var second = document.RootElement.GetProperty("diagnostics")[1];

        Assert.Equal("warning", second.GetProperty("severity").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("hint").ValueKind);
        var related = Assert.Single(second.GetProperty("related").EnumerateArray());
        Assert.Equal("rule 1 is here", related.GetProperty("message").GetString());
        Assert.Equal("policies/a.mpol", related.GetProperty("file").GetString());
        Assert.Equal(2, related.GetProperty("line").GetInt32());
        Assert.Equal(3, related.GetProperty("column").GetInt32());
    }

    [Fact]
    public void Text_is_readable_not_escaped()
    {
        string json = Render(Sample());

        // The default encoder would write ' as \u0027.
        Assert.Contains("\"unknown group 'tv-sd'\"", json, StringComparison.Ordinal);
        Assert.Contains("\n  \"version\": 1,", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_report_is_a_valid_document()
    {
        using var document = JsonDocument.Parse(Render(new DiagnosticReport(["a.mpol"], [])));

        Assert.Equal(0, document.RootElement.GetProperty("diagnostics").GetArrayLength());
        Assert.Equal(0, document.RootElement.GetProperty("errors").GetInt32());
    }

    [Fact]
    public void Diagnostic_without_a_file_has_null_location()
    {
        var report = new DiagnosticReport(["a.mpol"], [new Diagnostic("MP1003", DiagnosticSeverity.Error, "not found", default)]);
        using var document = JsonDocument.Parse(Render(report));
        var diagnostic = document.RootElement.GetProperty("diagnostics")[0];

        Assert.Equal(JsonValueKind.Null, diagnostic.GetProperty("file").ValueKind);
        Assert.Equal(JsonValueKind.Null, diagnostic.GetProperty("line").ValueKind);
    }
}
