using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Output;
using PolicyKit.Compiler.Text;
using static PolicyKit.Compiler.Tests.Cli.DiagnosticFactory;

namespace PolicyKit.Compiler.Tests.Cli;

public class TextDiagnosticFormatterTests
{
    private static string[] Render(DiagnosticReport report, bool color = false)
    {
        var writer = new StringWriter { NewLine = "\n" };
        new TextDiagnosticFormatter(color).Write(writer, report);
        return writer.ToString().Split('\n');
    }

    private static string[] Render(params Diagnostic[] diagnostics) =>
        Render(new DiagnosticReport(["a.mpol"], diagnostics));

    /// <summary>The text after the gutter (" 12 | ") of a snippet line.</summary>
    private static string AfterGutter(string line)
    {
        int bar = line.IndexOf(" | ", StringComparison.Ordinal);
        Assert.True(bar >= 0, $"no gutter in '{line}'");
        return line[(bar + 3)..];
    }

    [Fact]
    public void Header_names_file_line_column_severity_code_and_message()
    {
        var file = new SourceFile("a.mpol", "groups x {\n  permit groups tv-sd;\n}\n");
        var lines = Render(Make(SpanOf(file, "tv-sd")));

        Assert.Equal("a.mpol:2:17: error MP2001: unknown group 'tv-sd'", lines[0]);
    }

    [Fact]
    public void Source_line_is_quoted_and_carets_underline_the_span()
    {
        var file = new SourceFile("a.mpol", "groups x {\n  permit groups tv-sd;\n}\n");
        var lines = Render(Make(SpanOf(file, "tv-sd")));

        Assert.Equal(" 2 |   permit groups tv-sd;", lines[1]);
        Assert.Equal("                ^~~~~", AfterGutter(lines[2]));
        // The caret sits under the span's first character, in the same column as in the source line.
        Assert.Equal(lines[1].IndexOf("tv-sd", StringComparison.Ordinal), lines[2].IndexOf('^'));
    }

    [Fact]
    public void Gutter_is_as_wide_as_the_line_number()
    {
        var text = string.Concat(Enumerable.Repeat("\n", 11)) + "groups y { 10.0.0.0/8; }\n";
        var file = new SourceFile("a.mpol", text);
        var lines = Render(Make(SpanOf(file, "10.0.0.0/8")));

        Assert.StartsWith(" 12 | groups y", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("    | ", lines[2], StringComparison.Ordinal);
        Assert.Equal(lines[1].IndexOf("10.0.0.0/8", StringComparison.Ordinal), lines[2].IndexOf('^'));
    }

    [Fact]
    public void Tabs_before_the_span_are_kept_so_carets_align_at_any_tab_width()
    {
        var file = new SourceFile("a.mpol", "\tpermit\tgroups tv;\n");
        var lines = Render(Make(SpanOf(file, "tv")));

        Assert.Equal("\tpermit\tgroups tv;", AfterGutter(lines[1]));
        Assert.Equal("\t      \t       ^~", AfterGutter(lines[2]));
    }

    [Fact]
    public void Hint_line_follows_the_snippet_when_there_is_a_hint()
    {
        var file = new SourceFile("a.mpol", "groups x { 232.0.0.0/8 }\n");
        var lines = Render(Make(SpanOf(file, "}"), "MP1001", message: "missing ';'", hint: "end each statement with ';'"));

        Assert.Equal("  hint: end each statement with ';'", lines[3]);
    }

    [Fact]
    public void No_hint_line_without_a_hint()
    {
        var file = new SourceFile("a.mpol", "groups x { 232.0.0.0/8 }\n");
        var lines = Render(Make(SpanOf(file, "}")));

        Assert.DoesNotContain(lines, l => l.Contains("hint:", StringComparison.Ordinal));
    }

    [Fact]
    public void Related_locations_are_notes_with_their_own_file_line_column()
    {
        var file = new SourceFile("a.mpol", "filter f {\n  permit any;\n  deny groups tv;\n}\n");
        var diagnostic = Make(SpanOf(file, "deny groups tv;"), "MP3008", DiagnosticSeverity.Warning, "rule 2 never matches: rule 1 matches everything it does", "remove it")
            with { Related = [(SpanOf(file, "permit any;"), "rule 1 is here")] };
        var lines = Render(diagnostic);

        Assert.Equal("a.mpol:3:3: warning MP3008: rule 2 never matches: rule 1 matches everything it does", lines[0]);
        Assert.Equal("  hint: remove it", lines[3]);
        Assert.Equal("  a.mpol:2:3: note: rule 1 is here", lines[4]);
    }

    [Fact]
    public void A_span_over_several_lines_is_underlined_to_the_end_of_its_first_line()
    {
        var file = new SourceFile("a.mpol", "device r1 {\n  x;\n}\n");
        var span = new SourceSpan(file, 0, file.Text.Length - 1);
        var lines = Render(Make(span));

        Assert.Equal(" 1 | device r1 {", lines[1]);
        Assert.Equal("^" + new string('~', "device r1 {".Length - 1), AfterGutter(lines[2]));
    }

    [Fact]
    public void An_empty_span_gets_one_caret_even_at_the_end_of_the_line()
    {
        var file = new SourceFile("a.mpol", "groups x { 232.0.0.0/8\n");
        var span = new SourceSpan(file, "groups x { 232.0.0.0/8".Length, 0);
        var lines = Render(Make(span));

        Assert.Equal("a.mpol:1:23: error MP2001: unknown group 'tv-sd'", lines[0]);
        Assert.Equal(new string(' ', 22) + "^", AfterGutter(lines[2]));
    }

    [Fact]
    public void A_character_outside_the_BMP_takes_one_column()
    {
        var file = new SourceFile("a.mpol", "# 📺 tv\ngroups tv { x; }\n");
        var lines = Render(Make(SpanOf(file, "tv")));

        // "# 📺 " is four characters on screen but five UTF-16 units.
        Assert.Equal("    ^~", AfterGutter(lines[2]));
    }

    [Fact]
    public void Inline_secrets_are_masked_in_the_snippet_and_carets_still_align()
    {
        var file = new SourceFile("a.mpol", "  keychain k { key 1 secret \"hunter2\"; }\n  auth md5 secret env(\"MSDP_P1\");\n");
        var report = new DiagnosticReport(["a.mpol"],
        [
            Make(SpanOf(file, "\"hunter2\""), "MP3021", DiagnosticSeverity.Warning, "a secret is written inline in the policy"),
            Make(SpanOf(file, "; }"), "MP1001"),
            Make(SpanOf(file, "env"), "MP3023", DiagnosticSeverity.Warning, "MSDP peer has no authentication"),
        ]);
        var lines = Render(report);
        string all = string.Join('\n', lines);

        Assert.DoesNotContain("hunter2", all, StringComparison.Ordinal);
        Assert.Contains(" 1 |   keychain k { key 1 secret \"*******\"; }", lines);
        Assert.Equal(lines[1].IndexOf("\"*******\"", StringComparison.Ordinal), lines[2].IndexOf('^'));
        // env("…") is a reference, not a secret: shown as written.
        Assert.Contains(" 2 |   auth md5 secret env(\"MSDP_P1\");", lines);
    }

    /// <summary>
    /// A policy on one long line (issue 14, finding 7: 10 MB on one line) must not be printed whole
    /// under each diagnostic — that output is quadratic in the file. The snippet is a window
    /// around the span, marked with '…', and the caret still sits under the span.
    /// </summary>
    [Fact]
    public void A_very_long_line_is_shown_as_a_window_around_the_span()
    {
        string prefix = string.Concat(Enumerable.Repeat("groups g { 232.1.1.1; } ", 40_000));
        var file = new SourceFile("a.mpol", prefix + "groups bad { 232.1.1.1/24; } " + prefix + "\n");
        var report = new DiagnosticReport(["a.mpol"], [Make(SpanOf(file, "232.1.1.1/24"), "MP1006", DiagnosticSeverity.Warning, "host bits")]);
        var lines = Render(report);
        Assert.StartsWith(" 1 | …", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("…", lines[1], StringComparison.Ordinal);
        Assert.InRange(lines[1].Length, 100, TextDiagnosticFormatter.MaxSnippetWidth + 10);
        Assert.Equal(lines[1].IndexOf("232.1.1.1/24", StringComparison.Ordinal), lines[2].IndexOf('^'));
        Assert.Equal("^" + new string('~', "232.1.1.1/24".Length - 1), lines[2].Trim().TrimStart('|').Trim());
    }

    [Fact]
    public void Summary_counts_errors_warnings_and_files_with_plurals()
    {
        var file = new SourceFile("a.mpol", "x y z\n");
        var report = new DiagnosticReport(["a.mpol", "b.mpol", "c.mpol"],
        [
            Make(SpanOf(file, "x")),
            Make(SpanOf(file, "y")),
            Make(SpanOf(file, "z"), severity: DiagnosticSeverity.Warning),
        ]);

        Assert.Equal("2 errors, 1 warning in 3 files", Render(report)[^2]);
        Assert.Equal("0 errors, 0 warnings in 1 file", Render(new DiagnosticReport(["a.mpol"], []))[0]);
    }

    [Fact]
    public void No_colour_unless_asked_and_colour_only_adds_escape_sequences()
    {
        var file = new SourceFile("a.mpol", "\tgroups x { 232.0.0.0/8 }\n");
        var report = new DiagnosticReport(["a.mpol"], [Make(SpanOf(file, "}"), hint: "add ';'")]);

        var plain = Render(report);
        var colored = Render(report, color: true);

        Assert.DoesNotContain(plain, l => l.Contains('\u001b'));
        Assert.Contains(colored, l => l.Contains("\u001b[", StringComparison.Ordinal));
        var stripped = colored.Select(l => System.Text.RegularExpressions.Regex.Replace(l, "\u001b\\[[0-9;]*m", "")).ToArray();
        Assert.Equal(plain, stripped);
    }

    [Fact]
    public void A_diagnostic_without_a_file_is_reported_without_a_place()
    {
        var diagnostic = new Diagnostic("MP1003", DiagnosticSeverity.Error, "included file 'x.mpol' was not found", default);
        var lines = Render(diagnostic);

        Assert.Equal("error MP1003: included file 'x.mpol' was not found", lines[0]);
        Assert.Equal("1 error, 0 warnings in 1 file", lines[1]);
    }
}
