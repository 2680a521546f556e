namespace PolicyKit.Compiler.Language;

/// <summary>
/// Reads policy files as an editor sees them: the unsaved text of an open document first, the
/// disk (and the embedded std/ library) otherwise. Paths resolve and are confined exactly as the
/// compiler's own reader does; only where the text comes from differs.
/// </summary>
/// <param name="maxBytes">The largest text read, in UTF-8 bytes: the compiler's own bound on a file, unless a test says otherwise.</param>
public sealed class OpenDocumentsReader(IReadOnlyDictionary<string, string> openByFullPath, IPolicyFileReader? disk = null, long maxBytes = DiskPolicyFileReader.MaxPolicyBytes) : IPolicyFileReader
{
    private readonly IPolicyFileReader _disk = disk ?? DiskPolicyFileReader.Instance;

    public string Resolve(string includingFile, string includePath) => _disk.Resolve(includingFile, includePath);

    public string? Read(string path, out string? error)
    {
        if (!path.StartsWith(DiskPolicyFileReader.StdPrefix, StringComparison.Ordinal) && openByFullPath.TryGetValue(System.IO.Path.GetFullPath(path), out var text))
        {
            // The same bound as a file on disk: an editor's buffer is not a way around it.
            if (text.Length > maxBytes || System.Text.Encoding.UTF8.GetByteCount(text) > maxBytes)
            {
                error = $"larger than {PolicyKit.Tables.Files.BoundedFile.Size(maxBytes)}, the most accepted here";
                return null;
            }
            error = null;
            return text;
        }
        return _disk.Read(path, out error);
    }
}
