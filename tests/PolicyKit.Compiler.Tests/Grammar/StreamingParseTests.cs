using System.Collections;
using System.Reflection;
using System.Text;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Tests.Grammar;

/// <summary>
/// Issue 18: the fast parse builds syntax while the parser runs — each top-level declaration,
/// and now each rule of a filter and each entry of a set as soon as it is finished, dropping its
/// parse tree (a 20k-rule filter's tree was ~100 MB). Whatever it builds must be exactly what
/// building from the whole tree gives: on every example and std file and on generated large
/// filters and sets, the two syntax trees are equal node by node, with the same diagnostics.
/// </summary>
public sealed class StreamingParseTests
{
    public static TheoryData<string> PolicyFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Examples, "*.mpol", SearchOption.AllDirectories)
                     .Concat(Directory.EnumerateFiles(RepoPaths.Std, "*.mpol", SearchOption.AllDirectories)).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        return data;
    }

    [Theory]
    [MemberData(nameof(PolicyFiles))]
    public void Streaming_syntax_equals_the_syntax_built_from_the_whole_tree(string relativePath) =>
        AssertSameSyntax(new SourceFile(relativePath, File.ReadAllText(Path.Combine(RepoPaths.Root, relativePath))));

    [Fact]
    public void A_large_filter_and_a_large_set_stream_to_the_same_syntax()
    {
        var text = new StringBuilder();
        text.AppendLine("groups big {");
        for (int i = 0; i < 3000; i++) text.AppendLine($"    {(i % 7 == 6 ? "except " : "")}232.{i / 256 % 256}.{i % 256}.0/24{(i % 5 == 0 ? " le 28" : "")};");
        text.AppendLine("    ssm;\n}");
        text.AppendLine("sources src { 198.51.100.0/24; 203.0.113.0/24; }");
        text.AppendLine("filter f {");
        for (int i = 0; i < 3000; i++)
            text.AppendLine($"    {(i % 10 == 9 ? "deny" : "permit")} sources src groups big protocol {(i % 2 == 0 ? "udp" : "tcp")} port {1024 + i}{(i % 11 == 0 ? " log" : "")};");
        text.AppendLine("    deny any;\n}");
        // A second filter and set after the first: the early-built pieces of one must not leak into the next.
        text.AppendLine("filter g { permit groups big; }");
        text.AppendLine("prefixes p { 192.0.2.0/24 le 32; }");
        AssertSameSyntax(new SourceFile("big.mpol", text.ToString()));
    }

    [Fact]
    public void A_file_with_a_mistake_in_a_filter_rule_reports_as_the_full_parse_does()
    {
        // Rules before the broken one were already built by the fast path; the file falls back to
        // the full parse, and nothing built early may survive into the result.
        AssertReportsAsTheFullParse(new SourceFile("broken.mpol", "sources s { 10.0.0.0/8; }\nfilter f {\n    permit sources s;\n    permit sources s protocol;\n    deny any;\n}\nfilter g { permit any; }\n"));
    }

    /// <summary>A file with a syntax error: no syntax, and the diagnostics the full parse gives.</summary>
    internal static void AssertReportsAsTheFullParse(SourceFile source)
    {
        var streamed = new DiagnosticBag();
        Assert.Null(PolicyParser.ParseSyntax(source, streamed));
        var whole = new DiagnosticBag();
        PolicyParser.Parse(source, whole);
        Assert.NotEmpty(streamed.ToList());
        Assert.Equal(whole.ToList().Select(d => d.ToString()), streamed.ToList().Select(d => d.ToString()));
    }

    private static void AssertSameSyntax(SourceFile source)
    {
        var streamedBag = new DiagnosticBag();
        var streamed = PolicyParser.ParseSyntax(source, streamedBag);
        var wholeBag = new DiagnosticBag();
        var tree = PolicyParser.Parse(source, wholeBag);
        var whole = new AstBuilder(source, wholeBag).Build(tree);
        Assert.NotNull(streamed);
        Assert.Equal(wholeBag.ToList().Select(d => d.ToString()), streamedBag.ToList().Select(d => d.ToString()));
        DeepEqual(whole, streamed, "file");
    }

    /// <summary>Records and collections compared member by member (the syntax records hold ImmutableArrays, which compare by reference).</summary>
    private static void DeepEqual(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected ?? "null"} vs {actual ?? "null"}");
            return;
        }
        Assert.True(expected.GetType() == actual.GetType(), $"{path}: {expected.GetType().Name} vs {actual.GetType().Name}");
        var type = expected.GetType();
        if (type.IsPrimitive || type.IsEnum || expected is string || expected is SourceSpan || expected is SourceFile || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true && expected is not IEnumerable)
        {
            if (expected is SourceSpan es && actual is SourceSpan @as)
                Assert.True(es.Start == @as.Start && es.Length == @as.Length, $"{path}: span {es.Start}+{es.Length} vs {@as.Start}+{@as.Length}");
            else if (expected is not SourceFile)
                Assert.True(Equals(expected, actual), $"{path}: {expected} vs {actual}");
            return;
        }
        if (expected is IEnumerable expectedItems && expected is not string)
        {
            var e = expectedItems.Cast<object?>().ToList();
            var a = ((IEnumerable)actual).Cast<object?>().ToList();
            Assert.True(e.Count == a.Count, $"{path}: {e.Count} items vs {a.Count}");
            for (int i = 0; i < e.Count; i++) DeepEqual(e[i], a[i], $"{path}[{i}]");
            return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract") continue;
            DeepEqual(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
        }
    }
}
