using System.Buffers;
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

    private byte[] _bytes = [];
    private int _length;
    private int[] _ends = [];   // _ends[i]: where line i ends in _bytes
    private int _count;

    public JunosBody()
    {
    }

    public JunosBody(IReadOnlyList<string> lines)
    {
        foreach (var line in lines) Add(line);
    }

    public int Count => _count;

    /// <summary>Adds one line.</summary>
    public void Add(ReadOnlySpan<char> line)
    {
        ConfigWriter.RefuseLineBreak(line);
        line = line.TrimEnd();
        Grow(Utf8.GetMaxByteCount(line.Length));
        _length += Utf8.GetBytes(line, _bytes.AsSpan(_length));
        if (_count == _ends.Length) Array.Resize(ref _ends, Math.Max(16, _ends.Length * 2));
        _ends[_count++] = _length;
    }

    /// <summary>Adds the line <paramref name="a"/><paramref name="b"/><paramref name="c"/><paramref name="d"/> without making it a string first.</summary>
    public void Add(ReadOnlySpan<char> a, ReadOnlySpan<char> b, ReadOnlySpan<char> c, ReadOnlySpan<char> d)
    {
        int length = a.Length + b.Length + c.Length + d.Length;
        char[] buffer = ArrayPool<char>.Shared.Rent(length);
        try
        {
            a.CopyTo(buffer);
            b.CopyTo(buffer.AsSpan(a.Length));
            c.CopyTo(buffer.AsSpan(a.Length + b.Length));
            d.CopyTo(buffer.AsSpan(a.Length + b.Length + c.Length));
            Add(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Line <paramref name="index"/> as UTF-8 (empty for an empty line).</summary>
    public ReadOnlySpan<byte> Line(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        int start = index == 0 ? 0 : _ends[index - 1];
        return _bytes.AsSpan(start, _ends[index] - start);
    }

    public bool SameAs(JunosBody other) =>
        _count == other._count && _ends.AsSpan(0, _count).SequenceEqual(other._ends.AsSpan(0, _count)) && _bytes.AsSpan(0, _length).SequenceEqual(other._bytes.AsSpan(0, other._length));

    private void Grow(int more)
    {
        if (_bytes.Length - _length >= more) return;
        Array.Resize(ref _bytes, Math.Max(_length + more, Math.Max(256, _bytes.Length * 2)));
    }
}
