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
/// the caret snippet masks it. Found while the file is parsed (<see cref="SecretRangeFinder"/>),
/// or, for a file that was not, once on demand.
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

    /// <summary>
    /// Keeps the ranges a parse found while reading the file's tokens (<see cref="SecretRangeFinder"/>),
    /// so that asking for them later does not lex the file again.
    /// </summary>
    internal static void Remember(SourceFile file, List<(int Start, int End)> ranges) => Cache.AddOrUpdate(file, new SecretRanges(ranges));

    /// <summary>True when the ranges of <paramref name="file"/> are already known (found by its parse or asked for before).</summary>
    internal static bool Known(SourceFile file) => Cache.TryGetValue(file, out _);

    /// <summary>The ranges of <paramref name="text"/>, from a lexer of their own.</summary>
    internal static List<(int Start, int End)> Find(string text)
    {
        // The tokens go by one at a time, none kept: a large policy is hundreds of thousands.
        var lexer = new MpolLexer(new PolicyParser.StringCharStream(text));
        lexer.RemoveErrorListeners();
        var finder = new SecretRangeFinder(text.Length);
        while (finder.Ranges is null)
        {
            var token = lexer.NextToken();
            if (token.Channel == TokenConstants.DefaultChannel || token.Type == TokenConstants.EOF) finder.Add(token);
        }
        return finder.Ranges;
    }
}
