using System.Text.Json;
using System.Text.RegularExpressions;

namespace PolicyKit.Compiler.Tests.Grammar;

/// <summary>
/// The TextMate grammar (editors/textmate/mpol.tmLanguage.json) follows the language: every
/// keyword of grammar/Mpol.g4 is highlighted as one, a name that merely contains a keyword is
/// not, and every pattern is a valid regular expression.
/// </summary>
public sealed partial class TextMateGrammarTests
{
    private static readonly string GrammarPath = Path.Combine(RepoPaths.Root, "editors", "textmate", "mpol.tmLanguage.json");

    [GeneratedRegex(@"^[A-Z_0-9]+ *: *'([a-z][a-z0-9\-]*)' *;", RegexOptions.Multiline)]
    private static partial Regex LexerKeyword();

    private static JsonElement Repository => JsonDocument.Parse(File.ReadAllText(GrammarPath)).RootElement.GetProperty("repository");

    [Fact]
    public void Every_keyword_of_the_grammar_is_highlighted_and_names_are_not()
    {
        var keywords = LexerKeyword().Matches(File.ReadAllText(Path.Combine(RepoPaths.Grammar, "Mpol.g4"))).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(keywords.Count > 100, $"only {keywords.Count} keywords read from the grammar");
        var keyword = new Regex(Repository.GetProperty("keywords").GetProperty("match").GetString()!);
        var missing = keywords.Where(k => keyword.Match(k) is not { Success: true } m || m.Value != k).ToList();
        Assert.True(missing.Count == 0, "keywords the TextMate grammar does not highlight: " + string.Join(", ", missing));
        // The longest keyword wins, and a name that contains one is a name.
        Assert.Equal("state-limit", keyword.Match("    state-limit out 125;").Value);
        Assert.DoesNotMatch(keyword, "tv-groups-igmp");
        Assert.DoesNotMatch(keyword, "std.multicast-v4");
    }

    [Fact]
    public void Every_pattern_is_a_valid_regular_expression()
    {
        int count = 0;
        void Walk(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is "match" or "begin" or "end")
                    {
                        _ = new Regex(property.Value.GetString()!);
                        count++;
                    }
                    else Walk(property.Value);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray()) Walk(item);
            }
        }
        Walk(Repository);
        Assert.True(count >= 10, $"only {count} patterns");
        var bandwidth = new Regex(Repository.GetProperty("quantities").GetProperty("patterns")[0].GetProperty("match").GetString()!);
        Assert.Equal("250Mbps", bandwidth.Match("state-limit out 250Mbps groups x;").Value);
    }
}
