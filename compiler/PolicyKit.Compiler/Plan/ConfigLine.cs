namespace PolicyKit.Compiler.Plan;

/// <summary>
/// One configuration statement with the block it stands in: for IOS-XE, IOS XR and FRR the
/// headers of the enclosing blocks (by indentation, outermost first); for Junos set lines none.
/// <see cref="LineNumber"/> is where it stands in its file (1-based), for diagnostics.
/// </summary>
public sealed record ConfigLine(IReadOnlyList<string> Context, string Text, int LineNumber)
{
    /// <summary>PolicyKit owns every object whose name starts with this.</summary>
    public const string OwnedPrefix = Model.SiteObject.OwnedPrefix;

    /// <summary>Context and text as one key: two statements are the same when this is.</summary>
    public string Key => Context.Count == 0 ? Text : string.Join(" \u001f ", Context) + " \u001f " + Text;

    /// <summary>The statement names an object PolicyKit owns.</summary>
    public bool NamesOwned => Words.Any(IsOwnedName);

    public string[] Words => Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static bool IsOwnedName(string word) => word.StartsWith(OwnedPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Reads a configuration: comments (<paramref name="commentMarker"/>, or '#' and '!' lines),
    /// blank lines and block ends (<c>exit</c>, <c>end</c>, <c>exit-address-family</c>,
    /// <c>end-set</c>, <c>end-policy</c>) are left out; an indented line belongs to the nearest
    /// less indented line before it.
    /// </summary>
    public static List<ConfigLine> Parse(string text, string commentMarker)
    {
        var lines = new List<ConfigLine>();
        var stack = new List<(int Indent, string Header)>();
        int number = 0;
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            number++;
            string trimmed = raw.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith(commentMarker, StringComparison.Ordinal) || trimmed is "!" or "end" or "exit" or "exit-address-family" or "exit-vrf" or "end-set" or "end-policy" or "quit")
                continue;
            if (trimmed.StartsWith("Building configuration", StringComparison.Ordinal) || trimmed.StartsWith("Current configuration", StringComparison.Ordinal))
                continue;
            int indent = raw.Length - raw.TrimStart().Length;
            while (stack.Count > 0 && stack[^1].Indent >= indent) stack.RemoveAt(stack.Count - 1);
            lines.Add(new ConfigLine(stack.Select(s => s.Header).ToArray(), trimmed, number));
            stack.Add((indent, trimmed));
        }
        return lines;
    }
}
