using System.Text;

namespace PolicyKit.Compiler.Output;

/// <summary>
/// Keeps control characters from a policy out of a terminal or CI log: an ESC in a broken
/// policy must not recolour the screen, a NUL must not truncate a log line.
/// </summary>
internal static class Printable
{
    /// <summary>For messages: control characters become \u001B-style escapes.</summary>
    public static string Escape(string text)
    {
        if (!text.Any(IsControl)) return text;
        var result = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (IsControl(c)) result.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            else result.Append(c);
        }
        return result.ToString();
    }

    /// <summary>For source lines under which carets are drawn: one replacement character per control character, so columns stay aligned.</summary>
    public static string Mask(string text) =>
        text.Any(IsControl) ? new string(text.Select(c => IsControl(c) ? '\uFFFD' : c).ToArray()) : text;

    private static bool IsControl(char c) => char.IsControl(c) && c != '\t';
}
