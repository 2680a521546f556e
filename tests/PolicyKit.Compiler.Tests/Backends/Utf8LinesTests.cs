using PolicyKit.Compiler.Emit;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// Issue 18: the lines a backend holds until its device is written (a Junos body, an IOS ACL) are
/// kept in blocks that are never copied once full, a line never split between two. Random lines —
/// empty ones, lines that do not fit the rest of a block, lines longer than a block, lines reserved
/// and then left out — read back exactly as written, before and after trimming.
/// </summary>
public sealed class Utf8LinesTests
{
    [Theory]
    [InlineData(1, 2_000)]
    [InlineData(2, 20_000)]
    [InlineData(3, 60_000)]
    public void Lines_read_back_as_written(int seed, int count)
    {
        var random = new Random(seed);
        var lines = new Utf8Lines();
        var expected = new List<byte[]>();
        for (int i = 0; i < count; i++)
        {
            if (i == count / 2)
            {
                // Trimming in the middle: what comes after is kept as well.
                lines.TrimExcess();
                AssertSame(expected, lines);
            }
            int length = random.Next(10) switch
            {
                0 => 0,
                1 => random.Next(1_000, 20_000),
                _ when random.Next(3_000) == 0 => random.Next(130_000, 300_000),   // longer than a block
                _ => random.Next(1, 120),
            };
            var line = new byte[length];
            random.NextBytes(line);
            var room = lines.Reserve(length + random.Next(3));
            Assert.True(room.Length >= length);
            line.CopyTo(room);
            if (random.Next(8) == 0) continue;   // reserved, then left out (a repeat)
            lines.Commit(length);
            expected.Add(line);
        }
        AssertSame(expected, lines);
        lines.TrimExcess();
        AssertSame(expected, lines);
        Assert.Equal(expected.Sum(l => (long)l.Length), lines.ByteCount);
    }

    [Fact]
    public void Empty_lines_before_any_byte_and_equality()
    {
        var a = new Utf8Lines();
        var b = new Utf8Lines();
        foreach (var lines in new[] { a, b })
        {
            lines.Reserve(0);
            lines.Commit(0);
            "term t then accept"u8.CopyTo(lines.Reserve(18));
            lines.Commit(18);
        }
        Assert.Equal(2, a.Count);
        Assert.True(a[0].IsEmpty);
        Assert.True(a[1].SequenceEqual("term t then accept"u8));
        Assert.True(a.SameAs(b));
        "x"u8.CopyTo(b.Reserve(1));
        b.Commit(1);
        Assert.False(a.SameAs(b));
    }

    private static void AssertSame(List<byte[]> expected, Utf8Lines lines)
    {
        Assert.Equal(expected.Count, lines.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            if (!lines[i].SequenceEqual(expected[i])) Assert.Fail($"line {i} of {expected.Count} differs ({expected[i].Length} bytes written, {lines[i].Length} read)");
        }
    }
}

/// <summary>A Junos body line given in four parts is the line given whole: checked, trimmed and encoded alike.</summary>
public sealed class JunosBodyPartsTests
{
    [Fact]
    public void A_line_in_parts_is_the_line_whole()
    {
        string[] pieces = ["term ", "t1", " from ", "source-address 10.0.0.0/8", "", " ", "\t", "é", "\u3000", "café ", "x\u3000 ", " \u00a0", "名前"];
        var random = new Random(18);
        var parts = new Emit.Junos.JunosBody();
        var whole = new Emit.Junos.JunosBody();
        for (int i = 0; i < 5000; i++)
        {
            var p = Enumerable.Range(0, 4).Select(_ => pieces[random.Next(pieces.Length)]).ToArray();
            parts.Add(p[0], p[1], p[2], p[3]);
            whole.Add(string.Concat(p));
        }
        Assert.True(whole.SameAs(parts));
        Assert.Throws<InvalidOperationException>(() => parts.Add("term ", "t\n", " then ", "accept"));
    }
}
