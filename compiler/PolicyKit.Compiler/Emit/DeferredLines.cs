using System.Buffers;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Lines a <see cref="ConfigWriter"/> keeps in the compact form a backend already holds them in
/// (a Junos body, an IOS ACL's entries) and renders only when the text is read: a 20k-rule
/// filter's lines were otherwise made twice — once compact, once in the writer's blocks, 12 MB
/// for a Junos filter, held together until the file was written (issue 18).
/// </summary>
/// <remarks>
/// Only the lines of an object's own definition go here, never a statement that binds an object
/// somewhere (an interface's access-group, a filter input): MP4032 looks for those without
/// reading deferred lines (<see cref="ConfigText.Decoded(bool)"/>). What a line holds is the implementer's: no line break (checked when the lines came in) and no
/// trailing white space, as <see cref="ConfigWriter.Line(string)"/> would have left it. The
/// source must not change once handed over; it may be rendered several times (written, hashed,
/// scanned) and from several threads.
/// </remarks>
public abstract class DeferredLines
{
    // Lines are rendered into a buffer of this size, handed out one chunk at a time.
    private const int ChunkSize = 128 * 1024;

    public abstract int Count { get; }

    /// <summary>At most how many bytes line <paramref name="index"/> takes (without indentation or line end).</summary>
    public abstract int MaxByteCount(int index);

    /// <summary>Writes line <paramref name="index"/> into <paramref name="destination"/> (at least <see cref="MaxByteCount"/> long); returns the bytes written.</summary>
    public abstract int Write(int index, Span<byte> destination);

    /// <summary>
    /// The lines, each after <paramref name="indent"/> and ending in "\n", in chunks of whole
    /// lines. The chunks share one buffer: a chunk is valid until the next one is asked for.
    /// </summary>
    internal IEnumerable<ReadOnlyMemory<byte>> Render(byte[] indent)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int used = 0;
            for (int i = 0; i < Count; i++)
            {
                int most = indent.Length + MaxByteCount(i) + 1;
                if (buffer.Length - used < most)
                {
                    if (used > 0) yield return new ReadOnlyMemory<byte>(buffer, 0, used);
                    used = 0;
                    if (buffer.Length < most)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(most);
                    }
                }
                indent.CopyTo(buffer.AsSpan(used));
                used += indent.Length;
                used += Write(i, buffer.AsSpan(used));
                buffer[used++] = (byte)'\n';
            }
            if (used > 0) yield return new ReadOnlyMemory<byte>(buffer, 0, used);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
