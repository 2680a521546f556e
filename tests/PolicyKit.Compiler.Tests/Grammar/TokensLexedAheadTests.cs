using System.Text;
using Antlr4.Runtime;
using PolicyKit.Compiler.Generated;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Tests.Grammar;

/// <summary>
/// Issue 18: a large file is lexed on a second thread while it is parsed. The parser must see
/// the very tokens, in order; a parse that gives up early must stop the lexing thread (no thread
/// left running, no hang); a failing lexer must fail the parse, not end the file early.
/// </summary>
public sealed class TokensLexedAheadTests
{
    [Fact]
    public void The_parser_reads_the_same_tokens_in_the_same_order()
    {
        string text = LargePolicy(rules: 4000);
        var expected = new List<(int Type, int Start, int Stop)>();
        var lexer = new MpolLexer(new AntlrInputStream(text));
        for (var t = lexer.NextToken(); ; t = lexer.NextToken())
        {
            expected.Add((t.Type, t.StartIndex, t.StopIndex));
            if (t.Type == TokenConstants.EOF) break;
        }

        using var ahead = new TokensLexedAhead(new MpolLexer(new AntlrInputStream(text)));
        var actual = new List<(int Type, int Start, int Stop)>();
        for (var t = ahead.NextToken(); ; t = ahead.NextToken())
        {
            actual.Add((t.Type, t.StartIndex, t.StopIndex));
            if (t.Type == TokenConstants.EOF) break;
        }
        ahead.Finish();
        Assert.Equal(expected, actual);
        // Past the end the source keeps answering EOF, as a lexer does.
        Assert.Equal(TokenConstants.EOF, ahead.NextToken().Type);
    }

    [Fact]
    public void Stopping_early_ends_the_lexing_thread()
    {
        var source = new CountingSource(new MpolLexer(new AntlrInputStream(LargePolicy(rules: 20000))));
        var ahead = new TokensLexedAhead(source);
        for (int i = 0; i < 10; i++) ahead.NextToken();
        ahead.Dispose();
        int lexed = source.Count;
        Thread.Sleep(50);
        // The queue is bounded: the lexer was at most a few batches ahead, and stopped.
        Assert.Equal(lexed, source.Count);
        Assert.True(lexed < 20_000, $"the lexer ran {lexed} tokens ahead of a parser that read 10");
        ahead.Dispose();   // twice is harmless
    }

    [Fact]
    public void A_failing_lexer_fails_the_reader()
    {
        using var ahead = new TokensLexedAhead(new FailingSource(new MpolLexer(new AntlrInputStream(LargePolicy(rules: 500))), failAt: 3000));
        var error = Assert.Throws<InvalidDataException>(() =>
        {
            while (ahead.NextToken().Type != TokenConstants.EOF)
            {
            }
        });
        Assert.Equal("lexer failed", error.Message);
    }

    [Fact]
    public void A_large_file_with_a_late_mistake_reports_as_the_full_parse_does()
    {
        // Read ahead up to the mistake, then the parse falls back to lexing and parsing again.
        string text = LargePolicy(rules: 3000) + "filter broken { permit sources s protocol; }\n";
        Assert.True(TokensLexedAhead.Pays(text) || Environment.ProcessorCount == 1);
        StreamingParseTests.AssertReportsAsTheFullParse(new SourceFile("late.mpol", text));
    }

    private static string LargePolicy(int rules)
    {
        var text = new StringBuilder("sources s { 198.51.100.0/24; 203.0.113.0/24; }\ngroups g { 232.1.0.0/16; }\nfilter f {\n");
        for (int i = 0; i < rules; i++) text.AppendLine($"    permit sources s groups g protocol udp port {1024 + i % 60000};   # rule {i}");
        return text.Append("}\n").ToString();
    }

    private sealed class CountingSource(ITokenSource inner) : ForwardingTokenSource(inner)
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override IToken NextToken()
        {
            Interlocked.Increment(ref _count);
            return Inner.NextToken();
        }
    }

    private sealed class FailingSource(ITokenSource inner, int failAt) : ForwardingTokenSource(inner)
    {
        private int _count;

        public override IToken NextToken() => ++_count == failAt ? throw new InvalidDataException("lexer failed") : Inner.NextToken();
    }
}
