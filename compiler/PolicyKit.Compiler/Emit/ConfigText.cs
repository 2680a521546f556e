using System.Buffers;
using System.Text;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// A rendered configuration as the <see cref="ConfigWriter"/> left it: UTF-8 chunks of whole
/// lines ("\n"-terminated), which are the file's bytes. A 20k-rule filter renders tens of
/// megabytes; written to its file and scanned (MP4032, the manifest's hash and names) chunk by
/// chunk, it is never made one string unless something asks for <see cref="ToString"/>. Large
/// objects' lines are kept compact and rendered as they are read (<see cref="DeferredLines"/>).
/// </summary>
public sealed class ConfigText
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly IReadOnlyList<Part> _parts;

    /// <summary>Text already rendered, in whole-line chunks.</summary>
    public ConfigText(IReadOnlyList<ReadOnlyMemory<byte>> chunks) : this(chunks.Select(c => new Part(c, null, [])).ToList())
    {
    }

    internal ConfigText(IReadOnlyList<Part> parts) => _parts = parts;

    /// <summary>
    /// The bytes in order; every chunk ends at a line end (whole UTF-8 sequences). Lines rendered
    /// as they are read come in a buffer that is reused for the next chunk: a chunk is valid
    /// until the next one is asked for, and a caller keeping part of one must copy it.
    /// </summary>
    public IEnumerable<ReadOnlyMemory<byte>> Chunks => Read(withDeferred: true);

    private IEnumerable<ReadOnlyMemory<byte>> Read(bool withDeferred)
    {
        foreach (var part in _parts)
        {
            if (part.Lines is null)
            {
                if (!part.Bytes.IsEmpty) yield return part.Bytes;
                continue;
            }
            if (withDeferred)
            {
                foreach (var chunk in part.Lines.Render(part.Indent)) yield return chunk;
                continue;
            }
            // Left out, their line ends kept: the lines after them keep their line numbers.
            for (int left = part.Lines.Count; left > 0; left -= LineEnds.Length)
            {
                yield return LineEnds.AsMemory(0, Math.Min(left, LineEnds.Length));
            }
        }
    }

    private static readonly byte[] LineEnds = Enumerable.Repeat((byte)'\n', 64 * 1024).ToArray();

    /// <summary>The text of <paramref name="text"/> as one chunk.</summary>
    public static ConfigText Of(string text) => new(text.Length == 0 ? [] : [Utf8.GetBytes(text)]);

    /// <summary>
    /// The text, one chunk at a time, decoded into a buffer that is reused for the next chunk:
    /// a caller keeping part of a chunk past it must copy that part.
    /// </summary>
    /// <remarks>
    /// Without <paramref name="withDeferred"/>, the lines kept as <see cref="DeferredLines"/> are
    /// blank (line numbers stay right): those are objects' own definitions (a filter's terms, an ACL's entries), which a
    /// reader looking for where objects are bound (MP4032) has no need to decode.
    /// </remarks>
    public IEnumerable<ReadOnlyMemory<char>> Decoded(bool withDeferred = true)
    {
        char[] buffer = [];
        try
        {
            foreach (var chunk in Read(withDeferred))
            {
                int needed = Utf8.GetMaxCharCount(chunk.Length);
                if (buffer.Length < needed)
                {
                    if (buffer.Length > 0) ArrayPool<char>.Shared.Return(buffer);
                    buffer = ArrayPool<char>.Shared.Rent(needed);
                }
                int count = Utf8.GetChars(chunk.Span, buffer);
                yield return new ReadOnlyMemory<char>(buffer, 0, count);
            }
        }
        finally
        {
            if (buffer.Length > 0) ArrayPool<char>.Shared.Return(buffer);
        }
    }

    public override string ToString()
    {
        long length = 0;
        foreach (var chunk in Chunks) length += Utf8.GetCharCount(chunk.Span);
        return string.Create(checked((int)length), this, static (text, self) =>
        {
            foreach (var chunk in self.Chunks) text = text[Utf8.GetChars(chunk.Span, text)..];
        });
    }

    /// <summary>Bytes already rendered, or lines rendered when read (after <paramref name="Indent"/> each).</summary>
    internal readonly record struct Part(ReadOnlyMemory<byte> Bytes, DeferredLines? Lines, byte[] Indent);
}
