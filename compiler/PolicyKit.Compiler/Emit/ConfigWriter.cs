using System.Buffers;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Builds a configuration file line by line with the platform's comment marker and indentation.
/// Always "\n" line endings and no trailing spaces, so output is byte-identical everywhere.
/// </summary>
/// <remarks>
/// The text is kept in large pooled blocks rather than in a StringBuilder: a device's
/// configuration can be megabytes, and a StringBuilder's small chunks, alive until the file is
/// done, are copied by every garbage collection on the way (that was a good part of a large
/// compile's time). Blocks are large-object-heap arrays the collector does not move, and
/// <see cref="Release"/> hands them back for the next device.
/// </remarks>
public sealed class ConfigWriter(string commentMarker, string indentUnit = " ")
{
    private const int BlockSize = 64 * 1024;

    // Only ConfigWriters use this pool, and a block's stale text is never read (only the part
    // written since it was rented is), so blocks are not cleared when returned.
    private static readonly ArrayPool<char> Blocks = ArrayPool<char>.Create(BlockSize, 256);

    private readonly List<(char[] Block, int Length)> _full = [];
    private char[]? _current;
    private int _used;
    private int _depth;

    public string CommentMarker => commentMarker;

    public ConfigWriter Line(string line)
    {
        RefuseLineBreak(line);
        if (line.Length > 0)
        {
            for (int i = 0; i < _depth; i++) Write(indentUnit);
            Write(line.AsSpan().TrimEnd());
        }
        Write("\n");
        return this;
    }

    /// <summary>Writes <paramref name="head"/> followed by <paramref name="tail"/> as one line, as <c>Line(head + tail)</c> would, without making that string.</summary>
    public ConfigWriter Line(ReadOnlySpan<char> head, string tail)
    {
        RefuseLineBreak(head);
        RefuseLineBreak(tail);
        var trimmedTail = tail.AsSpan().TrimEnd();
        if (trimmedTail.IsEmpty) return Line(string.Concat(head, tail));
        for (int i = 0; i < _depth; i++) Write(indentUnit);
        Write(head);
        Write(trimmedTail);
        Write("\n");
        return this;
    }

    /// <summary>
    /// The last line of defence against command injection: a value from the policy (a name, a
    /// description, a secret) that still held a line break here would put a command of its own
    /// into the configuration. The checks before the backends refuse such values with a
    /// diagnostic (MP1030, MP4020); reaching this is a bug, and a compile that stops with an
    /// internal error is better than a configuration with an injected line.
    /// </summary>
    private static void RefuseLineBreak(ReadOnlySpan<char> text)
    {
        if (text.IndexOfAny('\n', '\r') >= 0 || text.IndexOfAny('\u0085', '\u2028', '\u2029') >= 0)
            throw new InvalidOperationException("a configuration line holds a line break (a value from the policy was not checked)");
    }

    public ConfigWriter Comment(string text)
    {
        foreach (var part in text.Split('\n')) Line(part.Length == 0 ? commentMarker : $"{commentMarker} {part}");
        return this;
    }

    public ConfigWriter Blank() => Line(string.Empty);

    /// <summary>
    /// Moves the text another writer produced (e.g. a body rendered before its definitions) to
    /// the end of this one; the other writer is left empty.
    /// </summary>
    public ConfigWriter Append(ConfigWriter other)
    {
        if (_current is not null) _full.Add((_current, _used));
        _full.AddRange(other._full);
        if (other._current is not null) _full.Add((other._current, other._used));
        // Writing continues in a fresh block: the moved blocks' free space is left unused.
        _current = null;
        _used = 0;
        other._full.Clear();
        other._current = null;
        other._used = 0;
        return this;
    }

    /// <summary>Indents the lines written inside the returned scope.</summary>
    public IDisposable Indent()
    {
        _depth++;
        return new Scope(() => _depth--);
    }

    /// <summary>Writes an opening line, indents the body, writes the closing line (if any).</summary>
    public void Block(string open, Action body, string? close = null)
    {
        Line(open);
        using (Indent()) body();
        if (close is not null) Line(close);
    }

    public override string ToString()
    {
        int length = _used;
        foreach (var (_, used) in _full) length += used;
        return string.Create(length, this, static (text, writer) =>
        {
            foreach (var (block, used) in writer._full)
            {
                block.AsSpan(0, used).CopyTo(text);
                text = text[used..];
            }
            writer._current?.AsSpan(0, writer._used).CopyTo(text);
        });
    }

    /// <summary>Gives the blocks back for other writers; the writer is empty afterwards.</summary>
    public void Release()
    {
        foreach (var (block, _) in _full) Blocks.Return(block);
        if (_current is not null) Blocks.Return(_current);
        _full.Clear();
        _current = null;
        _used = 0;
    }

    private void Write(ReadOnlySpan<char> text)
    {
        while (text.Length > 0)
        {
            if (_current is null || _used == _current.Length)
            {
                if (_current is not null) _full.Add((_current, _used));
                _current = Blocks.Rent(BlockSize);
                _used = 0;
            }
            int count = Math.Min(text.Length, _current.Length - _used);
            text[..count].CopyTo(_current.AsSpan(_used));
            _used += count;
            text = text[count..];
        }
    }

    private sealed class Scope(Action onDispose) : IDisposable
    {
        public void Dispose() => onDispose();
    }
}
