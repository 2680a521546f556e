using System.Globalization;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Analysis;

/// <summary>The policy's own lines, to quote a rule as written from its "file:line:col".</summary>
public sealed class SourceLines(IReadOnlyList<SourceFile> files)
{
    /// <summary>The trimmed text of the line a location names, or null when it names no file of the policy.</summary>
    public string? Line(string location)
    {
        // path:line:col, where the path itself may hold ':'.
        int colon2 = location.LastIndexOf(':');
        int colon1 = colon2 > 0 ? location.LastIndexOf(':', colon2 - 1) : -1;
        if (colon1 <= 0 || !int.TryParse(location[(colon1 + 1)..colon2], NumberStyles.None, CultureInfo.InvariantCulture, out int line)) return null;
        string path = location[..colon1];
        var file = files.FirstOrDefault(f => f.Path.Replace('\\', '/') == path);
        return file?.GetLineText(line).Trim();
    }
}
