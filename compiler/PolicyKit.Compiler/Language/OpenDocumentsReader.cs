namespace PolicyKit.Compiler.Language;

/// <summary>
/// Reads policy files as an editor sees them: the unsaved text of an open document first, the
/// disk (and the embedded std/ library) otherwise. Paths resolve and are confined exactly as the
/// compiler's own reader does; only where the text comes from differs.
/// </summary>
public sealed class OpenDocumentsReader(IReadOnlyDictionary<string, string> openByFullPath, IPolicyFileReader? disk = null) : IPolicyFileReader
{
    private readonly IPolicyFileReader _disk = disk ?? DiskPolicyFileReader.Instance;

    public string Resolve(string includingFile, string includePath) => _disk.Resolve(includingFile, includePath);

    public string? Read(string path, out string? error)
    {
        if (!path.StartsWith(DiskPolicyFileReader.StdPrefix, StringComparison.Ordinal) && openByFullPath.TryGetValue(System.IO.Path.GetFullPath(path), out var text))
        {
            error = null;
            return text;
        }
        return _disk.Read(path, out error);
    }
}
