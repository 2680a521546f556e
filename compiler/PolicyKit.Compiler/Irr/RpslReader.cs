using System.Collections.Immutable;

namespace PolicyKit.Compiler.Irr;

/// <summary>
/// Reads RPSL text as IRR databases export it (RFC 2622 §2; a whois dump or an <c>irrd</c>
/// export): objects are paragraphs separated by blank lines; an attribute line is
/// <c>name: value</c> starting in column 1; a line starting with a space, a tab or '+' continues
/// the attribute above it; '#' starts a comment to the end of the line, and lines starting with
/// '%' or '#' are comments (whois servers write '%' lines). The data is hostile until checked:
/// a line that is none of these, a control character, an over-long line or an object too big is
/// an error with its place, the object it is in is skipped, and reading goes on with the next
/// object, so one bad object is reported once and never takes the rest of the file with it.
/// </summary>
public static class RpslReader
{
    /// <summary>The longest line read (RPSL lines are short; a long one is garbage or an attack).</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>The most attribute and continuation lines in one object (a large as-set has a few thousand).</summary>
    public const int MaxObjectLines = 100_000;

    /// <summary>The objects of <paramref name="text"/>, in order; each error goes to <paramref name="error"/>.</summary>
    public static IEnumerable<RpslObject> Read(string text, Action<RpslError> error)
    {
        var attributes = ImmutableArray.CreateBuilder<RpslAttribute>();
        // The attribute being read: its name, value pieces and where it started.
        string? name = null;
        var value = new System.Text.StringBuilder();
        int attributeStart = 0, attributeEnd = 0, objectLines = 0;
        bool broken = false;   // the object has an error: skip the rest of it

        int position = 0;
        while (position <= text.Length)
        {
            int end = text.IndexOf('\n', position);
            if (end < 0) end = text.Length;
            int lineEnd = end > position && text[end - 1] == '\r' ? end - 1 : end;
            var line = text.AsSpan(position, lineEnd - position);
            int lineStart = position;
            position = end + 1;

            if (line.IsWhiteSpace())
            {
                if (FinishObject() is { } done) yield return done;
                if (end >= text.Length) break;
                continue;
            }
            if (broken) continue;
            if (line.Length > MaxLineLength)
            {
                Fail(lineStart, 1, $"line is longer than {MaxLineLength} characters");
                continue;
            }
            if (++objectLines > MaxObjectLines)
            {
                Fail(lineStart, 1, $"object has more than {MaxObjectLines} lines");
                continue;
            }
            if (line[0] is '%' or '#') continue;
            int control = IndexOfControl(line);
            if (control >= 0)
            {
                Fail(lineStart + control, 1, line[control] == '\uFFFD' ? "bytes that are not UTF-8 text" : $"control character U+{(int)line[control]:X4}");
                continue;
            }
            if (line[0] is ' ' or '\t' or '+')
            {
                if (name is null)
                {
                    Fail(lineStart, 1, "continuation line with no attribute above it");
                    continue;
                }
                AppendValue(line[1..]);
                attributeEnd = lineEnd;
                continue;
            }
            int colon = line.IndexOf(':');
            if (colon <= 0 || !IsAttributeName(line[..colon]))
            {
                Fail(lineStart, Math.Max(1, Math.Min(line.Length, 40)), "expected 'attribute: value' (an attribute name in column 1, then ':')");
                continue;
            }
            FinishAttribute();
            name = line[..colon].ToString().ToLowerInvariant();
            attributeStart = lineStart;
            attributeEnd = lineEnd;
            AppendValue(line[(colon + 1)..]);
            if (end >= text.Length) break;
        }
        if (FinishObject() is { } last) yield return last;

        void AppendValue(ReadOnlySpan<char> piece)
        {
            int comment = piece.IndexOf('#');
            if (comment >= 0) piece = piece[..comment];
            piece = piece.Trim();
            if (piece.IsEmpty) return;
            if (value.Length > 0) value.Append(' ');
            value.Append(piece);
        }

        void FinishAttribute()
        {
            if (name is null) return;
            attributes.Add(new RpslAttribute(name, value.ToString(), attributeStart, attributeEnd - attributeStart));
            name = null;
            value.Clear();
        }

        void Fail(int offset, int length, string message)
        {
            error(new RpslError(offset, length, message));
            broken = true;
            name = null;
            value.Clear();
            attributes.Clear();
        }

        RpslObject? FinishObject()
        {
            FinishAttribute();
            broken = false;
            objectLines = 0;
            if (attributes.Count == 0) return null;
            var done = new RpslObject(attributes.ToImmutable());
            attributes.Clear();
            return done;
        }
    }

    private static bool IsAttributeName(ReadOnlySpan<char> name)
    {
        if (name.Length > 64 || !char.IsAsciiLetter(name[0])) return false;
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_') return false;
        }
        return true;
    }

    private static int IndexOfControl(ReadOnlySpan<char> line)
    {
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c != '\t' && (char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFFFD')) return i;
        }
        return -1;
    }
}
