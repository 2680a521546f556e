using System.Text;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Plan;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// Issue 18: a backend's text stays in the writer's UTF-8 blocks (<see cref="ConfigText"/>) and
/// is written, hashed and scanned for MP4032 block by block instead of being made one string.
/// That is only right if no line is split between blocks, the bytes are the text's UTF-8, and
/// reading configuration lines over chunks gives what reading the whole text gives.
/// </summary>
public sealed class ConfigTextTests
{
    [Fact]
    public void Blocks_hold_whole_lines_whose_bytes_are_the_text_in_utf8()
    {
        var writer = new ConfigWriter("!");
        var expected = new StringBuilder();
        var random = new Random(18);
        for (int i = 0; i < 12_000; i++)
        {
            // Lines of every length, some with non-ASCII text, one longer than a whole block.
            string line = i == 6000 ? new string('x', 300_000) : $"permit {i} {new string('a', random.Next(1, 60))}{(i % 9 == 0 ? " — café" : "")}";
            if (i % 100 == 0)
            {
                using (writer.Indent()) writer.Line(line);
                expected.Append(' ').Append(line).Append('\n');
            }
            else
            {
                writer.Line(line);
                expected.Append(line).Append('\n');
            }
        }
        string whole = writer.ToString();
        var text = writer.Detach();

        Assert.Equal(expected.ToString(), whole);
        Assert.True(text.Chunks.Count() > 5, $"{text.Chunks.Count()} chunks");
        Assert.All(text.Chunks, chunk => Assert.Equal((byte)'\n', chunk.Span[^1]));
        Assert.Equal(Encoding.UTF8.GetBytes(whole), text.Chunks.SelectMany(c => c.ToArray()).ToArray());
        Assert.Equal(whole, text.ToString());
        Assert.Equal(whole, string.Concat(text.Decoded().Select(c => c.ToString())));
        Assert.True(writer.IsEmpty);
    }

    [Fact]
    public void Configuration_lines_read_over_chunks_are_those_read_over_the_whole_text()
    {
        var random = new Random(2026);
        for (int round = 0; round < 40; round++)
        {
            var writer = new ConfigWriter("!");
            WriteBlocks(writer, random, depth: 0);
            string whole = writer.ToString();
            var text = writer.Detach();
            var expected = ConfigLine.Parse(whole, "!");
            var actual = ConfigLine.Parse(text.Decoded(), "!", null);
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Key, actual[i].Key);
                Assert.Equal(expected[i].LineNumber, actual[i].LineNumber);
            }
            // With a filter: exactly the kept statements, with their blocks.
            var owned = ConfigLine.Parse(text.Decoded(), "!", static (s, _) => s.Contains("PK-", StringComparison.Ordinal));
            Assert.Equal(expected.Where(l => l.Text.Contains("PK-", StringComparison.Ordinal)).Select(l => l.Key), owned.Select(l => l.Key));
        }
    }

    // Nested blocks big enough that headers open in one block of the writer and their lines go on in the next.
    private static void WriteBlocks(ConfigWriter w, Random random, int depth)
    {
        int count = random.Next(1, depth == 0 ? 40 : 400);
        for (int i = 0; i < count; i++)
        {
            string statement = $"{(random.Next(4) == 0 ? "ip access-group PK-X" : "entry")}-{depth}-{i} {new string('z', random.Next(0, 200))}";
            if (depth < 2 && random.Next(6) == 0)
            {
                w.Line($"interface Gi{depth}/{i}");
                using (w.Indent()) WriteBlocks(w, random, depth + 1);
                w.Line("!");
            }
            else
            {
                w.Line(statement);
            }
        }
    }
}
