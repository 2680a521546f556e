namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Lines held as UTF-8 one after the other with their end offsets, instead of a string per line:
/// what a backend keeps of a large object until its device is written (a Junos body, an IOS ACL:
/// 80k–100k+ lines for a 20k-rule filter). Append-only. A line is written into
/// <see cref="Reserve"/>'s span and kept by <see cref="Commit"/>, so a caller may look at it
/// first and leave it out (a repeat).
/// </summary>
/// <remarks>
/// The bytes are kept in blocks that are never copied once full: the first grows by doubling up
/// to <see cref="BlockSize"/> (most lists are a few lines), then a new block is started whenever
/// a line does not fit in the current one, so a line is never split. One array grown by doubling
/// allocated twice the final size and held one and a half times it while it copied (a 20k-rule
/// Junos filter's body is 7 MB).
/// </remarks>
internal sealed class Utf8Lines
{
    // Above the large-object threshold (85,000 bytes), as ConfigWriter's: the collector never copies a block.
    private const int BlockSize = 128 * 1024;

    private readonly List<byte[]> _blocks = [];
    private byte[] _current = [];
    private int _used;           // bytes of _current taken by committed lines
    private long[] _ends = [];   // line i ends at (block << 32 | offset)
    private int _count;
    private long _byteCount;

    public int Count => _count;

    /// <summary>The bytes of every line, without their ends.</summary>
    public long ByteCount => _byteCount;

    /// <summary>Line <paramref name="index"/> (empty for an empty line).</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            long end = _ends[index];
            int block = (int)(end >> 32);
            // A line starts where the one before it ended, unless it opened a new block.
            int start = index > 0 && (_ends[index - 1] >> 32) == block ? (int)_ends[index - 1] : 0;
            return _blocks[block].AsSpan(start, (int)end - start);
        }
    }

    /// <summary>Room for the next line, at least <paramref name="bytes"/> long; nothing is kept until <see cref="Commit"/>.</summary>
    public Span<byte> Reserve(int bytes)
    {
        if (_current.Length - _used >= bytes) return _current.AsSpan(_used);
        if (_blocks.Count <= 1 && _current.Length < BlockSize)
        {
            // Still the first block: grown in place (line offsets stay valid).
            int size = Math.Max(_used + bytes, Math.Min(BlockSize, Math.Max(256, _current.Length * 2)));
            Array.Resize(ref _current, size);
            if (_blocks.Count == 0) _blocks.Add(_current);
            else _blocks[0] = _current;
        }
        else
        {
            // Only the part written is ever read: the block need not be cleared.
            _current = GC.AllocateUninitializedArray<byte>(Math.Max(BlockSize, bytes));
            _blocks.Add(_current);
            _used = 0;
        }
        return _current.AsSpan(_used);
    }

    /// <summary>Keeps the first <paramref name="length"/> bytes written into <see cref="Reserve"/>'s span as the next line.</summary>
    public void Commit(int length)
    {
        if (_count == _ends.Length) Array.Resize(ref _ends, Math.Max(16, _ends.Length * 2));
        if (_blocks.Count == 0) _blocks.Add(_current);   // empty lines before any byte
        _used += length;
        _byteCount += length;
        _ends[_count++] = (long)(_blocks.Count - 1) << 32 | (uint)_used;
    }

    /// <summary>Room for <paramref name="lines"/> more lines, made at once.</summary>
    public void EnsureCapacity(int lines)
    {
        if (_ends.Length < _count + lines) Array.Resize(ref _ends, _count + lines);
    }

    /// <summary>Gives back the unused room when it is more than an eighth.</summary>
    public void TrimExcess()
    {
        if (_current.Length - _used > _current.Length / 8)
        {
            Array.Resize(ref _current, _used);
            if (_blocks.Count > 0) _blocks[^1] = _current;
        }
        if (_ends.Length - _count > _ends.Length / 8) Array.Resize(ref _ends, _count);
    }

    public bool SameAs(Utf8Lines other)
    {
        if (_count != other._count || _byteCount != other._byteCount) return false;
        for (int i = 0; i < _count; i++)
        {
            if (!this[i].SequenceEqual(other[i])) return false;
        }
        return true;
    }
}
