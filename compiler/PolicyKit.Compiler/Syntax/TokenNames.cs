using Antlr4.Runtime;
using Antlr4.Runtime.Misc;
using PolicyKit.Compiler.Generated;

namespace PolicyKit.Compiler.Syntax;

/// <summary>Turns ANTLR token types into words a network engineer reads ("a name", "';'").</summary>
internal static class TokenNames
{
    public static string Describe(IntervalSet expected, IVocabulary vocabulary, int max)
    {
        var names = expected.ToList()
            .Select(t => Describe(t, vocabulary))
            .Distinct()
            .OrderBy(n => n.StartsWith('\'') ? 1 : 0)
            .ThenBy(n => n, StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0) return "something else";
        string text = string.Join(", ", names.Take(max));
        return names.Count > max ? text + ", …" : text;
    }

    public static string Describe(int tokenType, IVocabulary vocabulary) => tokenType switch
    {
        TokenConstants.EOF => "end of file",
        MpolLexer.IDENT => "a name",
        MpolLexer.INT => "a number",
        MpolLexer.DECIMAL => "a decimal number",
        MpolLexer.STRING => "a quoted string",
        MpolLexer.IPV4 or MpolLexer.IPV6 => "an address",
        MpolLexer.IPV4_PREFIX or MpolLexer.IPV6_PREFIX => "a prefix",
        MpolLexer.BANDWIDTH => "a bandwidth (e.g. 4Mbps)",
        MpolLexer.DURATION => "a duration (e.g. 30s, 15m)",
        MpolLexer.PERCENT => "a percentage (e.g. 90%)",
        MpolLexer.DATE => "a date (YYYY-MM-DD)",
        _ => vocabulary.GetLiteralName(tokenType) ?? vocabulary.GetDisplayName(tokenType),
    };
}
