using PolicyKit.Compiler.Irr;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Tests.Irr;

public sealed class IrrLockFileTests
{
    private static readonly IrrLockedSet Sample = new("customer", "AS-CUSTOMERS max-length-ipv4 24 aggregate limit 10000",
        [new IrrDataFile("irr/test.db", new string('a', 64))],
        [IrrPrefix.Exact(IpPrefix.Parse("192.0.2.0/24")), new(IpPrefix.Parse("198.51.100.0/24"), 25, 25), new(IpPrefix.Parse("2001:db8::/32"), 32, 48)]);

    [Fact]
    public void Format_then_parse_gives_the_same_sets_and_format_is_sorted_text()
    {
        string text = IrrLockFile.Format([Sample with { Prefixes = [.. Sample.Prefixes.Reverse()] }]);
        Assert.Equal(IrrLockFile.Header + "\n" + """
            set customer
              query AS-CUSTOMERS max-length-ipv4 24 aggregate limit 10000
              data irr/test.db sha256 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
              prefix 192.0.2.0/24
              prefix 198.51.100.0/24 ge 25 le 25
              prefix 2001:db8::/32 le 48

            """.Replace("\r", "", StringComparison.Ordinal), text);
        var errors = new List<RpslError>();
        var parsed = IrrLockFile.Parse(text, errors.Add);
        Assert.Empty(errors);
        var set = Assert.Single(parsed!.Values);
        Assert.Equal(Sample.QueryKey, set.QueryKey);
        Assert.Equal(Sample.Data.ToArray(), set.Data.ToArray());
        Assert.Equal(Sample.Prefixes.ToArray(), set.Prefixes.ToArray());
    }

    [Theory]
    [InlineData("set a\n  query AS-X limit 1\n  prefix 10.0.0.1/8\n", "'10.0.0.1/8' is not a prefix")]
    [InlineData("set a\n  query AS-X limit 1\n  prefix 10.0.0.0/8 le 7\n", "do not make a range")]
    [InlineData("set a\n  query AS-X limit 1\n  data f sha256 xyz\n", "expected 'set NAME'")]
    [InlineData("  prefix 10.0.0.0/8\n", "expected 'set NAME'")]
    [InlineData("set a\n  prefix 10.0.0.0/8\n", "set a has no 'query' line")]
    [InlineData("set a\n  query AS-X limit 1\nset a\n  query AS-X limit 1\n", "set a is locked twice")]
    public void A_lock_that_does_not_read_is_refused_whole_with_the_line(string text, string error)
    {
        var errors = new List<RpslError>();
        Assert.Null(IrrLockFile.Parse(text, errors.Add));
        Assert.Contains(errors, e => e.Message.Contains(error, StringComparison.Ordinal));
    }
}
