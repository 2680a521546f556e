namespace PolicyKit.Compiler.Tests.Golden;

/// <summary>
/// Reads policies by their path relative to the repository root ("policies/examples/x.mpol"),
/// whatever the test's working directory. Paths stay repository-relative in the model, so
/// everything that cites a source location (UNSUPPORTED markers) is the same on every machine.
/// <c>std/…</c> is the library embedded in the compiler, as for mpolc.
/// </summary>
internal sealed class RepoPolicyReader : IPolicyFileReader
{
    public static readonly RepoPolicyReader Instance = new();

    public string Resolve(string includingFile, string includePath)
    {
        if (includePath.StartsWith(DiskPolicyFileReader.StdPrefix, StringComparison.Ordinal) ||
            includingFile.StartsWith(DiskPolicyFileReader.StdPrefix, StringComparison.Ordinal))
        {
            return DiskPolicyFileReader.Instance.Resolve(includingFile, includePath);
        }
        if (Path.IsPathRooted(includePath)) return includePath;
        string full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(includingFile) ?? "", includePath), RepoPaths.Root);
        return Path.GetRelativePath(RepoPaths.Root, full).Replace('\\', '/');
    }

    public string? Read(string path, out string? error) =>
        path.StartsWith(DiskPolicyFileReader.StdPrefix, StringComparison.Ordinal)
            ? DiskPolicyFileReader.Instance.Read(path, out error)
            : DiskPolicyFileReader.Instance.Read(Path.Combine(RepoPaths.Root, path), out error);
}
