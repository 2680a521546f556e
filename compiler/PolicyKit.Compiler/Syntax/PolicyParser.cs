using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Generated;
using static PolicyKit.Compiler.Generated.MpolParser;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Syntax;

/// <summary>
/// Runs the generated ANTLR lexer and parser over one file and turns their complaints into
/// MP1001/MP1002 diagnostics. Parsing is two-stage, as ANTLR recommends for speed: the fast SLL
/// mode with a bail-out strategy first, and only if that fails the full LL mode with ANTLR's
/// error recovery, so that one mistake does not hide the next ones.
/// </summary>
public static class PolicyParser
{
    /// <summary>After this many syntax errors in one file the rest are follow-on noise.</summary>
    public const int MaxErrorsPerFile = 25;

    /// <summary>The whole ANTLR parse tree of a file (syntax errors reported).</summary>
    public static MpolParser.PolicyFileContext Parse(SourceFile source, DiagnosticBag diagnostics)
    {
        var (tokens, lexed) = LexAll(source);
        var parser = new MpolParser(tokens);
        UseSll(parser);
        try
        {
            var tree = parser.policyFile();
            ReportBadCharacters(source, lexed, diagnostics);
            return tree;
        }
        catch (ParseCanceledException)
        {
            // Fall through to the full parse, which reports every error it can recover from.
        }
        return ParseLl(source, tokens, lexed, parser, diagnostics);
    }

    /// <summary>
    /// Parses a file into its syntax tree: what <see cref="Parse"/> and then
    /// <see cref="AstBuilder.Build"/> give, with the same diagnostics in the same order, or null
    /// when the file has syntax errors.
    /// </summary>
    /// <remarks>
    /// The fast path (no syntax error, SLL) keeps little of ANTLR's output alive: each top-level
    /// declaration is turned into syntax as soon as the parser has finished it and its subtree
    /// is dropped, and tokens come through an unbuffered stream. The parse tree and tokens of a
    /// large file are several times its size; freed as the parse goes they die young, instead
    /// of being promoted by the collections that parsing triggers and staying in memory until
    /// the file is done. The builder's findings wait until the parse has succeeded, as they would
    /// if it ran afterwards. A large file is lexed on another thread as it is parsed
    /// (<see cref="TokensLexedAhead"/>). A file with a syntax error is lexed and parsed again as before.
    /// </remarks>
    public static PolicyFileSyntax? ParseSyntax(SourceFile source, DiagnosticBag diagnostics)
    {
        var lexed = new DefaultChannelTokens(source, NewLexer(source));
        using var ahead = TokensLexedAhead.Pays(source.Text) ? new TokensLexedAhead(lexed) : null;
        var builder = new AstBuilder(source, diagnostics, deferDiagnostics: true);
        var parser = new DeclarationByDeclarationParser(new UnbufferedTokenStream((ITokenSource?)ahead ?? lexed), builder);
        UseSll(parser);
        try
        {
            parser.policyFile();
            ahead?.Finish();
            lexed.RememberSecretRanges();
            ReportBadCharacters(source, lexed, diagnostics);
            if (HasSyntaxErrors(source, diagnostics)) return null;
            builder.ReportDeferredDiagnostics();
            return builder.Finish();
        }
        catch (ParseCanceledException)
        {
            // Fall through to the full parse; what the builder made so far is dropped.
        }
        ahead?.Dispose();
        var (tokens, relexed) = LexAll(source);
        var full = new MpolParser(tokens);
        full.RemoveErrorListeners();
        var tree = ParseLl(source, tokens, relexed, full, diagnostics);
        return HasSyntaxErrors(source, diagnostics) ? null : new AstBuilder(source, diagnostics).Build(tree);
    }

    /// <summary>True when the file parsed without any syntax error.</summary>
    public static bool HasSyntaxErrors(SourceFile source, DiagnosticBag diagnostics) =>
        diagnostics.ToList().Any(d => d.Span.File == source && d.Code is "MP1001" or "MP1002");

    private static MpolLexer NewLexer(SourceFile source) =>
        new(new StringCharStream(source.Text)) { TokenFactory = DefaultChannelTokenFactory.Instance };

    private static (CommonTokenStream Tokens, DefaultChannelTokens Lexed) LexAll(SourceFile source)
    {
        var lexed = new DefaultChannelTokens(source, NewLexer(source));
        var tokens = new CommonTokenStream(lexed);
        tokens.Fill();
        lexed.RememberSecretRanges();
        return (tokens, lexed);
    }

    private static void UseSll(MpolParser parser)
    {
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        parser.ErrorHandler = new BailErrorStrategy();
    }

    private static MpolParser.PolicyFileContext ParseLl(SourceFile source, CommonTokenStream tokens, DefaultChannelTokens lexed, MpolParser parser, DiagnosticBag diagnostics)
    {
        tokens.Seek(0);
        parser.Reset();
        parser.Interpreter.PredictionMode = PredictionMode.LL;
        parser.ErrorHandler = new DefaultErrorStrategy();
        var listener = new ErrorListener(source, diagnostics);
        parser.AddErrorListener(listener);
        var result = parser.policyFile();
        if (listener.Count == 0)
        {
            // LL succeeded where SLL could not decide: still a valid file.
            ReportBadCharacters(source, lexed, diagnostics);
        }
        return result;
    }

    private static void ReportBadCharacters(SourceFile source, DefaultChannelTokens lexed, DiagnosticBag diagnostics)
    {
        foreach (var token in lexed.BadCharacters)
        {
            bool secret = SecretRanges.Of(source).Overlaps(token.StartIndex, token.StartIndex + 1);
            diagnostics.Add(new SourceSpan(source, token.StartIndex, 1), c => c.UnexpectedCharacter(token.Text, secret));
        }
    }

    /// <summary>
    /// ANTLR's <see cref="AntlrInputStream"/> reading the string itself: that one copies the
    /// text into a char array first, a large-object allocation as big as the file.
    /// </summary>
    internal sealed class StringCharStream : BaseInputCharStream
    {
        private readonly string _text;

        public StringCharStream(string text)
        {
            _text = text;
            n = text.Length;
        }

        protected override int ValueAt(int i) => _text[i];

        protected override string ConvertDataToString(int start, int count) => _text.Substring(start, count);
    }

    /// <summary>
    /// The lexer's tokens without the hidden-channel ones (whitespace and comments): the parser
    /// never looks at those, and leaving them out halves the token buffer. Keeps the BAD_CHAR
    /// tokens that went by, in order, so they are reported without another pass over the tokens,
    /// and finds the file's secret ranges on the way (<see cref="SecretRangeFinder"/>).
    /// </summary>
    private sealed class DefaultChannelTokens(SourceFile source, MpolLexer lexer) : ForwardingTokenSource(lexer)
    {
        private readonly SecretRangeFinder _secrets = new(source.Text.Length);

        public List<IToken> BadCharacters { get; } = [];

        public override IToken NextToken()
        {
            while (true)
            {
                var token = Inner.NextToken();
                if (token.Channel != TokenConstants.DefaultChannel && token.Type != TokenConstants.EOF) continue;
                if (token.Type == MpolLexer.BAD_CHAR) BadCharacters.Add(token);
                _secrets.Add(token);
                return token;
            }
        }

        /// <summary>Once the lexer has reached the end of the file: its secret ranges are known, and kept for its diagnostics.</summary>
        public void RememberSecretRanges()
        {
            if (_secrets.Ranges is { } ranges) SecretRanges.Remember(source, ranges);
        }
    }

    /// <summary>
    /// ANTLR's token factory, except that hidden-channel tokens (dropped by
    /// <see cref="DefaultChannelTokens"/> the moment they are made) are one shared placeholder
    /// instead of a new object each: they are about half the tokens of a file.
    /// </summary>
    private sealed class DefaultChannelTokenFactory : ITokenFactory
    {
        public static readonly DefaultChannelTokenFactory Instance = new();

        private static readonly CommonToken Hidden = new(MpolLexer.WS) { Channel = TokenConstants.HiddenChannel };

        public IToken Create(Tuple<ITokenSource, ICharStream> source, int type, string text, int channel, int start, int stop, int lineNumber, int charPositionInLine) =>
            channel != TokenConstants.DefaultChannel && type != TokenConstants.EOF
                ? Hidden
                : CommonTokenFactory.Default.Create(source, type, text, channel, start, stop, lineNumber, charPositionInLine);

        public IToken Create(int type, string text) => CommonTokenFactory.Default.Create(type, text);
    }

    /// <summary>
    /// The generated parser, handing each finished top-level declaration to the builder and then
    /// dropping its subtree. (A subclass rather than a parse listener: ANTLR walks its listener
    /// list with an allocating enumerator at every rule and token.)
    /// </summary>
    private sealed class DeclarationByDeclarationParser(ITokenStream input, AstBuilder builder) : MpolParser(input)
    {
        public override void ExitRule()
        {
            var exited = Context;
            base.ExitRule();
            // Rules are exited on the way out of a bail-out too; the bail strategy marks every
            // open context with the error first, and an unfinished declaration is not built.
            if (exited.exception is not null) return;
            switch (exited)
            {
                // A filter's rules and a set's entries are built one by one as well: a single
                // declaration can be most of a file (a 20k-rule filter, an IRR-sized set).
                case FilterRuleContext rule when rule.Parent is FilterDeclContext { Parent: DeclarationContext { Parent: PolicyFileContext } } filter:
                    builder.AddFilterRule(rule);
                    DropLastChild(filter, rule);
                    break;
                case SetEntryContext entry when entry.Parent is SetDeclContext { Parent: DeclarationContext { Parent: PolicyFileContext } } set:
                    builder.AddSetEntry(entry);
                    DropLastChild(set, entry);
                    break;
                case DeclarationContext declaration when declaration.Parent is PolicyFileContext file:
                    builder.Add(declaration);
                    DropLastChild(file, declaration);
                    break;
            }
        }

        // The finished context is its parent's newest child (the parser adds a rule's context to
        // its parent on entry); nothing reads it again.
        private static void DropLastChild(ParserRuleContext parent, ParserRuleContext child)
        {
            if (parent.children is { Count: > 0 } children && ReferenceEquals(children[^1], child)) parent.RemoveLastChild();
        }
    }

    private sealed class ErrorListener(SourceFile source, DiagnosticBag diagnostics) : IAntlrErrorListener<IToken>
    {
        public int Count { get; private set; }

        public void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
        {
            if (++Count > MaxErrorsPerFile) return;
            int start = offendingSymbol?.StartIndex >= 0 ? offendingSymbol.StartIndex : source.GetOffset(line, charPositionInLine);
            int length = offendingSymbol is { Type: not TokenConstants.EOF, StopIndex: >= 0 } ? offendingSymbol.StopIndex - offendingSymbol.StartIndex + 1 : 0;
            var span = new SourceSpan(source, Math.Min(start, source.Text.Length), Math.Max(length, 0));
            // A token where a secret goes is never quoted, whatever the mistake around it.
            bool secret = offendingSymbol is { Type: not TokenConstants.EOF } && SecretRanges.Of(source).Overlaps(span.Start, span.Start + Math.Max(span.Length, 1));
            if (offendingSymbol?.Type == MpolLexer.BAD_CHAR)
            {
                diagnostics.Add(span, c => c.UnexpectedCharacter(offendingSymbol.Text, secret));
                return;
            }
            var parser = (Parser)recognizer;
            IntervalSet expected;
            try
            {
                expected = e?.GetExpectedTokens() ?? parser.GetExpectedTokens();
            }
            catch (ArgumentException)
            {
                expected = new IntervalSet();
            }
            string found = offendingSymbol is null || offendingSymbol.Type == TokenConstants.EOF
                ? "end of file"
                : secret ? "text where a secret goes (not shown)" : $"'{offendingSymbol.Text}'";
            string message = msg.StartsWith("missing", StringComparison.Ordinal) || expected.Count is > 0 and <= 3
                ? $"unexpected {found}; expected {TokenNames.Describe(expected, parser.Vocabulary, 3)}"
                : $"unexpected {found}";
            string? hint = expected.Count > 3 ? $"expected one of: {TokenNames.Describe(expected, parser.Vocabulary, 10)}" : null;
            diagnostics.Add(span, c => c.SyntaxError(message, hint));
        }
    }
}
