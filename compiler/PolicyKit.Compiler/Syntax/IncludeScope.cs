namespace PolicyKit.Compiler.Syntax;

/// <summary>
/// Where a policy's includes may come from: the folder of the policy being compiled and the
/// folders below it, the standard library (<c>std/…</c>), and the folders an option adds
/// (<c>mpolc --include-dir DIR</c>, <see cref="CompilationOptions.IncludeDirectories"/>). A
/// policy is input like any other: without this an include could read <c>/proc/self/environ</c>
/// or <c>../../../etc/passwd</c> and a diagnostic would quote it. Paths are compared after
/// symbolic links are resolved, so a link inside the tree cannot point out of it.
/// </summary>
public sealed class IncludeScope
{
    private readonly List<string> _roots;

    public IncludeScope(string rootPolicyPath, IEnumerable<string> extraDirectories)
    {
        string rootDirectory = Path.GetDirectoryName(Path.GetFullPath(rootPolicyPath)) ?? Path.GetFullPath(".");
        _roots = [WithSeparator(RealPath(rootDirectory))];
        foreach (string directory in extraDirectories) _roots.Add(WithSeparator(RealPath(directory)));
    }

    /// <summary>True when <paramref name="path"/> (as the reader resolved it) is a standard-library file or lies under one of the folders.</summary>
    public bool Allows(string path)
    {
        if (path.StartsWith(DiskPolicyFileReader.StdPrefix, StringComparison.Ordinal)) return true;
        string real = RealPath(path);
        return _roots.Exists(root => real.StartsWith(root, StringComparison.Ordinal));
    }

    /// <summary>
    /// The path with every symbolic link in it resolved (what realpath(3) gives), for paths that
    /// exist; the parts that do not exist are kept as written. A link loop stops after 40 hops.
    /// </summary>
    public static string RealPath(string path) => RealPath(path, 0);

    private static string RealPath(string path, int depth)
    {
        string full = Path.GetFullPath(path);
        string current = Path.GetPathRoot(full) ?? "/";
        foreach (string part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, part);
            string? link = null;
            try
            {
                link = new FileInfo(next).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            if (link is null || depth >= 40)
            {
                current = next;
                continue;
            }
            current = RealPath(Path.IsPathRooted(link) ? link : Path.Combine(current, link), depth + 1);
        }
        return current;
    }

    private static string WithSeparator(string directory) =>
        directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar;
}
