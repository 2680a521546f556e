using System.Text;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Emit.Cisco;
using PolicyKit.Compiler.Emit.Junos;
using PolicyKit.Compiler.Plan;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// Issue 18: a large object's lines (a Junos filter body, an IOS ACL) stay in their compact form
/// in the writer and are rendered whenever the text is read. The text must be exactly what
/// writing each line at once gave — at any indentation, between ordinary lines, in chunks of whole
/// lines — every time it is read, from any thread.
/// </summary>
public sealed class DeferredLinesTests
{
    [Fact]
    public void Deferred_lines_read_as_the_lines_written_at_once()
    {
        var random = new Random(18);
        for (int round = 0; round < 30; round++)
        {
            var deferred = new ConfigWriter("!", " ");
            var eager = new ConfigWriter("!", " ");
            int pieces = random.Next(1, 12);
            for (int p = 0; p < pieces; p++)
            {
                int depth = random.Next(3);
                var lines = Enumerable.Range(0, random.Next(0, random.Next(2) == 0 ? 20 : 5000))
                    .Select(i => i % 97 == 5 ? "" : $"term t{i} from source-address 10.{i % 256}.0.0/16{(i % 13 == 0 ? " — café" : "")}{new string('x', random.Next(0, i % 500 == 0 ? 200_000 : 30))}")
                    .ToList();
                var scopes = Enumerable.Range(0, depth).Select(_ => deferred.Indent()).ToList();
                var eagerScopes = Enumerable.Range(0, depth).Select(_ => eager.Indent()).ToList();
                deferred.Line($"piece {p}");
                eager.Line($"piece {p}");
                deferred.Deferred(new JunosBody(lines).AsSetLines($"set firewall family inet filter PK-F{p}"));
                foreach (var line in lines) eager.Line(line.Length == 0 ? $"set firewall family inet filter PK-F{p}" : $"set firewall family inet filter PK-F{p} {line}");
                foreach (var scope in scopes) scope.Dispose();
                foreach (var scope in eagerScopes) scope.Dispose();
            }
            string expected = eager.ToString();
            Assert.Equal(expected, deferred.ToString());
            var text = deferred.Detach();
            Assert.True(deferred.IsEmpty);
            AssertReadsAs(expected, text);
        }
    }

    [Fact]
    public void Numbered_acl_lines_read_as_ConfigWriter_Line_writes_them()
    {
        string[] entries =
        [
            "permit udp 10.0.0.0 0.0.0.255 host 232.1.1.1 eq 1024",
            "deny ip any any log",
            "permit ip host 10.1.1.1 any remark café",
            "permit ip any any   ",          // trailing spaces: trimmed
            "remark ends in a non-ASCII é",
            "remark ends in an ideographic space\u3000",
            "   ",                           // nothing but spaces: the number alone
        ];
        var list = DistinctEntries.Of(entries);
        foreach (string keyword in new[] { "", "sequence " })
        {
            var numbered = SequenceNumbers.Number(list, 2_147_483_647, 10);
            var eager = new ConfigWriter("!", " ");
            var deferred = new ConfigWriter("!", " ");
            foreach (var w in new[] { eager, deferred })
            {
                w.Line("ip access-list extended PK-X");
                w.Indent();
            }
            foreach (var (seq, index) in numbered) eager.Line($"{keyword}{seq} ", list[index]);
            deferred.Deferred(list.AsNumberedLines(keyword, numbered));
            string expected = eager.ToString();
            Assert.Matches($@"\n {keyword}\d+\n$", expected);   // the blank entry: the number alone
            AssertReadsAs(expected, deferred.Detach());
        }
    }

    [Fact]
    public void The_text_reads_the_same_from_several_threads_at_once()
    {
        var lines = Enumerable.Range(0, 40_000).Select(i => $"term r{i} from destination-address 232.{i / 256 % 256}.{i % 256}.0/24").ToList();
        var w = new ConfigWriter("#");
        w.Line("delete firewall family inet filter PK-BIG");
        w.Deferred(new JunosBody(lines).AsSetLines("set firewall family inet filter PK-BIG"));
        var text = w.Detach();
        string expected = text.ToString();
        var reads = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ => Bytes(text)).ToList();
        Assert.All(reads, bytes => Assert.Equal(Encoding.UTF8.GetBytes(expected), bytes));
    }

    private static void AssertReadsAs(string expected, ConfigText text)
    {
        var utf8 = Encoding.UTF8.GetBytes(expected);
        for (int read = 0; read < 2; read++)
        {
            // Every chunk ends at a line end; the chunks are the text's UTF-8, read after read.
            foreach (var chunk in text.Chunks) Assert.Equal((byte)'\n', chunk.Span[^1]);
            Assert.Equal(utf8, Bytes(text));
            Assert.Equal(expected, text.ToString());
            Assert.Equal(expected, string.Concat(text.Decoded().Select(c => c.ToString())));
        }
        var whole = ConfigLine.Parse(expected, "!");
        var chunked = ConfigLine.Parse(text.Decoded(), "!", null);
        Assert.Equal(whole.Select(l => l.Key), chunked.Select(l => l.Key));
    }

    // Copied chunk by chunk: a rendered chunk is valid until the next one is read.
    private static byte[] Bytes(ConfigText text)
    {
        var all = new MemoryStream();
        foreach (var chunk in text.Chunks) all.Write(chunk.Span);
        return all.ToArray();
    }
}

/// <summary>
/// MP4032 reads a compiled file without its deferred lines (objects' own definitions, which bind
/// nothing): on every example, and on a large generated filter, the places it finds are those
/// found by reading the whole text.
/// </summary>
public sealed class DeferredLinesBindNothingTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var name in Golden.ExampleCompiler.Names()) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Bindings_found_without_deferred_lines_are_those_of_the_whole_text(string example) =>
        _ = AssertSameBindings(Golden.ExampleCompiler.CompileAllTargets(example));

    [Fact]
    public void A_large_filter_on_every_platform_binds_the_same_places()
    {
        var text = new StringBuilder("sources s { 198.51.100.0/24; 203.0.113.0/24; }\ngroups g { 232.1.0.0/16; 232.2.0.0/16; }\nfilter f {\n");
        for (int i = 0; i < 3000; i++) text.AppendLine($"    permit sources s groups g protocol udp port {1024 + i};");
        text.Append("}\n");
        foreach (var platform in new[] { "ios-xe", "ios-xr", "junos" })
        {
            string name = platform == "junos" ? "ge-0/0/0.0" : platform == "ios-xr" ? "GigabitEthernet0/0/0/0" : "GigabitEthernet1";
            text.Append($"device d-{platform} platform {platform} {{ interface \"{name}\" {{ source-filter f; }} }}\n");
        }
        var reader = new InMemoryPolicyFileReader(new Dictionary<string, string> { ["big.mpol"] = text.ToString() });
        var result = Emit.PolicyEmitter.Compile("big.mpol", Emit.Emitters.Targets.ToHashSet(StringComparer.Ordinal), Golden.ExampleCompiler.Options, Golden.ExampleCompiler.Emit, reader);
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        // Each device binds its interface's filter: found, at the same line, either way.
        Assert.Equal(3, AssertSameBindings(result));
    }

    private static int AssertSameBindings(Emit.CompileResult result)
    {
        int files = 0, bindings = 0;
        foreach (var file in result.Files.Where(f => !f.IsBinary && DeploymentPlan.Platforms.Contains(f.Target)))
        {
            var compiled = file.Utf8Content;
            var fast = DeploymentPlan.Bindings(file.Target, compiled).Select(l => (l.Key, l.LineNumber)).ToList();
            var whole = DeploymentPlan.Bindings(file.Target, compiled.ToString()).Select(l => (l.Key, l.LineNumber)).ToList();
            Assert.Equal(whole, fast);
            files++;
            bindings += fast.Count;
        }
        Assert.True(files > 0 || result.Files.Count == 0);
        return bindings;
    }
}
