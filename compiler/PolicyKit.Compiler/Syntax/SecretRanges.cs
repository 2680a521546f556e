using System.Runtime.CompilerServices;
using Antlr4.Runtime;
using PolicyKit.Compiler.Generated;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Syntax;

/// <summary>
/// The parts of a policy file that are, or may be, a secret value — found from the tokens, so a
/// typo cannot move a secret out of sight: whatever follows <c>secret</c> (except an
/// <c>env("…")</c>/<c>file("…")</c> reference), whatever follows <c>auth md5</c> or
/// <c>auth tcp-ao</c> when <c>secret</c>/<c>keychain</c> is missing, and whatever follows a TLS
/// <c>key</c>/<c>cert</c>/<c>ca</c>, or a keychain's <c>key N</c> without <c>secret</c>; up to the <c>;</c>, <c>{</c> or <c>}</c> that ends the
/// statement (a stray <c>valid</c> ends a key's secret too). So <c>auth md5 "X";</c>,
/// <c>secret X</c>, <c>secret 'X'</c> and <c>secret "A" "B"</c> are all covered, with whatever
/// comment sits in between. Diagnostics use it: a syntax error inside never quotes the text, and
/// the caret snippet masks it. Computed once per file, on demand (only files with diagnostics).
/// </summary>
public sealed class SecretRanges
{
    private static readonly ConditionalWeakTable<SourceFile, SecretRanges> Cache = [];

    private readonly List<(int Start, int End)> _ranges;

    private SecretRanges(List<(int Start, int End)> ranges) => _ranges = ranges;

    /// <summary>Character ranges [Start, End) of the file, in order, disjoint.</summary>
    public IReadOnlyList<(int Start, int End)> Ranges => _ranges;

    public static SecretRanges Of(SourceFile file) => Cache.GetValue(file, static f => new SecretRanges(Find(f.Text)));

    /// <summary>True when [start, end) overlaps a secret (an empty span: when it lies inside one).</summary>
    public bool Overlaps(int start, int end)
    {
        foreach (var (s, e) in _ranges)
        {
            if (s >= Math.Max(end, start + 1)) break;
            if (e > start) return true;
        }
        return false;
    }

    /// <summary><paramref name="line"/> (which starts at <paramref name="lineStart"/> in the file) with every secret character replaced by '*': same length, so carets stay aligned.</summary>
    public string Mask(string line, int lineStart)
    {
        char[]? masked = null;
        foreach (var (s, e) in _ranges)
        {
            if (s >= lineStart + line.Length) break;
            if (e <= lineStart) continue;
            masked ??= line.ToCharArray();
            for (int i = Math.Max(s, lineStart); i < Math.Min(e, lineStart + line.Length); i++)
            {
                if (masked[i - lineStart] is not (' ' or '\t' or '"')) masked[i - lineStart] = '*';
            }
        }
        return masked is null ? line : new string(masked);
    }

    private static List<(int Start, int End)> Find(string text)
    {
        // The tokens go by in a short window (a rule looks a few tokens ahead, then skips to the
        // statement's end): a large policy is hundreds of thousands of tokens, none kept.
        var tokens = new TokenWindow(new MpolLexer(new PolicyParser.StringCharStream(text)));
        var ranges = new List<(int, int)>();
        while (tokens[0].Type != TokenConstants.EOF)
        {
            int type = tokens[0].Type;
            int next = tokens[1].Type;
            int from;
            if (type == MpolLexer.SECRET) from = 1;
            else if (type == MpolLexer.MD5 && next != MpolLexer.SECRET) from = 1;
            else if (type == MpolLexer.TCP_AO && next != MpolLexer.KEYCHAIN) from = 1;
            else if (type == MpolLexer.KEY && next == MpolLexer.INT)
            {
                // A keychain's `key N secret …`; with `secret` missing, what follows the number is the value.
                if (tokens[2].Type is MpolLexer.SECRET or TokenConstants.EOF)
                {
                    tokens.Skip(1);
                    continue;
                }
                from = 2;
            }
            else if (type is MpolLexer.KEY or MpolLexer.CERT or MpolLexer.CA && next != TokenConstants.EOF) from = 1;
            else
            {
                tokens.Skip(1);
                continue;
            }

            // env("NAME") / file("path") name where a secret is, not the secret: left readable.
            if (IsReference(tokens, from)) from += 4;
            tokens.Skip(from);
            if (Ends(tokens[0])) continue;
            int start = tokens[0].StartIndex;
            while (!Ends(tokens[0])) tokens.Skip(1);
            // Up to the terminator (or the end of the file), so a comment or an unterminated
            // string's remainder between the tokens is covered too.
            int stop = tokens[0].Type != TokenConstants.EOF ? tokens[0].StartIndex : text.Length;
            if (stop > start) ranges.Add((start, stop));
        }
        return ranges;
    }

    /// <summary>The lexer's default-channel tokens from the current one on; <c>[k]</c> looks k ahead (EOF past the end).</summary>
    private sealed class TokenWindow
    {
        private readonly MpolLexer _lexer;
        private readonly List<IToken> _ahead = [];

        public TokenWindow(MpolLexer lexer)
        {
            _lexer = lexer;
            _lexer.RemoveErrorListeners();
        }

        public IToken this[int k]
        {
            get
            {
                while (_ahead.Count <= k)
                {
                    if (_ahead.Count > 0 && _ahead[^1].Type == TokenConstants.EOF) return _ahead[^1];
                    var t = _lexer.NextToken();
                    if (t.Channel == TokenConstants.DefaultChannel || t.Type == TokenConstants.EOF) _ahead.Add(t);
                }
                return _ahead[k];
            }
        }

        public void Skip(int count)
        {
            for (int i = 0; i < count; i++)
            {
                if (this[0].Type == TokenConstants.EOF) return;
                _ahead.RemoveAt(0);
            }
        }
    }

    private static bool IsReference(TokenWindow tokens, int at) =>
        tokens[at].Type is MpolLexer.ENV or MpolLexer.FILE && tokens[at + 1].Text == "(" &&
        tokens[at + 2].Type == MpolLexer.STRING && tokens[at + 3].Text == ")";

    private static bool Ends(IToken token) =>
        token.Type == TokenConstants.EOF || token.Type == MpolLexer.VALID || token.Text is ";" or "{" or "}";
}
