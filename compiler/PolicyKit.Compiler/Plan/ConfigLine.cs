namespace PolicyKit.Compiler.Plan;

/// <summary>
/// One configuration statement with the block it stands in: for IOS-XE, IOS XR and FRR the
/// headers of the enclosing blocks (by indentation, outermost first); for Junos set lines none.
/// <see cref="LineNumber"/> is where it stands in its file (1-based), for diagnostics.
/// </summary>
public sealed record ConfigLine(IReadOnlyList<string> Context, string Text, int LineNumber)
{
    /// <summary>PolicyKit owns every object whose name starts with this.</summary>
    public const string OwnedPrefix = Model.SiteObject.OwnedPrefix;

    /// <summary>Context and text as one key: two statements are the same when this is.</summary>
    public string Key => Context.Count == 0 ? Text : string.Join(" \u001f ", Context) + " \u001f " + Text;

    /// <summary>The statement names an object PolicyKit owns.</summary>
    public bool NamesOwned => Words.Any(IsOwnedName);

    public string[] Words => Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static bool IsOwnedName(string word) => word.StartsWith(OwnedPrefix, StringComparison.Ordinal);

    /// <summary>A test on a statement (trimmed) and its indentation, made before the statement is kept.</summary>
    public delegate bool StatementFilter(ReadOnlySpan<char> statement, int indent);

    // What ends a line (string.ReplaceLineEndings' set; CR LF is one break).
    private static readonly System.Buffers.SearchValues<char> LineBreaks = System.Buffers.SearchValues.Create("\r\n\f\u0085\u2028\u2029");

    /// <summary>
    /// Reads a configuration: comments (<paramref name="commentMarker"/>, or '#' and '!' lines),
    /// blank lines and block ends (<c>exit</c>, <c>end</c>, <c>exit-address-family</c>,
    /// <c>end-set</c>, <c>end-policy</c>) are left out; an indented line belongs to the nearest
    /// less indented line before it.
    /// </summary>
    public static List<ConfigLine> Parse(string text, string commentMarker) => Parse(text, commentMarker, null);

    /// <summary>
    /// As <see cref="Parse(string, string)"/>, returning only the statements <paramref name="keep"/>
    /// accepts (every statement still opens its block for the lines under it). A compiled file is
    /// megabytes of statements of which a few are wanted (MP4032 looks for bindings in every
    /// compiled file): the others cost no string, no context and no record.
    /// </summary>
    public static List<ConfigLine> Parse(string text, string commentMarker, StatementFilter? keep) => Parse([text.AsMemory()], commentMarker, keep);

    /// <summary>
    /// As <see cref="Parse(string, string, StatementFilter?)"/> over a text in chunks, each ending
    /// at a line end (<see cref="Emit.ConfigText.Decoded"/>); a chunk's memory may be reused once
    /// the next one is asked for.
    /// </summary>
    public static List<ConfigLine> Parse(IEnumerable<ReadOnlyMemory<char>> chunks, string commentMarker, StatementFilter? keep)
    {
        var lines = new List<ConfigLine>();
        // The open blocks, outermost first: their header's text, made a string only when a kept line needs it.
        var stack = new List<(int Indent, ReadOnlyMemory<char> Text, string? Header)>();
        // The headers of the first context.Length open blocks: shared by the lines they head, made
        // again only when a block of theirs closed or the line stands deeper.
        string[] context = [];
        int number = 0;
        foreach (var chunk in chunks)
        {
            var text = chunk.Span;
            int at = 0;
            // A chunk's lines; what follows its last line break is the next chunk's (or, after the last, the file's end).
            while (at < text.Length)
            {
                int length = text[at..].IndexOfAny(LineBreaks);
                if (length < 0) length = text.Length - at;
                int next = at + length + (at + length + 1 < text.Length && text[at + length] == '\r' && text[at + length + 1] == '\n' ? 2 : 1);
                var raw = text.Slice(at, length);
                int lineStart = at;
                at = next;
                number++;
                var trimmed = raw.Trim();
                if (Skipped(trimmed, commentMarker)) continue;
                int indent = raw.Length - raw.TrimStart().Length;
                while (stack.Count > 0 && stack[^1].Indent >= indent) stack.RemoveAt(stack.Count - 1);
                if (keep is null || keep(trimmed, indent))
                {
                    if (context.Length != stack.Count)
                    {
                        context = new string[stack.Count];
                        for (int i = 0; i < stack.Count; i++)
                        {
                            var (blockIndent, headerText, header) = stack[i];
                            header ??= headerText.ToString();
                            stack[i] = (blockIndent, headerText, header);
                            context[i] = header;
                        }
                    }
                    lines.Add(new ConfigLine(context, trimmed.ToString(), number));
                }
                if (stack.Count < context.Length) context = [];   // a block of the shared context closed
                stack.Add((indent, chunk.Slice(lineStart + indent, trimmed.Length), null));
            }
            // The blocks still open go on into the next chunk: their headers are copied out of this one.
            for (int i = 0; i < stack.Count; i++)
            {
                if (stack[i].Header is null)
                {
                    string header = stack[i].Text.ToString();
                    stack[i] = (stack[i].Indent, header.AsMemory(), header);
                }
            }
        }
        return lines;
    }

    private static bool Skipped(ReadOnlySpan<char> trimmed, string commentMarker) =>
        trimmed.IsEmpty || trimmed.StartsWith(commentMarker, StringComparison.Ordinal)
        || trimmed is "!" or "end" or "exit" or "exit-address-family" or "exit-vrf" or "end-set" or "end-policy" or "quit"
        || trimmed.StartsWith("Building configuration", StringComparison.Ordinal) || trimmed.StartsWith("Current configuration", StringComparison.Ordinal);
}
