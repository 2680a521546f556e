using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Generated;
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

    public static MpolParser.PolicyFileContext Parse(SourceFile source, DiagnosticBag diagnostics)
    {
        var tokens = new CommonTokenStream(new MpolLexer(new AntlrInputStream(source.Text)));
        tokens.Fill();
        var parser = new MpolParser(tokens);
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        parser.ErrorHandler = new BailErrorStrategy();
        try
        {
            var tree = parser.policyFile();
            ReportBadCharacters(source, tokens, diagnostics);
            return tree;
        }
        catch (ParseCanceledException)
        {
            // Fall through to the full parse, which reports every error it can recover from.
        }

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
            ReportBadCharacters(source, tokens, diagnostics);
        }
        return result;
    }

    /// <summary>True when the file parsed without any syntax error.</summary>
    public static bool HasSyntaxErrors(SourceFile source, DiagnosticBag diagnostics) =>
        diagnostics.ToList().Any(d => d.Span.File == source && d.Code is "MP1001" or "MP1002");

    private static void ReportBadCharacters(SourceFile source, CommonTokenStream tokens, DiagnosticBag diagnostics)
    {
        foreach (var token in tokens.GetTokens())
        {
            if (token.Type == MpolLexer.BAD_CHAR)
            {
                diagnostics.Add(new SourceSpan(source, token.StartIndex, 1), c => c.UnexpectedCharacter(token.Text));
            }
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
            if (offendingSymbol?.Type == MpolLexer.BAD_CHAR)
            {
                diagnostics.Add(span, c => c.UnexpectedCharacter(offendingSymbol.Text));
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
                : $"'{offendingSymbol.Text}'";
            string message = msg.StartsWith("missing", StringComparison.Ordinal) || expected.Count is > 0 and <= 3
                ? $"unexpected {found}; expected {TokenNames.Describe(expected, parser.Vocabulary, 3)}"
                : $"unexpected {found}";
            string? hint = expected.Count > 3 ? $"expected one of: {TokenNames.Describe(expected, parser.Vocabulary, 10)}" : null;
            diagnostics.Add(span, c => c.SyntaxError(message, hint));
        }
    }
}
