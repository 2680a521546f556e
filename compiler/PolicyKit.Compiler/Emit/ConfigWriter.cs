namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Builds a configuration file line by line with the platform's comment marker and indentation.
/// Always "\n" line endings and no trailing spaces, so output is byte-identical everywhere.
/// </summary>
/// <remarks>
/// The text is kept as UTF-8 in large blocks rather than in a StringBuilder: a device's
/// configuration can be megabytes, and a StringBuilder's small chunks, alive until the file is
/// done, are copied by every garbage collection on the way (that was a good part of a large
/// compile's time). Blocks are large-object-heap arrays the collector does not move and hold the
/// bytes the file is written as (half the memory of chars). Lines are never split between
/// blocks, so <see cref="Detach"/> hands the text over as whole-line chunks (the file's
/// <see cref="ConfigText"/>, written from them), and the blocks go with it.
/// </remarks>
public sealed class ConfigWriter(string commentMarker, string indentUnit = " ")
{
    // Above the large-object threshold (85,000 bytes): the collector never copies a block.
    private const int BlockSize = 128 * 1024;

    // As the files were always written: no byte-order mark; a lone surrogate becomes U+FFFD.
    private static readonly System.Text.UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    // The text so far: slices of full or earlier blocks, and deferred lines; then _current[_sliceStart.._used].
    private readonly List<ConfigText.Part> _parts = [];
    private byte[]? _current;
    private int _sliceStart;
    private int _used;
    private int _depth;

    public string CommentMarker => commentMarker;

    public ConfigWriter Line(string line)
    {
        RefuseLineBreak(line);
        var trimmed = line.AsSpan().TrimEnd();
        Reserve(trimmed.IsEmpty ? 1 : _depth * Utf8.GetByteCount(indentUnit) + Utf8.GetByteCount(trimmed) + 1);
        if (!trimmed.IsEmpty)
        {
            for (int i = 0; i < _depth; i++) Write(indentUnit);
            Write(trimmed);
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
        Reserve(_depth * Utf8.GetByteCount(indentUnit) + Utf8.GetByteCount(head) + Utf8.GetByteCount(trimmedTail) + 1);
        for (int i = 0; i < _depth; i++) Write(indentUnit);
        Write(head);
        Write(trimmedTail);
        Write("\n");
        return this;
    }

    /// <summary>
    /// Lines kept in their compact form and rendered when the text is read (<see cref="DeferredLines"/>),
    /// at the current indentation: for objects of tens of thousands of lines.
    /// </summary>
    public ConfigWriter Deferred(DeferredLines lines)
    {
        if (lines.Count == 0) return this;
        Flush();
        _parts.Add(new ConfigText.Part(default, lines, Utf8.GetBytes(string.Concat(Enumerable.Repeat(indentUnit, _depth)))));
        return this;
    }

    /// <summary>
    /// The last line of defence against command injection: a value from the policy (a name, a
    /// description, a secret) that still held a line break here would put a command of its own
    /// into the configuration. The checks before the backends refuse such values with a
    /// diagnostic (MP1030, MP4020); reaching this is a bug, and a compile that stops with an
    /// internal error is better than a configuration with an injected line.
    /// </summary>
    internal static void RefuseLineBreak(ReadOnlySpan<char> text)
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
        Flush();
        other.Flush();
        _parts.AddRange(other._parts);
        // Writing goes on in this writer's block; the other's free space is left unused.
        other._parts.Clear();
        other._current = null;
        other._sliceStart = 0;
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

    /// <summary>
    /// Hands the text written so far over as a <see cref="ConfigText"/> (its blocks, not a copy:
    /// a large configuration is written to its file from them, never made one string); the
    /// writer is empty afterwards.
    /// </summary>
    public ConfigText Detach()
    {
        Flush();
        var text = new ConfigText([.. _parts]);
        _parts.Clear();
        _current = null;
        _sliceStart = 0;
        _used = 0;
        return text;
    }

    /// <summary>Nothing written yet (deferred lines are never empty).</summary>
    public bool IsEmpty => _used == _sliceStart && _parts.TrueForAll(p => p.Lines is null && p.Bytes.IsEmpty);

    /// <summary>The text written so far (a copy; the writer keeps it).</summary>
    public override string ToString()
    {
        var parts = new List<ConfigText.Part>(_parts);
        if (_current is not null) parts.Add(new ConfigText.Part(new ReadOnlyMemory<byte>(_current, _sliceStart, _used - _sliceStart), null, []));
        return new ConfigText(parts).ToString();
    }

    // Ends the slice of the current block written since the last part; writing goes on after it.
    private void Flush()
    {
        if (_current is not null && _used > _sliceStart) _parts.Add(new ConfigText.Part(new ReadOnlyMemory<byte>(_current, _sliceStart, _used - _sliceStart), null, []));
        _sliceStart = _used;
    }

    /// <summary>
    /// Starts a new block unless the current one has room for <paramref name="length"/> more
    /// characters, so that no line is split between blocks (a <see cref="ConfigText"/> is read
    /// block by block, line by line). A line longer than a block gets a block of its own size.
    /// </summary>
    private void Reserve(int length)
    {
        if (_current is not null && _current.Length - _used >= length) return;
        Flush();
        // Only the part written is ever read: the block need not be cleared.
        _current = GC.AllocateUninitializedArray<byte>(Math.Max(BlockSize, length));
        _sliceStart = 0;
        _used = 0;
    }

    // Always after Reserve: the whole line fits the current block.
    private void Write(ReadOnlySpan<char> text)
    {
        _used += Utf8.GetBytes(text, _current.AsSpan(_used));
    }

    private sealed class Scope(Action onDispose) : IDisposable
    {
        public void Dispose() => onDispose();
    }
}
