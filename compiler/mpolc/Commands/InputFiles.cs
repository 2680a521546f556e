using PolicyKit.Compiler;
using PolicyKit.Tables.Files;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// Reads the policy files named on the command line before the compiler runs. A missing or
/// unreadable input is a usage/I-O error (exit 2) reported on stderr — not a policy diagnostic
/// (exit 1) — so a CI script can tell "wrong path" from "wrong policy". The texts read here are
/// handed to the compiler, so each file is read once.
/// </summary>
internal static class InputFiles
{
    /// <summary>Reads every path; on any failure reports each one and returns null.</summary>
    public static IReadOnlyDictionary<string, string>? ReadAll(IEnumerable<string> paths, CliContext context)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        bool failed = false;
        foreach (var path in paths)
        {
            if (texts.ContainsKey(path)) continue;
            if (TryRead(path, out var text, out var reason))
            {
                texts.Add(path, text);
            }
            else
            {
                context.ReportError($"cannot read '{path}': {reason}");
                failed = true;
            }
        }
        return failed ? null : texts;
    }

    public static bool TryRead(string path, out string text, out string reason)
    {
        text = "";
        reason = "";
        // std/… names the library shipped inside the compiler, exactly as an include does.
        if (path.StartsWith(DiskPolicyFileReader.StdPrefix, StringComparison.Ordinal))
        {
            string? std = DiskPolicyFileReader.Instance.Read(path, out var error);
            if (std is null)
            {
                reason = error ?? "no such file";
                return false;
            }
            text = std;
            return true;
        }
        // As DiskPolicyFileReader reads includes: a regular file of bounded size, UTF-8 unless a
        // BOM says otherwise; /dev/zero or a FIFO is refused before it is read.
        return BoundedFile.TryReadAllText(path, DiskPolicyFileReader.MaxPolicyBytes, out text, out reason);
    }

    /// <summary>A short reason in the words of Unix tools, rather than .NET's exception sentences.</summary>
    public static string Reason(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        UnauthorizedAccessException => "permission denied",
        ArgumentException or NotSupportedException => "not a valid path",
        _ => e.Message,
    };
}
