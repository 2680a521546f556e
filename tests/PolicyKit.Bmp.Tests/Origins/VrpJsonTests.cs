using System.Text;
using PolicyKit.Bmp.Analysis;
using static PolicyKit.Bmp.Tests.Support.Vectors;

namespace PolicyKit.Bmp.Tests.Origins;

/// <summary>The VRP JSON of stayrtr and rpki-client, and hostile input: every bad file is one clear error with line and column, never an exception of another kind.</summary>
public sealed class VrpJsonTests
{
    private static OriginTable Read(string json) => VrpJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "vrps.json");

    private static VrpFormatException Bad(string json) => Assert.Throws<VrpFormatException>(() => Read(json));

    [Fact]
    public void ReadsStayrtrAndRpkiClientExports()
    {
        // stayrtr: "AS64500" strings; rpki-client: numbers, "ta" and "expires", other top-level arrays.
        var table = Read("""
            {"metadata":{"generated":1733500000,"counts":3,"roas":3},
             "roas":[{"prefix":"203.0.113.0/24","maxLength":24,"asn":"AS64500"},
                     {"asn":64501,"prefix":"2001:db8::/32","maxLength":48,"ta":"ripe","expires":1733600000},
                     {"prefix":"198.51.100.0/24","asn":"as64502"}],
             "aspas":[{"customer_asid":64500,"providers":[64501,[1,{"x":2}]]}],
             "bgpsec_keys":[]}
            """);
        Assert.Equal(3, table.Count);
        Assert.Equal(2, table.Ipv4Count);
        Assert.Equal(OriginState.Valid, table.Validate(P("2001:db8:5::/48"), RouteOrigin.Of(64501)));
        // No maxLength: the prefix's own length.
        Assert.Equal(OriginState.Valid, table.Validate(P("198.51.100.0/24"), RouteOrigin.Of(64502)));
        Assert.Equal(OriginState.Invalid, table.Validate(P("198.51.100.0/25"), RouteOrigin.Of(64502)));
    }

    [Fact]
    public void AnEmptyRoasArrayIsAnEmptySet() => Assert.Equal(0, Read("""{"roas":[]}""").Count);

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("garbage", "not valid JSON")]
    [InlineData("[]", "expected a JSON object")]
    [InlineData("{}", "no \"roas\" array")]
    [InlineData("{\"roas\":{}}", "\"roas\" must be an array, not an object")]
    [InlineData("{\"roas\":[1]}", "roas[0] must be an object, not a number")]
    [InlineData("{\"roas\":[{\"prefix\":24,\"asn\":1}]}", "roas[0].prefix must be a string")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0\",\"asn\":1}]}", "is not a prefix")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.1/24\",\"asn\":1}]}", "host bits set")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0/33\",\"asn\":1}]}", "longer than an IPv4 address")]
    [InlineData("{\"roas\":[{\"prefix\":\"fe80::/10%eth0\",\"asn\":1}]}", "is not a prefix")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":\"AS-FOO\"}]}", "roas[0].asn must be an AS number")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":4294967296}]}", "roas[0].asn must be an AS number")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":-1}]}", "roas[0].asn must be an AS number")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":1.5}]}", "roas[0].asn must be an AS number")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":true}]}", "roas[0].asn must be an AS number")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":1,\"maxLength\":\"24\"}]}", "roas[0].maxLength must be a prefix length")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":1,\"maxLength\":23}]}", "maxLength 23 must lie between the prefix length 24 and 32")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":1,\"maxLength\":33}]}", "maxLength 33 must lie between")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0/24\"}]}", "roas[0] has no \"asn\"")]
    [InlineData("{\"roas\":[{\"asn\":1}]}", "roas[0] has no \"prefix\"")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":1,\"asn\":2}]}", "given twice")]
    [InlineData("{\"roas\":[],\"roas\":[]}", "\"roas\" given twice")]
    [InlineData("{\"roas\":[]} {}", "not valid JSON")]
    [InlineData("{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":1}", "not valid JSON")]
    public void BadInputIsOneClearError(string json, string expected)
    {
        var e = Bad(json);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("vrps.json:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorsNameTheLineAndColumn()
    {
        var e = Bad("{\"roas\":[\n  {\"prefix\":\"203.0.113.0/24\",\"asn\":1},\n  {\"prefix\":\"203.0.113.0/24\",\"asn\":\"x\"}\n]}");
        Assert.Equal(3, e.Line);
        Assert.Equal(36, e.Column);
        Assert.StartsWith("vrps.json:3:36: roas[1].asn", e.Message, StringComparison.Ordinal);
        var missing = Bad("{\"roas\":[\n\n    {\"prefix\":\"203.0.113.0/24\"}]}");
        Assert.Equal((3, 5), (missing.Line, missing.Column));
    }

    [Fact]
    public void LineNumbersHoldAcrossTheReadWindow()
    {
        // 20k lines (well past the 64 KB window), the bad entry on the last.
        var sb = new StringBuilder("{\"roas\":[\n");
        for (int i = 0; i < 20_000; i++) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{{\"prefix\":\"10.{i / 256 % 256}.{i % 256}.0/24\",\"maxLength\":24,\"asn\":\"AS{64500 + i}\"}},\n");
        sb.Append("{\"prefix\":\"10.0.0.0/8\",\"maxLength\":7,\"asn\":1}]}");
        var e = Bad(sb.ToString());
        Assert.Equal(20_002, e.Line);
        Assert.Equal(1, e.Column);
        Assert.Equal(20_000, Read(sb.ToString().Replace("\"maxLength\":7", "\"maxLength\":8", StringComparison.Ordinal)).Count - 1);
    }

    [Fact]
    public void DeepNestingAndHugeTokensAreRefused()
    {
        Assert.Contains("not valid JSON", Bad("{\"x\":" + new string('[', 100) + new string(']', 100) + ",\"roas\":[]}").Message, StringComparison.Ordinal);
        Assert.Contains("longer than 1024 KB", Bad("{\"x\":\"" + new string('a', 3 << 20) + "\",\"roas\":[]}").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorsShowOnlyAShortPrintableExcerptOfTheInput()
    {
        var e = Bad("{\"roas\":[{\"prefix\":\"\\u001b[31m" + new string('x', 500) + "\",\"asn\":1}]}");
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.True(e.Message.Length < 200, e.Message);
    }

    [Fact]
    public void TheLoaderRefusesWhatIsNotARegularFile()
    {
        Assert.False(VrpJson.TryLoad("/dev/zero", out _, out string error));
        Assert.Contains("not a regular file", error, StringComparison.Ordinal);
        Assert.False(VrpJson.TryLoad("/nonexistent/vrps.json", out _, out error));
        Assert.StartsWith("/nonexistent/vrps.json: cannot read", error, StringComparison.Ordinal);
    }

    /// <summary>Mutants of a valid file (bytes flipped, dropped, duplicated, truncated): each reads or is one <see cref="VrpFormatException"/>.</summary>
    [Fact]
    public void FuzzedFilesReadOrFailCleanly()
    {
        byte[] seed = Encoding.UTF8.GetBytes("""
            {"metadata":{"counts":3},"roas":[{"prefix":"203.0.113.0/24","maxLength":24,"asn":"AS64500"},
            {"asn":64501,"prefix":"2001:db8::/32","maxLength":48,"ta":"ripe"},{"prefix":"198.51.100.0/24","asn":"as64502","x":[{"y":null}]}]}
            """);
        var random = new Random(20261207);
        int read = 0, refused = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var bytes = new List<byte>(seed);
            for (int m = random.Next(1, 4); m > 0 && bytes.Count > 0; m--)
            {
                int at = random.Next(bytes.Count);
                switch (random.Next(4))
                {
                    case 0: bytes[at] = (byte)random.Next(256); break;
                    case 1: bytes.RemoveAt(at); break;
                    case 2: bytes.Insert(at, bytes[random.Next(bytes.Count)]); break;
                    default: bytes.RemoveRange(at, bytes.Count - at); break;
                }
            }
            try
            {
                VrpJson.Read(new MemoryStream([.. bytes]), "fuzz.json");
                read++;
            }
            catch (VrpFormatException e)
            {
                Assert.Matches(@"^fuzz\.json:\d+:\d+: ", e.Message);
                refused++;
            }
        }
        Assert.True(read > 100 && refused > 100, $"{read} read, {refused} refused");
    }
}
