using System.Text.RegularExpressions;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Tests.Docs;

/// <summary>
/// docs/guide-coverage.md says, for each protection of the multicast security guide, what each
/// platform gets. Every ```mpol snippet there is compiled on every platform (PLATFORM replaced)
/// and must do what the row under it says: ✓ compiles without MP4001 and writes configuration,
/// — reports MP4001 (and nothing else is an error).
/// </summary>
public sealed partial class GuideCoverageTests
{
    private static readonly string[] Columns = ["ios-xe", "ios-xr", "junos", "frr", "nftables", "linux"];

    [GeneratedRegex(@"```mpol\n(.*?)```\s*\n\| ios-xe \| ios-xr \| junos \| frr \| nftables \| linux \|\n\|[-|]+\|\n\|([^\n]*)\|", RegexOptions.Singleline)]
    private static partial Regex SnippetWithRow();

    private static string Document => File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "guide-coverage.md"));

    [Fact]
    public void Every_snippet_has_its_platform_row()
    {
        int snippets = Regex.Matches(Document, "```mpol").Count;
        int rows = SnippetWithRow().Matches(Document).Count;
        Assert.True(snippets >= 27, $"only {snippets} snippets");
        Assert.Equal(snippets, rows);
    }

    [Fact]
    public void Every_snippet_compiles_on_every_platform_as_its_row_says()
    {
        var failures = new List<string>();
        foreach (System.Text.RegularExpressions.Match m in SnippetWithRow().Matches(Document))
        {
            string snippet = m.Groups[1].Value;
            var marks = m.Groups[2].Value.Split('|').Select(c => c.Trim()).ToList();
            Assert.Equal(Columns.Length, marks.Count);
            string first = snippet.Split('\n').First(l => l.Contains("device", StringComparison.Ordinal) || l.StartsWith("filter", StringComparison.Ordinal)).Trim();
            for (int i = 0; i < Columns.Length; i++)
            {
                string policy = snippet.Replace("PLATFORM", Columns[i], StringComparison.Ordinal);
                var result = PolicyEmitter.Compile("guide.mpol", Emitters.Targets.ToHashSet(StringComparer.Ordinal),
                    new CompilationOptions { Today = new DateOnly(2026, 11, 23) },
                    new EmitOptions { Redact = true, Environment = _ => null },
                    new InMemoryPolicyFileReader(new Dictionary<string, string> { ["guide.mpol"] = policy }));
                var others = result.Diagnostics.Where(d => d.IsError && d.Code != "MP4001").ToList();
                bool unsupported = result.Diagnostics.Any(d => d.Code == "MP4001");
                string actual = others.Count > 0 ? "error" : unsupported ? "—" : "✓";
                if (actual != marks[i] || (actual == "✓" && result.Files.Count == 0))
                {
                    failures.Add($"`{first}` on {Columns[i]}: the page says {marks[i]}, the compiler gives {actual}" +
                        string.Concat(result.Diagnostics.Where(d => d.IsError).Select(d => $"\n    {d.Code}: {d.Message}")));
                }
            }
        }
        Assert.True(failures.Count == 0, $"docs/guide-coverage.md disagrees with the compiler:\n{string.Join("\n", failures)}");
    }
}
