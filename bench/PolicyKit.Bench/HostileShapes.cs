using System.Text;

namespace PolicyKit.Bench;

/// <summary>
/// Policies of legal but extreme shapes that once took the checker super-linear time (issue 14,
/// finding 7): a chain of set references (<c>groups g0 { g1; } groups g1 { g2; } …</c>) and a
/// large policy written on a single line. Deterministic: the same name gives the same text.
/// </summary>
public static class HostileShapes
{
    public static readonly string[] Names = ["chain-100k", "single-line-10mb"];

    public static string Generate(string name) => name switch
    {
        "chain-100k" => Chain(100_000),
        "single-line-10mb" => SingleLine(10_000_000),
        _ => throw new ArgumentException($"no shape '{name}' (shapes: {string.Join(", ", Names)})"),
    };

    /// <summary><paramref name="depth"/> sets, each naming the next; the last holds one group (2.5 MB at 100k).</summary>
    public static string Chain(int depth)
    {
        var text = new StringBuilder(depth * 26);
        for (int i = 0; i < depth; i++) text.Append("groups g").Append(i).Append(" { g").Append(i + 1).Append("; }\n");
        return text.Append("groups g").Append(depth).Append(" { 239.1.1.1; }\n").ToString();
    }

    /// <summary>
    /// The 100k preset's policy made ever larger and put on one line (comments dropped, line breaks
    /// turned into spaces), repeated with renamed declarations until it is <paramref name="bytes"/> long.
    /// </summary>
    public static string SingleLine(int bytes)
    {
        string policy = PolicyGenerator.Generate(GeneratorPreset.Find("100k")!).Text;
        var oneLine = new StringBuilder(policy.Length);
        foreach (string line in policy.Split('\n'))
        {
            int comment = line.IndexOf("//", StringComparison.Ordinal);
            oneLine.Append(comment >= 0 ? line[..comment] : line).Append(' ');
        }
        string unit = oneLine.ToString();
        // One copy: the generated policy's names are unique; a further copy would redeclare
        // them, so the rest is filled with sets of groups of its own, as a large channel plan would.
        var text = new StringBuilder(bytes + 1000).Append(unit);
        for (int i = 0; text.Length < bytes; i++)
        {
            text.Append("groups fill-").Append(i).Append(" { ");
            for (int g = 0; g < 64; g++) text.Append("232.").Append(128 + i / 65536 % 64).Append('.').Append(i / 256 % 256).Append('.').Append(g * 4 + i % 4).Append("/32; ");
            text.Append("} ");
        }
        return text.Append('\n').ToString();
    }
}
