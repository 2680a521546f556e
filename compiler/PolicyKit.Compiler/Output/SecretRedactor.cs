using System.Text.RegularExpressions;

namespace PolicyKit.Compiler.Output;

/// <summary>
/// Masks inline secrets in a source line before it is printed under a diagnostic. The design
/// rule is that secrets never reach diagnostics or logs, yet the caret snippet quotes the
/// policy's own text — and the line that carries "a secret is written inline" (MP3021) is the
/// very line that holds one. The mask keeps the length, so carets stay aligned.
/// </summary>
internal static partial class SecretRedactor
{
    // A quoted string right after a keyword whose string form is an inline secret
    // (`secret "…"`, and TLS `key`/`cert`/`ca "…"`). env("…") and file("…") are references,
    // not secrets, and do not match because '(' follows the keyword. An unterminated string
    // (a syntax error) is masked to the end of the line.
    [GeneratedRegex("""\b(?:secret|key|cert|ca)\s+"((?:[^"\\]|\\.)*)("|$)""", RegexOptions.CultureInvariant)]
    private static partial Regex InlineSecret();

    public static string Redact(string line)
    {
        if (!line.Contains('"')) return line;
        return InlineSecret().Replace(line, match =>
        {
            var value = match.Groups[1];
            if (value.Length == 0) return match.Value;
            int offset = value.Index - match.Index;
            return string.Concat(match.Value.AsSpan(0, offset), new string('*', value.Length), match.Value.AsSpan(offset + value.Length));
        });
    }
}
