using Antlr4.Runtime;
using Antlr4.Runtime.Misc;
using PolicyKit.Compiler.Generated;

namespace PolicyKit.Compiler.Language;

/// <summary>
/// The language's keywords, read from the generated lexer's vocabulary (so they follow
/// grammar/Mpol.g4, never a copied list), and the "soft" ones that may also be names.
/// </summary>
public static class PolicyKeywords
{
    private static readonly Lazy<IReadOnlyDictionary<int, string>> LazyByToken = new(ReadVocabulary);
    private static readonly Lazy<IntervalSet> LazySoft = new(ReadSoftKeywords);

    /// <summary>Token type → keyword, for every token whose literal is a word (<c>'max-prefix'</c>, not <c>'{'</c>).</summary>
    public static IReadOnlyDictionary<int, string> ByToken => LazyByToken.Value;

    public static IEnumerable<string> All => ByToken.Values.Order(StringComparer.Ordinal);

    /// <summary>True when the token is a keyword that the grammar's <c>softKeyword</c> rule also takes as a name.</summary>
    public static bool IsSoft(int tokenType) => LazySoft.Value.Contains(tokenType);

    private static Dictionary<int, string> ReadVocabulary()
    {
        var vocabulary = MpolLexer.DefaultVocabulary;
        var keywords = new Dictionary<int, string>();
        for (int type = 1; type <= MpolLexer._ATN.maxTokenType; type++)
        {
            if (vocabulary.GetLiteralName(type) is not { Length: > 2 } literal) continue;
            string word = literal[1..^1];
            if (char.IsAsciiLetterLower(word[0]) && word.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) keywords[type] = word;
        }
        return keywords;
    }

    /// <summary>The tokens that can start the <c>softKeyword</c> rule: the set the ATN holds for it.</summary>
    private static IntervalSet ReadSoftKeywords()
    {
        var parser = new MpolParser(new CommonTokenStream(new MpolLexer(new AntlrInputStream(string.Empty))));
        return parser.Atn.NextTokens(parser.Atn.ruleToStartState[MpolParser.RULE_softKeyword]);
    }
}
