using Antlr4.Runtime;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Generated;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Tests.Robustness;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Tests.Grammar;

/// <summary>
/// Issue 18: a file's secret ranges (what a diagnostic's snippet masks) are found from the tokens
/// the parse reads, not by lexing the file again when the first diagnostic is printed (that
/// second pass was 6 % of a 20k-rule compile with one info diagnostic). The finder takes the
/// tokens one at a time; the ranges must be those the one-pass, look-ahead-anywhere reading
/// below gives (the rules as first written), and those the parse remembers must equal those
/// found on demand.
/// </summary>
public sealed class SecretRangeFinderTests
{
    private static readonly string[] Words =
    [
        "secret", "md5", "tcp-ao", "keychain", "key", "1", "42", "cert", "ca", "env", "file", "(", ")", "\"x\"", "'y'",
        ";", "{", "}", "valid", "auth", "peer", "word", "# note\n", "/* c */", "\n", "\"unterminated",
        // Whole phrases, so the longest look-ahead (`key N env ( "…" )` and what follows) comes up often.
        "env ( \"X\" )", "file(\"p\")", "key 1", "key 1 env ( \"X\" )", "secret env(\"X\")", "key 7 file ( \"p\" ) ;",
    ];

    [Fact]
    public void Random_token_sequences_give_the_reference_ranges()
    {
        var random = new Random(18);
        for (int n = 0; n < 3000; n++)
        {
            int count = random.Next(0, 24);
            string text = string.Join(" ", Enumerable.Range(0, count).Select(_ => Words[random.Next(Words.Length)]));
            Assert.True(Reference(text).SequenceEqual(SecretRanges.Find(text)), $"ranges differ for: {text}");
        }
    }

    public static TheoryData<int> TypoIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < SecretLeakTests.Typos.Length; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(TypoIndexes))]
    public void The_parse_remembers_the_ranges_found_on_demand(int typo)
    {
        // Both parse paths: a file without mistakes (streamed) and one with (lexed whole, then parsed again).
        string value = SecretLeakTests.Typos[typo].Replace("{S}", "Hunter2xQz", StringComparison.Ordinal);
        foreach (string text in new[]
                 {
                     $"device r1 platform frr {{\n  msdp {{ peer 192.0.2.1 as 64500 {{ auth md5 {value} }} }}\n}}\n",
                     $"device r1 platform ios-xr {{\n  keychain k1 {{ key 1 {value} }}\n}}\n",
                     $"sources s {{ 10.0.0.0/8; }}\ndevice r1 platform ios-xe {{\n  bgp as 64496 {{\n    neighbor 198.51.100.1 as 64500 {{ auth tcp-ao {value} }}\n  }}\n}}\n",
                 })
        {
            var source = new SourceFile("p.mpol", text);
            PolicyParser.ParseSyntax(source, new DiagnosticBag());
            Assert.True(SecretRanges.Known(source), "the parse did not keep the file's secret ranges");
            Assert.Equal(SecretRanges.Find(text), SecretRanges.Of(source).Ranges);
            Assert.NotEmpty(SecretRanges.Of(source).Ranges);
        }
    }

    [Theory]
    [MemberData(nameof(StreamingParseTests.PolicyFiles), MemberType = typeof(StreamingParseTests))]
    public void Every_example_file_remembers_the_ranges_found_on_demand(string relativePath)
    {
        var source = new SourceFile(relativePath, File.ReadAllText(Path.Combine(RepoPaths.Root, relativePath)));
        PolicyParser.ParseSyntax(source, new DiagnosticBag());
        Assert.True(SecretRanges.Known(source));
        Assert.Equal(SecretRanges.Find(source.Text), SecretRanges.Of(source).Ranges);
    }

    /// <summary>The rules read with the whole token list at hand (how SecretRanges first found them).</summary>
    private static List<(int Start, int End)> Reference(string text)
    {
        var lexer = new MpolLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        var tokens = new List<IToken>();
        for (var t = lexer.NextToken(); ; t = lexer.NextToken())
        {
            if (t.Channel == TokenConstants.DefaultChannel || t.Type == TokenConstants.EOF) tokens.Add(t);
            if (t.Type == TokenConstants.EOF) break;
        }
        IToken At(int k) => tokens[Math.Min(k, tokens.Count - 1)];
        bool Ends(IToken t) => t.Type == TokenConstants.EOF || t.Type == MpolLexer.VALID || t.Text is ";" or "{" or "}";
        var ranges = new List<(int, int)>();
        int i = 0;
        while (At(i).Type != TokenConstants.EOF)
        {
            int type = At(i).Type, next = At(i + 1).Type, from;
            if (type == MpolLexer.SECRET || (type == MpolLexer.MD5 && next != MpolLexer.SECRET) || (type == MpolLexer.TCP_AO && next != MpolLexer.KEYCHAIN)) from = 1;
            else if (type == MpolLexer.KEY && next == MpolLexer.INT)
            {
                if (At(i + 2).Type is MpolLexer.SECRET or TokenConstants.EOF) { i++; continue; }
                from = 2;
            }
            else if (type is MpolLexer.KEY or MpolLexer.CERT or MpolLexer.CA && next != TokenConstants.EOF) from = 1;
            else { i++; continue; }
            if (At(i + from).Type is MpolLexer.ENV or MpolLexer.FILE && At(i + from + 1).Text == "(" &&
                At(i + from + 2).Type == MpolLexer.STRING && At(i + from + 3).Text == ")") from += 4;
            i = Math.Min(i + from, tokens.Count - 1);
            if (Ends(At(i))) continue;
            int start = At(i).StartIndex;
            while (!Ends(At(i))) i++;
            int stop = At(i).Type != TokenConstants.EOF ? At(i).StartIndex : text.Length;
            if (stop > start) ranges.Add((start, stop));
        }
        return ranges;
    }
}
