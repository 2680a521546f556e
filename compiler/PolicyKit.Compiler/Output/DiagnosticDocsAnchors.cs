using System.Text;

namespace PolicyKit.Compiler.Output;

/// <summary>
/// The anchor of each code's section in docs/diagnostics.md, as Markdown renderers (GitHub,
/// GitLab, VS Code) derive it from the heading: "### MP1001 — Syntax error" is
/// <c>#mp1001--syntax-error</c>. Read from the copy of the docs shipped beside the compiler;
/// a code without a heading there (or no docs at all) falls back to <c>#mpNNNN</c>.
/// </summary>
public static class DiagnosticDocsAnchors
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Anchors = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "docs", "diagnostics.md");
        return File.Exists(path) ? FromMarkdown(File.ReadAllLines(path)) : new Dictionary<string, string>();
    });

    public static string Of(string code) =>
        Anchors.Value.TryGetValue(code, out var anchor) ? anchor : code.ToLowerInvariant();

    /// <summary>Code → anchor for every <c>### MPnnnn …</c> heading.</summary>
    public static IReadOnlyDictionary<string, string> FromMarkdown(IEnumerable<string> lines)
    {
        var anchors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            if (!line.StartsWith("### MP", StringComparison.Ordinal)) continue;
            string heading = line[4..].Trim();
            string code = heading.Split(' ', 2)[0];
            anchors.TryAdd(code, Slug(heading));
        }
        return anchors;
    }

    /// <summary>GitHub's rule: lower case; letters, digits, '-' and '_' kept, spaces become '-', everything else dropped.</summary>
    public static string Slug(string heading)
    {
        var slug = new StringBuilder(heading.Length);
        foreach (char c in heading.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_') slug.Append(c);
            else if (c == ' ') slug.Append('-');
        }
        return slug.ToString();
    }
}
