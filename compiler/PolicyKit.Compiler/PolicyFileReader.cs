using System.Reflection;
using PolicyKit.Tables.Files;

namespace PolicyKit.Compiler;

/// <summary>
/// Where policy text comes from. The default reads the disk and serves <c>std/…</c> from the
/// standard library embedded in the compiler (the files of policies/std/), so a policy checks
/// the same wherever mpolc runs. Tests pass an in-memory reader.
/// </summary>
public interface IPolicyFileReader
{
    /// <summary>Full path or std path for an include written in <paramref name="includingFile"/>.</summary>
    string Resolve(string includingFile, string includePath);

    /// <summary>The text, or null with a reason when it cannot be read.</summary>
    string? Read(string path, out string? error);
}

public sealed class DiskPolicyFileReader : IPolicyFileReader
{
    public const string StdPrefix = "std/";

    public static readonly DiskPolicyFileReader Instance = new();

    /// <summary>The largest policy file read (a 100k-line policy is a few MB).</summary>
    public const long MaxPolicyBytes = 64L * 1024 * 1024;

    public string Resolve(string includingFile, string includePath)
    {
        if (includePath.StartsWith(StdPrefix, StringComparison.Ordinal)) return includePath;
        if (includingFile.StartsWith(StdPrefix, StringComparison.Ordinal))
        {
            // A std file includes its siblings by bare name.
            return StdPrefix + includePath;
        }
        if (Path.IsPathRooted(includePath)) return includePath;
        string directory = Path.GetDirectoryName(includingFile) ?? ".";
        return Path.GetRelativePath(".", Path.GetFullPath(Path.Combine(directory, includePath)));
    }

    public string? Read(string path, out string? error)
    {
        error = null;
        if (path.StartsWith(StdPrefix, StringComparison.Ordinal))
        {
            using var stream = typeof(DiskPolicyFileReader).Assembly.GetManifestResourceStream(path);
            if (stream is null)
            {
                error = "no such file in the standard library";
                return null;
            }
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        // A regular file of bounded size: a device, FIFO or directory is refused before it is read.
        if (BoundedFile.TryReadAllText(path, MaxPolicyBytes, out string text, out string reason)) return text;
        error = reason;
        return null;
    }

    /// <summary>Names of the standard library files (std/…), for documentation and tests.</summary>
    public static IEnumerable<string> StdFiles() =>
        typeof(DiskPolicyFileReader).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(StdPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    internal static Assembly Assembly => typeof(DiskPolicyFileReader).Assembly;
}

/// <summary>An in-memory set of files (tests, fuzzing, the benchmark).</summary>
public sealed class InMemoryPolicyFileReader(IReadOnlyDictionary<string, string> files) : IPolicyFileReader
{
    public string Resolve(string includingFile, string includePath) =>
        DiskPolicyFileReader.Instance.Resolve(includingFile, includePath);

    public string? Read(string path, out string? error)
    {
        if (files.TryGetValue(path, out var text))
        {
            error = null;
            return text;
        }
        return DiskPolicyFileReader.Instance.Read(path, out error);
    }
}
