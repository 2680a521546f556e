using PolicyKit.Compiler.Text;

namespace PolicyKit.Mpolc.Lsp;

/// <summary>
/// LSP positions (0-based line, 0-based UTF-16 character) to offsets and back, and documents'
/// URIs to the paths the compiler reads. Both sides count UTF-16 units, so no re-encoding.
/// </summary>
internal static class DocumentPositions
{
    /// <summary>Where a document that is not a file (an editor's "untitled:") is taken to be: a folder that does not exist, so it includes nothing.</summary>
    public const string NotAFileFolder = "/nonexistent-mpolc-lsp-documents";

    public static int ToOffset(SourceFile file, Position position)
    {
        int line = Math.Clamp(position.Line + 1, 1, file.LineCount);
        int character = Math.Clamp(position.Character, 0, file.GetLineLength(line));
        return file.GetOffset(line, character);
    }

    public static Position ToPosition(SourceFile file, int offset)
    {
        var (line, column) = file.GetLineColumn(offset);
        return new Position(line - 1, column - 1);
    }

    public static Range ToRange(SourceSpan span) => new(ToPosition(span.File, span.Start), ToPosition(span.File, span.End));

    /// <summary>The full path a document's URI names.</summary>
    public static string PathOf(string uri)
    {
        if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile) return Path.GetFullPath(parsed.LocalPath);
        return Path.Combine(NotAFileFolder, Uri.EscapeDataString(uri));
    }

    /// <summary>The URI of a file the compiler read (a path relative to the working folder, or full).</summary>
    public static string UriOf(string path) => new Uri(Path.GetFullPath(path)).AbsoluteUri;
}
