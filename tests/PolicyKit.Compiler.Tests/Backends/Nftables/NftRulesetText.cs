using System.Text.Json;
using System.Text.RegularExpressions;

namespace PolicyKit.Compiler.Tests.Backends.Nftables;

/// <summary>
/// Reads sets and chains out of two forms of one ruleset: the file the backend wrote, and what
/// the kernel holds after loading it (<c>nft -j list ruleset</c>). Elements are normalised to the
/// backend's form: an address, a prefix a/len or a range a-b.
/// </summary>
internal static partial class NftRulesetText
{
    /// <summary>Named sets and maps of the generated file with their elements as written.</summary>
    public static Dictionary<string, List<string>> SetsInFile(string text)
    {
        var sets = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        for (int i = 0; i < lines.Count; i++)
        {
            var header = SetHeader().Match(lines[i]);
            if (!header.Success) continue;
            var elements = new List<string>();
            int j = i + 1;
            for (; j < lines.Count && lines[j] != "}"; j++)
            {
                if (!lines[j].StartsWith("elements = {", StringComparison.Ordinal)) continue;
                string body = lines[j]["elements = {".Length..];
                while (!body.TrimEnd().EndsWith('}')) body += " " + lines[++j];
                body = body.TrimEnd()[..^1];
                elements.AddRange(body.Split(',').Select(e => e.Trim()).Where(e => e.Length > 0));
            }
            sets[header.Groups[2].Value] = elements;
            i = j;
        }
        return sets;
    }

    /// <summary>Names of the chains the generated file defines.</summary>
    public static List<string> ChainsInFile(string text) =>
        ChainHeader().Matches(text).Select(m => m.Groups[1].Value).ToList();

    /// <summary>Sets of table inet policykit as the kernel holds them, from <c>nft -j list ruleset</c>.</summary>
    public static Dictionary<string, List<string>> SetsInKernel(string json)
    {
        var sets = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            foreach (var kind in new[] { "set", "map" })
            {
                if (!item.TryGetProperty(kind, out var set)) continue;
                if (set.GetProperty("table").GetString() != "policykit") continue;
                var elements = new List<string>();
                if (set.TryGetProperty("elem", out var elem))
                {
                    foreach (var element in elem.EnumerateArray()) elements.Add(Element(element));
                }
                sets[set.GetProperty("name").GetString()!] = elements;
            }
        }
        return sets;
    }

    /// <summary>Names of the chains of table inet policykit in the kernel.</summary>
    public static List<string> ChainsInKernel(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(i => i.TryGetProperty("chain", out var c) && c.GetProperty("table").GetString() == "policykit")
            .Select(i => i.GetProperty("chain").GetProperty("name").GetString()!)
            .ToList();
    }

    private static string Element(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString()!;
            case JsonValueKind.Array:
                // A map element: [key, verdict].
                return $"{Element(element[0])} : {Verdict(element[1])}";
        }
        if (element.TryGetProperty("prefix", out var prefix))
            return $"{prefix.GetProperty("addr").GetString()}/{prefix.GetProperty("len").GetInt32()}";
        if (element.TryGetProperty("range", out var range))
            return $"{range[0].GetString()}-{range[1].GetString()}";
        if (element.TryGetProperty("elem", out var inner))
            return Element(inner.GetProperty("val"));
        return element.GetRawText();
    }

    private static string Verdict(JsonElement verdict)
    {
        foreach (var kind in new[] { "jump", "goto" })
        {
            if (verdict.TryGetProperty(kind, out var target)) return $"{kind} {target.GetProperty("target").GetString()}";
        }
        return verdict.GetRawText();
    }

    /// <summary>A file's element as the kernel lists it: interface names lose their quotes.</summary>
    public static string Unquote(string element) => element.Replace("\"", string.Empty);

    [GeneratedRegex(@"^(set|map) (\S+) \{$")]
    private static partial Regex SetHeader();

    [GeneratedRegex(@"^\s*chain (\S+) \{$", RegexOptions.Multiline)]
    private static partial Regex ChainHeader();
}
