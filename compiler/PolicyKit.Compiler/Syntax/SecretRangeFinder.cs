using Antlr4.Runtime;
using PolicyKit.Compiler.Generated;

namespace PolicyKit.Compiler.Syntax;

/// <summary>
/// Finds <see cref="SecretRanges"/> from a file's default-channel tokens, handed over one at a
/// time as the lexer makes them: the parse feeds it the tokens it reads anyway, so a file is
/// not lexed a second time when a diagnostic needs its secrets masked (a diagnostic in a 1.5 MB
/// policy cost a whole extra lexing pass, issue 18). Standalone, <see cref="SecretRanges"/>
/// feeds it from a lexer of its own. The rules are those of <see cref="SecretRanges"/>.
/// </summary>
/// <remarks>
/// A decision looks at most <see cref="Lookahead"/> tokens ahead (<c>key N env ( "…" )</c> and
/// the token after it); tokens wait in a small window until that many have come or the file has
/// ended. Inside a secret value, tokens are dropped up to the one that ends the statement.
/// </remarks>
internal sealed class SecretRangeFinder(int textLength)
{
    private const int Lookahead = 7;

    private readonly List<IToken> _ahead = [];
    private readonly List<(int Start, int End)> _ranges = [];
    private int _secretStart = -1;   // inside a secret value: where it starts
    private bool _ended;

    /// <summary>Every range, in order, once the end of the file has been handed over; null before.</summary>
    public List<(int Start, int End)>? Ranges => _ended ? _ranges : null;

    /// <summary>The next default-channel token (or EOF); hidden-channel tokens are not handed over.</summary>
    public void Add(IToken token)
    {
        if (_ended) return;
        _ahead.Add(token);
        if (token.Type == TokenConstants.EOF) _ended = true;
        Decide();
    }

    private void Decide()
    {
        while (true)
        {
            if (_secretStart >= 0)
            {
                while (_ahead.Count > 0 && !Ends(_ahead[0])) _ahead.RemoveAt(0);
                if (_ahead.Count == 0) return;
                // Up to the terminator (or the end of the file), so a comment or an unterminated
                // string's remainder between the tokens is covered too.
                int stop = _ahead[0].Type != TokenConstants.EOF ? _ahead[0].StartIndex : textLength;
                if (stop > _secretStart) _ranges.Add((_secretStart, stop));
                _secretStart = -1;
                continue;   // the terminator is looked at like any other token
            }
            if (!_ended && _ahead.Count < Lookahead) return;
            if (At(0).Type == TokenConstants.EOF) return;

            int type = At(0).Type;
            int next = At(1).Type;
            int from;
            if (type == MpolLexer.SECRET) from = 1;
            else if (type == MpolLexer.MD5 && next != MpolLexer.SECRET) from = 1;
            else if (type == MpolLexer.TCP_AO && next != MpolLexer.KEYCHAIN) from = 1;
            else if (type == MpolLexer.KEY && next == MpolLexer.INT)
            {
                // A keychain's `key N secret …`; with `secret` missing, what follows the number is the value.
                if (At(2).Type is MpolLexer.SECRET or TokenConstants.EOF)
                {
                    Skip(1);
                    continue;
                }
                from = 2;
            }
            else if (type is MpolLexer.KEY or MpolLexer.CERT or MpolLexer.CA && next != TokenConstants.EOF) from = 1;
            else
            {
                Skip(1);
                continue;
            }

            // env("NAME") / file("path") name where a secret is, not the secret: left readable.
            if (IsReference(from)) from += 4;
            Skip(from);
            if (Ends(At(0))) continue;
            _secretStart = At(0).StartIndex;
        }
    }

    // Token k of the window; past the end of the file, the EOF token.
    private IToken At(int k) => k < _ahead.Count ? _ahead[k] : _ahead[^1];

    private void Skip(int count)
    {
        for (int i = 0; i < count && At(0).Type != TokenConstants.EOF; i++) _ahead.RemoveAt(0);
    }

    private bool IsReference(int at) =>
        At(at).Type is MpolLexer.ENV or MpolLexer.FILE && At(at + 1).Text == "(" &&
        At(at + 2).Type == MpolLexer.STRING && At(at + 3).Text == ")";

    private static bool Ends(IToken token) =>
        token.Type == TokenConstants.EOF || token.Type == MpolLexer.VALID || token.Text is ";" or "{" or "}";
}
