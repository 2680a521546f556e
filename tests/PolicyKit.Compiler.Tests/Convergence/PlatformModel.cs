using PolicyKit.Compiler.Plan;

namespace PolicyKit.Compiler.Tests.Convergence;

/// <summary>
/// A small model of how IOS-XE, IOS XR and FRR (indented blocks) and Junos (set lines) apply
/// configuration commands, enough to apply a plan to a running-config fixture: a statement is
/// added in the block it is entered in; <c>no STATEMENT</c> removes it (with its block); inside an
/// access list <c>no N</c> / <c>no sequence N</c> removes the entry with that number; Junos
/// <c>delete PATH</c> removes every statement under PATH.
/// </summary>
internal static class PlatformModel
{
    public static List<string> Apply(string platform, string running, IReadOnlyList<string> commands)
    {
        string comment = platform == "junos" ? "#" : "!";
        var config = ConfigLine.Parse(running, comment).Select(l => l.Key).ToList();
        if (platform == "junos")
        {
            foreach (var command in commands)
            {
                if (command.StartsWith("delete ", StringComparison.Ordinal))
                {
                    string path = "set " + command["delete ".Length..];
                    config.RemoveAll(k => k == path || k.StartsWith(path + " ", StringComparison.Ordinal));
                }
                else if (!config.Contains(command)) config.Add(command);
            }
            return config;
        }
        var open = new List<string>();
        foreach (var raw in commands)
        {
            int indent = raw.Length - raw.TrimStart().Length;
            string text = raw.Trim();
            if (open.Count > indent) open.RemoveRange(indent, open.Count - indent);
            if (text is "exit" or "end-set" or "end-policy") continue;
            string prefix = open.Count == 0 ? "" : string.Join(" \u001f ", open) + " \u001f ";
            if (text.StartsWith("no ", StringComparison.Ordinal))
            {
                string target = text[3..];
                bool inAcl = open.Count > 0 && open[^1].Contains("access-list", StringComparison.Ordinal);
                if (inAcl && (target.All(char.IsAsciiDigit) || target.StartsWith("sequence ", StringComparison.Ordinal)))
                {
                    config.RemoveAll(k => k.StartsWith(prefix + target + " ", StringComparison.Ordinal));
                }
                else if (target.StartsWith("neighbor ", StringComparison.Ordinal))
                {
                    // `no neighbor X` removes every statement of the neighbor, in every block of the router.
                    config.RemoveAll(k => k.StartsWith(prefix, StringComparison.Ordinal) &&
                        k[prefix.Length..].Split(" \u001f ").Any(part => part == target || part.StartsWith(target + " ", StringComparison.Ordinal)));
                }
                else
                {
                    config.RemoveAll(k => k == prefix + target || k.StartsWith(prefix + target + " \u001f ", StringComparison.Ordinal));
                }
                continue;
            }
            if (!config.Contains(prefix + text)) config.Add(prefix + text);
            open.Add(text);
        }
        return config;
    }

    /// <summary>The statements of a configuration as the model keeps them.</summary>
    public static HashSet<string> Statements(string platform, string text) =>
        ConfigLine.Parse(text, platform == "junos" ? "#" : "!").Where(l => !l.Text.StartsWith("delete ", StringComparison.Ordinal) && !l.Text.StartsWith("no ", StringComparison.Ordinal))
            .Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
}
