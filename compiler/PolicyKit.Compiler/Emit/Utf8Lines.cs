namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Lines held as UTF-8 one after the other with their end offsets, instead of a string per line:
/// what a backend keeps of a large object until its device is written (a Junos body, an IOS ACL:
/// 80k–100k+ lines for a 20k-rule filter). Append-only. A line is written into
/// <see cref="Reserve"/>'s span and kept by <see cref="Commit"/>, so a caller may look at it
/// first and leave it out (a repeat).
/// </summary>
internal sealed class Utf8Lines
{
    private byte[] _bytes = [];
    private int _length;
    private int[] _ends = [];   // _ends[i]: where line i ends in _bytes
    private int _count;

    public int Count => _count;

    /// <summary>Line <paramref name="index"/> (empty for an empty line).</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            int start = index == 0 ? 0 : _ends[index - 1];
            return _bytes.AsSpan(start, _ends[index] - start);
        }
    }

    /// <summary>Room for the next line, at least <paramref name="bytes"/> long; nothing is kept until <see cref="Commit"/>.</summary>
    public Span<byte> Reserve(int bytes)
    {
        if (_bytes.Length - _length < bytes) Array.Resize(ref _bytes, Math.Max(_length + bytes, Math.Max(256, _bytes.Length * 2)));
        return _bytes.AsSpan(_length);
    }

    /// <summary>Keeps the first <paramref name="length"/> bytes written into <see cref="Reserve"/>'s span as the next line.</summary>
    public void Commit(int length)
    {
        if (_count == _ends.Length) Array.Resize(ref _ends, Math.Max(16, _ends.Length * 2));
        _length += length;
        _ends[_count++] = _length;
    }

    /// <summary>Room for <paramref name="lines"/> more lines of <paramref name="bytes"/> bytes in all, made at once.</summary>
    public void EnsureCapacity(int lines, int bytes)
    {
        Reserve(bytes);
        if (_ends.Length < _count + lines) Array.Resize(ref _ends, _count + lines);
    }

    /// <summary>The bytes of every line, without their ends.</summary>
    public int ByteCount => _length;

    /// <summary>Gives back the unused room when it is more than an eighth (the arrays grow by doubling).</summary>
    public void TrimExcess()
    {
        if (_bytes.Length - _length > _bytes.Length / 8) Array.Resize(ref _bytes, _length);
        if (_ends.Length - _count > _ends.Length / 8) Array.Resize(ref _ends, _count);
    }

    public bool SameAs(Utf8Lines other) =>
        _count == other._count && _ends.AsSpan(0, _count).SequenceEqual(other._ends.AsSpan(0, _count)) &&
        _bytes.AsSpan(0, _length).SequenceEqual(other._bytes.AsSpan(0, other._length));
}
