using PolicyKit.Compiler;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// One side of <c>mpolc diff</c>: the name shown in the diff (<see cref="Label"/>), the path the
/// compiler is given (<see cref="CompilePath"/>, which decides where includes resolve) and the
/// reader that serves its text. A file on disk is itself; a pipe (<c>&lt;(git show HEAD:p.mpol)</c>,
/// /dev/fd/N) is read here and compiled as if it stood at the other side's path, so its includes
/// resolve beside the policy rather than in /dev/fd; a git revision (<see cref="GitRevisions"/>)
/// is a checkout of the policy's folder tree in a temporary folder.
/// </summary>
internal sealed record DiffSide(string Label, string CompilePath, IPolicyFileReader Reader)
{
    /// <summary>Paths a shell's process substitution or redirection hands over: pipes, read once, not files with a folder.</summary>
    public static bool IsPipe(string path) =>
        path.StartsWith("/dev/fd/", StringComparison.Ordinal)
        || path.StartsWith("/proc/self/fd/", StringComparison.Ordinal)
        || path == "/dev/stdin";

    /// <summary>The two sides of OLD NEW; null after reporting an unreadable input.</summary>
    public static (DiffSide Old, DiffSide New)? FromPaths(CliContext context, string oldPath, string newPath)
    {
        string? oldText = Read(context, oldPath);
        string? newText = Read(context, newPath);
        if (oldText is null || newText is null) return null;
        // A pipe takes the place of the other side (it is that policy as it was); two pipes
        // stand in the working directory.
        string fallback = Path.Combine(Directory.GetCurrentDirectory(), "policy.mpol");
        string oldAt = IsPipe(oldPath) ? (IsPipe(newPath) ? fallback : newPath) : oldPath;
        string newAt = IsPipe(newPath) ? (IsPipe(oldPath) ? fallback : oldPath) : newPath;
        return (Side(oldPath, oldAt, oldText), Side(newPath, newAt, newText));
    }

    private static DiffSide Side(string label, string compilePath, string text) =>
        new(label, compilePath, new InMemoryPolicyFileReader(new Dictionary<string, string>(StringComparer.Ordinal) { [compilePath] = text }));

    private static string? Read(CliContext context, string path)
    {
        if (!IsPipe(path))
        {
            if (InputFiles.TryRead(path, out string text, out string reason)) return text;
            context.ReportError($"cannot read '{path}': {reason}");
            return null;
        }
        try
        {
            // A pipe has no size to check first: read at most the largest policy, and refuse more.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > DiskPolicyFileReader.MaxPolicyBytes)
                {
                    context.ReportError($"cannot read '{path}': larger than {PolicyKit.Tables.Files.BoundedFile.Size(DiskPolicyFileReader.MaxPolicyBytes)}");
                    return null;
                }
            }
            buffer.Position = 0;
            using var reader = new StreamReader(buffer, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.ReportError($"cannot read '{path}': {InputFiles.Reason(e)}");
            return null;
        }
    }
}
