using System.Text;

namespace PolicyKit.Compiler.Emit.Junos;

/// <summary>
/// The body of a Junos object (the lines after <c>set KIND NAME</c>) held as UTF-8, one line
/// after the other, instead of a string per line: a 20k-rule filter is 100k+ lines, and the book
/// keeps every body until the whole device is written. Lines are checked for line breaks and
/// trimmed as <see cref="ConfigWriter.Line(string)"/> would when they come in.
/// </summary>
public sealed class JunosBody
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly byte[] _bytes;
    private readonly int[] _ends;   // _ends[i]: where line i ends in _bytes

    public JunosBody(IReadOnlyList<string> lines)
    {
        _ends = new int[lines.Count];
        int total = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            ConfigWriter.RefuseLineBreak(lines[i]);
            total += Utf8.GetByteCount(lines[i].AsSpan().TrimEnd());
        }
        _bytes = new byte[total];
        int at = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            at += Utf8.GetBytes(lines[i].AsSpan().TrimEnd(), _bytes.AsSpan(at));
            _ends[i] = at;
        }
    }

    public int Count => _ends.Length;

    /// <summary>Line <paramref name="index"/> as UTF-8 (empty for an empty line).</summary>
    public ReadOnlySpan<byte> Line(int index)
    {
        int start = index == 0 ? 0 : _ends[index - 1];
        return _bytes.AsSpan(start, _ends[index] - start);
    }

    public bool SameAs(JunosBody other) => _ends.AsSpan().SequenceEqual(other._ends) && _bytes.AsSpan().SequenceEqual(other._bytes);
}
