using PolicyKit.Compiler.Irr;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Tests.Irr;

/// <summary>The RPSL reader on hostile input: each error has its line, the bad object is skipped, the next one is read.</summary>
public sealed class RpslReaderTests
{
    private static (List<RpslObject> Objects, List<string> Errors) Read(string text)
    {
        var file = new SourceFile("x.db", text);
        var errors = new List<string>();
        var objects = RpslReader.Read(text, e =>
        {
            var (line, column) = file.GetLineColumn(e.Offset);
            errors.Add($"{line}:{column} {e.Message}");
        }).ToList();
        return (objects, errors);
    }

    [Fact]
    public void Continuation_lines_and_comments_join_into_the_attribute_value()
    {
        var (objects, errors) = Read("% header\nas-set: AS-X # the set\nmembers: AS1,\n AS2\n\tAS3\n+AS4\n# a comment line\nsource: T\n");
        Assert.Empty(errors);
        var set = Assert.Single(objects);
        Assert.Equal("as-set", set.Class);
        Assert.Equal("AS-X", set.Key);
        Assert.Equal("AS1, AS2 AS3 AS4", set.All("members").Single().Value);
    }

    [Theory]
    [InlineData("route: 10.0.0.0/8\n continued\n\n  starts with a blank\n\nroute: 10.1.0.0/16\norigin: AS1\n", "4:1 continuation line with no attribute above it")]
    [InlineData("route: 10.0.0.0/8\norigin: AS1\nthis is garbage\n\nroute: 10.1.0.0/16\norigin: AS1\n", "3:1 expected 'attribute: value'")]
    [InlineData("route: 10.0.0.0/8\norigin: AS1\x01\n\nroute: 10.1.0.0/16\norigin: AS1\n", "2:12 control character U+0001")]
    [InlineData("route: 10.0.0.0/8\norigin: AS1\uFFFD\n\nroute: 10.1.0.0/16\norigin: AS1\n", "2:12 bytes that are not UTF-8 text")]
    [InlineData("route: 10.0.0.0/8\n: no name\n\nroute: 10.1.0.0/16\norigin: AS1\n", "2:1 expected 'attribute: value'")]
    public void A_bad_line_is_an_error_at_its_line_the_object_is_skipped_and_the_next_is_read(string text, string error)
    {
        var (objects, errors) = Read(text);
        Assert.True(errors.Count == 1 && errors[0].StartsWith(error, StringComparison.Ordinal), string.Join("\n", errors));
        Assert.Equal("10.1.0.0/16", objects[^1].Key);
        Assert.DoesNotContain(objects, o => o.Key == "10.0.0.0/8");
    }

    [Fact]
    public void An_over_long_line_and_an_over_large_object_are_errors_not_memory()
    {
        string longLine = "route: 10.0.0.0/8\ndescr: " + new string('x', RpslReader.MaxLineLength + 1) + "\n\nroute: 10.1.0.0/16\norigin: AS1\n";
        var (objects, errors) = Read(longLine);
        Assert.Equal(["2:1 line is longer than 65536 characters"], errors);
        Assert.Single(objects);

        string huge = "as-set: AS-HUGE\n" + string.Concat(Enumerable.Repeat("members: AS1\n", RpslReader.MaxObjectLines)) + "\nroute: 10.1.0.0/16\norigin: AS1\n";
        (objects, errors) = Read(huge);
        Assert.Equal([$"{RpslReader.MaxObjectLines + 1}:1 object has more than {RpslReader.MaxObjectLines} lines"], errors);
        Assert.Equal("10.1.0.0/16", Assert.Single(objects).Key);
    }

    [Theory]
    [InlineData("route: 10.0.0.1/8\norigin: AS1\n", "route '10.0.0.1/8' has host bits set")]
    [InlineData("route: 2001:db8::/32\norigin: AS1\n", "is of the wrong address family")]
    [InlineData("route: 10.0.0.0/33\norigin: AS1\n", "is not a prefix")]
    [InlineData("route: 10.0.0.0/8\norigin: 65000\n", "origin '65000' of route 10.0.0.0/8 is not an AS number")]
    [InlineData("route: 10.0.0.0/8\n", "route 10.0.0.0/8 has no origin")]
    [InlineData("as-set: AS-X\nmembers: AS1, $(rm -rf)\n", "member '$(rm' of as-set AS-X is neither")]
    [InlineData("as-set: FOO\nmembers: AS1\n", "'FOO' is not an as-set name")]
    public void Route_and_as_set_objects_that_do_not_make_sense_are_errors(string text, string error)
    {
        var errors = new List<RpslError>();
        var data = new RpslDatabase();
        data.Add(text, errors.Add);
        Assert.Contains(error, Assert.Single(errors).Message, StringComparison.Ordinal);
        Assert.Equal(0, data.RouteCount + data.AsSetCount);
    }

    /// <summary>
    /// A random campaign (as the policy parser's fuzz tests): thousands of mutants of the fixture
    /// (bytes flipped, lines cut, duplicated, swapped, control characters and garbage inserted)
    /// never throw, and every error points inside the text.
    /// </summary>
    [Fact]
    public void Random_mutations_of_an_export_never_throw_and_every_error_points_into_the_text()
    {
        string seedText = RpslFixtures.Customers + RpslFixtures.Cycle;
        string[] garbage = ["\0", "\u0007", "\r", "\t", ":", "+", "#", "%", " ", "\n\n", "members:", "AS-", "route6:", "/129", "::", "\uFFFD", "\u2028", new string('A', 300)];
        for (int seed = 0; seed < 3000; seed++)
        {
            var random = new Random(seed);
            var text = new System.Text.StringBuilder(seedText);
            int edits = random.Next(1, 8);
            for (int i = 0; i < edits && text.Length > 0; i++)
            {
                int at = random.Next(text.Length);
                switch (random.Next(4))
                {
                    case 0: text.Remove(at, Math.Min(random.Next(1, 40), text.Length - at)); break;
                    case 1: text.Insert(at, garbage[random.Next(garbage.Length)]); break;
                    case 2: text[at] = (char)random.Next(0, 0x80); break;
                    default:
                        int from = random.Next(text.Length);
                        int length = Math.Min(random.Next(1, 80), text.Length - from);
                        text.Insert(at, text.ToString(from, length));
                        break;
                }
            }
            string mutant = text.ToString();
            try
            {
                var data = new RpslDatabase();
                data.Add(mutant, e => Assert.True(e.Offset >= 0 && e.Offset + e.Length <= mutant.Length && e.Length >= 0, $"seed {seed}: error outside the text: {e}"));
                IrrResolver.Resolve(data, new Model.IrrQuery("AS-CUSTOMERS", 24, 48, true, 1000));
                IrrResolver.Resolve(data, new Model.IrrQuery("AS-A", null, null, true, 1000));
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"seed {seed}: {e}\n--- mutant ---\n{mutant}");
            }
        }
    }
}
