using System.Text;

namespace PolicyKit.Compiler.Emit.Junos;

/// <summary>
/// The body of a Junos object (the lines after <c>set KIND NAME</c>) held as UTF-8, one line
/// after the other, instead of a string per line: a 20k-rule filter is 100k+ lines, built term by
/// term and kept by the book until the whole device is written. Each line is checked for line
/// breaks and trimmed as <see cref="ConfigWriter.Line(string)"/> would, when it comes in.
/// </summary>
public sealed class JunosBody
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Utf8Lines _lines = new();

    public JunosBody()
    {
    }

    public JunosBody(IReadOnlyList<string> lines)
    {
        foreach (var line in lines) Add(line);
    }

    public int Count => _lines.Count;

    /// <summary>Adds one line.</summary>
    public void Add(ReadOnlySpan<char> line)
    {
        ConfigWriter.RefuseLineBreak(line);
        line = line.TrimEnd();
        _lines.Commit(Utf8.GetBytes(line, _lines.Reserve(Utf8.GetMaxByteCount(line.Length))));
    }

    /// <summary>Adds the line <paramref name="a"/><paramref name="b"/><paramref name="c"/><paramref name="d"/> without making it a string first.</summary>
    public void Add(ReadOnlySpan<char> a, ReadOnlySpan<char> b, ReadOnlySpan<char> c, ReadOnlySpan<char> d)
    {
        ConfigWriter.RefuseLineBreak(a);
        ConfigWriter.RefuseLineBreak(b);
        ConfigWriter.RefuseLineBreak(c);
        ConfigWriter.RefuseLineBreak(d);
        // Encoded part by part into the line's room; trailing white space is trimmed as Add trims
        // it, from the bytes when the line ends in ASCII (always, for what the backends write).
        var room = _lines.Reserve(Utf8.GetMaxByteCount(a.Length + b.Length + c.Length + d.Length));
        int length = Utf8.GetBytes(a, room);
        length += Utf8.GetBytes(b, room[length..]);
        length += Utf8.GetBytes(c, room[length..]);
        length += Utf8.GetBytes(d, room[length..]);
        while (length > 0 && room[length - 1] < 0x80 && char.IsWhiteSpace((char)room[length - 1])) length--;
        if (length > 0 && room[length - 1] >= 0x80)
        {
            // Possibly non-ASCII white space at the end: trimmed as text.
            var trimmed = Utf8.GetString(room[..length]).AsSpan().TrimEnd();
            length = Utf8.GetBytes(trimmed, room);
        }
        _lines.Commit(length);
    }

    public bool SameAs(JunosBody other) => _lines.SameAs(other._lines);

    /// <summary>
    /// The body as the set lines that define the object: <paramref name="head"/> (<c>set KIND NAME</c>)
    /// and a space before each line; an empty line is the head alone. Rendered when read; the body
    /// must not change afterwards.
    /// </summary>
    public DeferredLines AsSetLines(string head)
    {
        ConfigWriter.RefuseLineBreak(head);
        return new SetLines(Utf8.GetBytes(head), _lines);
    }

    private sealed class SetLines(byte[] head, Utf8Lines lines) : DeferredLines
    {
        public override int Count => lines.Count;

        public override int MaxByteCount(int index) => head.Length + 1 + lines[index].Length;

        public override int Write(int index, Span<byte> destination)
        {
            // Lines were trimmed when they came in (Add): head + " " + line ends as the line does.
            var line = lines[index];
            head.CopyTo(destination);
            if (line.IsEmpty) return head.Length;
            destination[head.Length] = (byte)' ';
            line.CopyTo(destination[(head.Length + 1)..]);
            return head.Length + 1 + line.Length;
        }
    }
}
