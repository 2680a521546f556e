using System.Text.RegularExpressions;
using PolicyKit.Compiler.Language;

namespace PolicyKit.Compiler.Tests.Language;

/// <summary>
/// The language server's answers as pure functions of the text (PolicyDocument): definition,
/// references, hover and completion, over policies held in memory as an editor holds them.
/// </summary>
public sealed class PolicyDocumentTests
{
    private const string Folder = "/nonexistent-policykit-lsp-tests";
    private static readonly string RootPath = Folder + "/p.mpol";

    private const string Policy = """
        groups tv-sd { 232.10.0.0/16; except 232.10.9.0/24; }
        groups tv-hd { 232.11.0.0/16; }
        groups tv-all { tv-sd; tv-hd; }
        filter tv-only { permit groups tv-all; deny any; }
        class sd { match groups tv-sd; cost 4Mbps; }
        profile edge { igmp { access tv-only; limit 10 except tv-hd; } state-limit out 100Mbps groups tv-sd classes sd; }
        device pe-1 platform ios-xe {
            interface "Gi0/0/1" uses edge;
            keychain peers { key 1 secret env("K1") valid 2026-01-01..2026-12-31; }
            bgp as 64496 { neighbor 192.0.2.1 as 64500 { max-prefix 10; auth tcp-ao keychain peers; } }
        }
        device pe-2 platform ios-xr {
            keychain peers { key 1 secret env("K2") valid 2026-01-01..2026-12-31; }
            bgp as 64496 { neighbor 192.0.2.2 as 64500 { max-prefix 10; auth tcp-ao keychain peers; } }
        }
        test "admits tv" device pe-1 { expect permit "join Gi0/0/1 232.10.1.1 source 198.51.100.1"; }
        """;

    private static PolicyDocument Analyze(string text, Dictionary<string, string>? others = null)
    {
        var open = new Dictionary<string, string>(others ?? [], StringComparer.Ordinal) { [RootPath] = text };
        return PolicyDocument.Analyze(RootPath, text, new OpenDocumentsReader(open), new CompilationOptions { Today = new DateOnly(2026, 6, 1) });
    }

    /// <summary>The offset of the <paramref name="nth"/> (0-based) occurrence of <paramref name="word"/> as a whole name, plus <paramref name="into"/>.</summary>
    private static int At(string text, string word, int nth = 0, int into = 1)
    {
        var matches = Regex.Matches(text, $@"(?<![\w.-]){Regex.Escape(word)}(?![\w.-])");
        Assert.True(matches.Count > nth, $"'{word}' occurs {matches.Count} times");
        return matches[nth].Index + into;
    }

    private static (int Line, int Column) LineColumn(Text.SourceSpan span) => span.StartLineColumn;

    [Fact]
    public void Definition_of_a_used_name_is_its_declaration_for_every_kind()
    {
        var document = Analyze(Policy);
        Assert.DoesNotContain(document.Check.Diagnostics, d => d.IsError);
        foreach (var (word, declaredOnLine) in new[] { ("tv-all", 3), ("tv-only", 4), ("sd", 5), ("edge", 6), ("tv-hd", 2) })
        {
            var definition = Assert.Single(document.Definition(At(Policy, word, nth: 1)));
            Assert.Equal((declaredOnLine, word), (LineColumn(definition).Line, definition.Text));
        }
        // The device a test runs on.
        var device = Assert.Single(document.Definition(At(Policy, "pe-1", nth: 1)));
        Assert.Equal(7, LineColumn(device).Line);
    }

    [Fact]
    public void A_keychain_is_found_in_its_own_device_only()
    {
        var document = Analyze(Policy);
        var first = Assert.Single(document.Definition(At(Policy, "peers", nth: 1)));
        var second = Assert.Single(document.Definition(At(Policy, "peers", nth: 3)));
        Assert.Equal(9, LineColumn(first).Line);
        Assert.Equal(13, LineColumn(second).Line);
        Assert.Equal(2, document.References(At(Policy, "peers", nth: 0), includeDeclaration: true).Count);
    }

    [Fact]
    public void References_list_every_use_and_the_declaration_when_asked()
    {
        var document = Analyze(Policy);
        var uses = document.References(At(Policy, "tv-sd"), includeDeclaration: false);
        Assert.Equal([3, 5, 6], uses.Select(u => LineColumn(u).Line));
        Assert.All(uses, u => Assert.Equal("tv-sd", u.Text));
        Assert.Equal(4, document.References(At(Policy, "tv-sd", nth: 2), includeDeclaration: true).Count);
        // Not on a name: nothing.
        Assert.Empty(document.References(Policy.IndexOf("232.11", StringComparison.Ordinal) + 1, includeDeclaration: true));
    }

    [Fact]
    public void Hover_on_a_set_shows_its_resolved_ranges()
    {
        var document = Analyze(Policy);
        var hover = document.Hover(At(Policy, "tv-all", nth: 1));
        Assert.NotNull(hover);
        Assert.Equal("tv-all", hover!.Span.Text);
        Assert.Contains("groups set **tv-all**", hover.Markdown, StringComparison.Ordinal);
        // tv-sd's exception is applied to tv-sd alone (the binder's rule): what is admitted is shown.
        Assert.Contains("232.11.0.0/16", hover.Markdown, StringComparison.Ordinal);
        Assert.Contains("232.10.0.0/", hover.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("232.10.0.0/16\n", hover.Markdown, StringComparison.Ordinal);
        var own = document.Hover(At(Policy, "tv-sd"))!.Markdown;
        Assert.Contains("232.10.0.0/16\nexcept 232.10.9.0/24\n", own, StringComparison.Ordinal);
    }

    [Fact]
    public void Hover_shows_ranges_while_a_check_finds_errors()
    {
        // A group range that is not multicast is an error (MP3001): no model to emit, but the sets are bound.
        string text = Policy + "\ngroups not-multicast { 10.0.0.0/8; }\n";
        var document = Analyze(text);
        Assert.Contains(document.Check.Diagnostics, d => d.Code == "MP3001");
        Assert.Null(document.Check.Model);
        Assert.Contains("232.11.0.0/16", document.Hover(At(text, "tv-hd", nth: 1))!.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_resolve_while_the_file_has_a_syntax_error()
    {
        string text = Policy.Replace("deny any; }", "deny any }", StringComparison.Ordinal);
        var document = Analyze(text);
        Assert.Contains(document.Check.Diagnostics, d => d.Code == "MP1001");
        Assert.Single(document.Definition(At(text, "edge", nth: 1)));
    }

    [Fact]
    public void Completion_offers_the_names_that_fit_and_the_keywords_the_grammar_accepts_there()
    {
        string Labels(string text, int offset, string kind) =>
            string.Join(" ", Analyze(text).Completion(offset).Where(p => p.Kind == kind || kind == "*").Select(p => p.Label));

        // After `classes`: classes only, no keyword (a name is what goes there).
        Assert.Equal("sd", Labels(Policy, At(Policy, "sd", nth: 1), "*"));
        // After `access`: filters.
        Assert.Equal("tv-only", Labels(Policy, At(Policy, "tv-only", nth: 1), "*"));
        // After `uses`: profiles. After `test "…" device`: devices.
        Assert.Equal("edge", Labels(Policy, At(Policy, "edge", nth: 1), "*"));
        Assert.Equal("pe-1 pe-2", Labels(Policy, At(Policy, "pe-1", nth: 1), "*"));
        // In a set's body: sets, and `except`.
        Assert.Equal("tv-all tv-hd tv-sd", Labels(Policy, At(Policy, "tv-hd", nth: 1), "groups set"));
        Assert.Equal("except", Labels(Policy, At(Policy, "tv-hd", nth: 1), "keyword"));
        // A keychain of this device (pe-2 has one of the same name; offered once).
        Assert.Equal("peers", Labels(Policy, At(Policy, "peers", nth: 3), "*"));
        // Where a new name is declared, no existing name is offered.
        Assert.Equal("", Labels(Policy, At(Policy, "tv-hd"), "*"));
        // At the top level: the keywords that start a declaration.
        string top = Policy + "\n";
        Assert.Equal("class device filter groups include prefixes profile sources test", Labels(top, top.Length, "keyword"));
        // In an igmp block, with a word begun.
        string partial = Policy.Replace("limit 10 except tv-hd;", "lim", StringComparison.Ordinal);
        var inIgmp = Labels(partial, partial.IndexOf("lim", StringComparison.Ordinal) + 3, "keyword").Split(' ');
        Assert.Contains("limit", inIgmp);
        Assert.Contains("queries", inIgmp);
        Assert.DoesNotContain("device", inIgmp);
    }

    [Fact]
    public void Keywords_are_the_grammars_own()
    {
        // Every lexer rule of grammar/Mpol.g4 that is one quoted word is a keyword, and no other word is.
        string grammar = File.ReadAllText(Path.Combine(RepoPaths.Grammar, "Mpol.g4"));
        var declared = Regex.Matches(grammar, @"^[A-Z_0-9]+\s*:\s*'([a-z][a-z0-9-]*)'\s*;", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value)
            .Order(StringComparer.Ordinal);
        Assert.Equal(declared, PolicyKeywords.All);
    }

    [Fact]
    public void Includes_resolve_beside_the_document_and_prefer_the_editors_unsaved_text()
    {
        string lib = Folder + "/lib/sets.mpol";
        string text = "include \"lib/sets.mpol\";\nfilter f { permit groups shared; deny any; }\n";
        var document = Analyze(text, new() { [lib] = "groups shared { 239.1.0.0/16; }\n" });
        Assert.DoesNotContain(document.Check.Diagnostics, d => d.IsError);
        var definition = Assert.Single(document.Definition(At(text, "shared")));
        Assert.Equal(Path.GetFullPath(lib), Path.GetFullPath(definition.File.Path));
        Assert.Contains("239.1.0.0/16", document.Hover(At(text, "shared"))!.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void An_include_outside_the_documents_folder_tree_is_refused_as_the_compiler_refuses_it()
    {
        string outside = "/nonexistent-policykit-elsewhere/sets.mpol";
        string text = "include \"../nonexistent-policykit-elsewhere/sets.mpol\";\n";
        var document = Analyze(text, new() { [outside] = "groups shared { 239.1.0.0/16; }\n" });
        var refused = Assert.Single(document.Check.Diagnostics, d => d.IsError);
        Assert.Equal("MP1010", refused.Code);
        Assert.Equal((1, 1), refused.Span.StartLineColumn);
    }

    [Fact]
    public void An_open_document_larger_than_the_compilers_bound_is_refused_as_a_file_would_be()
    {
        string text = Policy + new string(' ', 4096);
        var open = new Dictionary<string, string> { [RootPath] = text };
        var document = PolicyDocument.Analyze(RootPath, text, new OpenDocumentsReader(open, maxBytes: 4096), new CompilationOptions());
        var refused = Assert.Single(document.Check.Diagnostics);
        Assert.Equal("MP1009", refused.Code);
        Assert.Contains("larger than 4 KB", refused.Message, StringComparison.Ordinal);
        Assert.False(document.IsLoaded);
        Assert.Empty(document.Completion(10));
        Assert.Empty(document.Definition(At(Policy, "tv-all", nth: 1)));
    }
}
