using System.Text;
using System.Text.RegularExpressions;

namespace PolicyKit.Compiler.Tests.Robustness;

/// <summary>One token of a policy as the mutator sees it: a word, a number/address, a string, a comment or a punctuation character.</summary>
internal readonly record struct MutationToken(int Start, int Length, string Text)
{
    public int End => Start + Length;
}

/// <summary>A mutated policy and a readable account of what was done to it.</summary>
internal sealed record Mutant(string Text, string Description);

/// <summary>
/// Derives broken variants of a policy, deterministically from a seed. It tokenises with its own
/// small regex (not the ANTLR lexer), so it stays independent of the code under test and can cut
/// tokens the lexer would never produce.
/// </summary>
internal sealed partial class PolicyMutator
{
    public const string HugeNumber = "99999999999999999999";

    /// <summary>Numbers that sit on the edges of the usual integer types and ranges.</summary>
    public static readonly string[] EdgeNumbers =
    [
        HugeNumber, "0", "00", "2147483647", "2147483648", "4294967295", "4294967296", "9223372036854775808",
        "65535", "65536", "256", "33", "129", "1" + new string('0', 400),
    ];

    /// <summary>Addresses and prefixes that look right to a regex and are wrong.</summary>
    public static readonly string[] MalformedAddresses =
    [
        "999.1.1.1/40", "ff::gg", "1.2.3.4/33", "ff00::/129", "256.256.256.256", "1.2.3", "1.2.3.4.5", "::::", "1:2:3:4:5:6:7:8:9",
        "1.2.3.4/" + HugeNumber, HugeNumber + ".1.1.1", "0.0.0.0/0", "::/0", "::", "ff02::1::2", "01.02.03.004", "1.2.3.4/-1",
        "fe80::1%eth0", "::ffff:1.2.3.4", "224.0.0.0/4", "ff00::/8", "0.0.0.0", "255.255.255.255/32", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
    ];

    /// <summary>Junk to splice in anywhere, including inside tokens.</summary>
    public static readonly string[] Junk =
    [
        "\0", "\0\0\0", "é", "日本語", "\uFEFF", "\uD800", "\uDC00", "\U0001F600", "\u0085", "\u2028", "\u00A0", "\x7F", "\x01", "\x1B[31m",
        "\"", "\"unterminated", "'", "\\", "{", "}", "{{{", "}}}", "(", ")", "/*", "*/", "//", "#", "\r", "\n", "\r\n", "\t", "\f", "\v",
        ";", ";;", ",", "..", "...", "::", ":", "/", "%", ">=", "<=", "=", "-", "--", "_", ".", "0x1F", "1e9", "-1", "+1",
        "include \"std/nonexistent.mpol\";", "include \"mutant.mpol\";", "include \"\";", "include \"/\";", "include \"std/\";",
        "env(\"\")", "file(\"\")", "\"\\u0000\"", "\"\\q\"",
    ];

    [GeneratedRegex("""
        "(?:[^"\\\r\n]|\\.)*"?            # a string, maybe unterminated
        | //[^\r\n]* | \#[^\r\n]*           # line comments
        | /\*[\s\S]*?(?:\*/|$)              # block comments
        | ::[0-9A-Fa-f:./]*                 # an IPv6 address written from '::'
        | [A-Za-z0-9_][A-Za-z0-9_.:/%\-]*   # words, numbers, addresses, prefixes, dates, bandwidths
        | \S                                # one punctuation character
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex TokenRegex();

    [GeneratedRegex("[0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex DigitsRegex();

    [GeneratedRegex(@"^(?:[0-9]+(?:\.[0-9]+){3}(?:/[0-9]+)?|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(?:/[0-9]+)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex AddressRegex();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex WordRegex();

    private readonly string _text;
    private readonly IReadOnlyList<string> _vocabulary;

    public PolicyMutator(string text, IEnumerable<string> vocabularySources)
    {
        _text = text;
        Tokens = Tokenize(text);
        _vocabulary = vocabularySources.SelectMany(Tokenize).Select(t => t.Text).Where(t => WordRegex().IsMatch(t))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<MutationToken> Tokens { get; }

    public static IReadOnlyList<MutationToken> Tokenize(string text) =>
        TokenRegex().Matches(text).Select(m => new MutationToken(m.Index, m.Length, m.Value)).ToList();

    public static bool IsAddress(string token) => AddressRegex().IsMatch(token) && (token.Contains(':') || token.Count(c => c == '.') == 3);

    public static bool IsComment(string token) => token.StartsWith("//", StringComparison.Ordinal) || token.StartsWith('#') || token.StartsWith("/*", StringComparison.Ordinal);

    public static bool HasDigits(string token) => token.Any(char.IsAsciiDigit) && !token.StartsWith('"') && !token.StartsWith('/') && !token.StartsWith('#');

    /// <summary>The mutant for one seed: one to four stacked mutations of the original text.</summary>
    public Mutant Mutate(int seed)
    {
        var random = new Random(seed);
        int rounds = random.Next(10) < 7 ? 1 : random.Next(2, 5);
        string text = _text;
        var tokens = Tokens;
        var steps = new List<string>();
        for (int round = 0; round < rounds; round++)
        {
            (text, string step) = MutateOnce(random, text, tokens);
            steps.Add(step);
            tokens = Tokenize(text);
        }
        return new Mutant(text, string.Join("; then ", steps));
    }

    private (string Text, string Step) MutateOnce(Random random, string text, IReadOnlyList<MutationToken> allTokens)
    {
        // Comments make up much of the examples' text; token edits go to the code (insertions and
        // truncations still land anywhere, comments included).
        var tokens = allTokens.Where(t => !IsComment(t.Text)).ToList();
        if (tokens.Count < 2) return Insert(random, text);
        switch (random.Next(9))
        {
            case 0:
            {
                var token = tokens[random.Next(tokens.Count)];
                return (text.Remove(token.Start, token.Length), $"delete token {Show(token.Text)} at {token.Start}");
            }
            case 1:
            {
                var token = tokens[random.Next(tokens.Count)];
                return (text.Insert(token.End, " " + token.Text), $"duplicate token {Show(token.Text)} at {token.Start}");
            }
            case 2:
            {
                int i = random.Next(tokens.Count - 1);
                var (a, b) = (tokens[i], tokens[i + 1]);
                string swapped = text[..a.Start] + b.Text + text[a.End..b.Start] + a.Text + text[b.End..];
                return (swapped, $"swap tokens {Show(a.Text)} and {Show(b.Text)} at {a.Start}");
            }
            case 3:
            {
                int offset = random.Next(text.Length + 1);
                return (text[..offset], $"truncate at offset {offset}");
            }
            case 4:
            case 5:
                return Insert(random, text);
            case 6:
            {
                var numeric = tokens.Where(t => HasDigits(t.Text)).ToList();
                if (numeric.Count == 0) return Insert(random, text);
                var token = numeric[random.Next(numeric.Count)];
                var runs = DigitsRegex().Matches(token.Text);
                var run = runs[random.Next(runs.Count)];
                string number = random.Next(3) == 0 ? EdgeNumbers[random.Next(EdgeNumbers.Length)] : HugeNumber;
                string replaced = token.Text[..run.Index] + number + token.Text[(run.Index + run.Length)..];
                return (text[..token.Start] + replaced + text[token.End..], $"replace number in {Show(token.Text)} at {token.Start} with {Show(replaced)}");
            }
            case 7:
            {
                var addresses = tokens.Where(t => IsAddress(t.Text)).ToList();
                if (addresses.Count == 0) return Insert(random, text);
                var token = addresses[random.Next(addresses.Count)];
                string bad = MalformedAddresses[random.Next(MalformedAddresses.Length)];
                return (text[..token.Start] + bad + text[token.End..], $"replace address {Show(token.Text)} at {token.Start} with {Show(bad)}");
            }
            default:
            {
                var words = tokens.Where(t => WordRegex().IsMatch(t.Text)).ToList();
                if (words.Count == 0 || _vocabulary.Count == 0) return Insert(random, text);
                var token = words[random.Next(words.Count)];
                string word = _vocabulary[random.Next(_vocabulary.Count)];
                return (text[..token.Start] + word + text[token.End..], $"replace word {Show(token.Text)} at {token.Start} with {Show(word)}");
            }
        }
    }

    private static (string Text, string Step) Insert(Random random, string text)
    {
        int offset = random.Next(text.Length + 1);
        string junk;
        if (random.Next(4) == 0)
        {
            // Random characters: control characters, Latin-1, and anything in the BMP (lone surrogates included).
            var builder = new StringBuilder();
            int count = random.Next(1, 9);
            for (int i = 0; i < count; i++)
            {
                builder.Append(random.Next(3) switch
                {
                    0 => (char)random.Next(0, 0x20),
                    1 => (char)random.Next(0x20, 0x100),
                    _ => (char)random.Next(0, 0x10000),
                });
            }
            junk = builder.ToString();
        }
        else
        {
            junk = Junk[random.Next(Junk.Length)];
        }
        return (text.Insert(offset, junk), $"insert {Show(junk)} at offset {offset}");
    }

    /// <summary>A token or text excerpt made printable: control characters, non-ASCII and quotes escaped.</summary>
    public static string Show(string text, int max = 80)
    {
        var builder = new StringBuilder("\"");
        foreach (char c in text.Length > max ? text[..max] : text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' or > '~' => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }
        builder.Append(text.Length > max ? "\"…" : "\"");
        return builder.ToString();
    }

    /// <summary>The whole text with only the dangerous characters escaped (NUL, other controls, lone surrogates), lines kept.</summary>
    public static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool pairedSurrogate = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                                || char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1]);
            bool plain = c is '\n' or '\t' or (>= ' ' and < '\x7F') || (c > '\x9F' && !char.IsSurrogate(c) && c is not ('\uFEFF' or '\u2028' or '\u2029'));
            if (plain || pairedSurrogate)
                builder.Append(c);
            else
                builder.Append($"\\u{(int)c:X4}");
        }
        return builder.ToString();
    }
}
