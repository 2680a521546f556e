using System.Text.Json;
using PolicyKit.Tables.Format;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Tests;

/// <summary>The JSON and text renderings of <c>mpolc inspect</c>.</summary>
public sealed class RenderingTests
{
    [Theory]
    [InlineData("232.10.0.0", "232.10.255.255", "232.10.0.0/16")]
    [InlineData("192.0.2.1", "192.0.2.1", "192.0.2.1/32")]
    [InlineData("0.0.0.0", "255.255.255.255", "0.0.0.0/0")]
    [InlineData("224.0.1.39", "224.0.1.40", "224.0.1.39-224.0.1.40")]
    [InlineData("232.0.0.0", "232.0.1.254", "232.0.0.0-232.0.1.254")]
    [InlineData("232.0.0.128", "232.0.1.127", "232.0.0.128-232.0.1.127")]
    public void V4_ranges_render_as_prefixes_when_they_are_one(string first, string last, string expected)
    {
        Assert.Equal(expected, TableValueText.Range(TestTables.V4(first, last)));
    }

    [Theory]
    [InlineData("ff3e::", "ff3e::ffff:ffff", "ff3e::/96")]
    [InlineData("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::/0")]
    [InlineData("2001:db8::1", "2001:db8::1", "2001:db8::1/128")]
    [InlineData("2001:db8::1", "2001:db8::2", "2001:db8::1-2001:db8::2")]
    public void V6_ranges_render_as_prefixes_when_they_are_one(string first, string last, string expected)
    {
        Assert.Equal(expected, TableValueText.Range(TestTables.V6(first, last)));
    }

    [Theory]
    [InlineData(4_000_000, "4Mbps")]
    [InlineData(1_600_000, "1.6Mbps")]
    [InlineData(1_000, "1kbps")]
    [InlineData(500_000_000, "500Mbps")]
    [InlineData(2_500_000_000, "2.5Gbps")]
    [InlineData(1_234_567, "1234.567kbps")]
    [InlineData(999, "999bps")]
    [InlineData(0, "0bps")]
    [InlineData(long.MaxValue, "9223372036854775807bps")]
    public void Bandwidths_render_in_the_largest_exact_unit(long bps, string expected)
    {
        Assert.Equal(expected, TableValueText.Bandwidth(bps));
    }

    [Fact]
    public void Json_renders_every_part_with_addresses_as_text()
    {
        byte[] bytes = TableWriter.Write(TestTables.Full());
        var loaded = TableReader.Load(bytes);
        string json = TableJson.Render(loaded.Table, loaded.File);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal(TableJson.SchemaVersion, root.GetProperty("schema").GetInt32());
        var file = root.GetProperty("file");
        Assert.Equal("1.1", file.GetProperty("format").GetString());
        Assert.Equal(1, root.GetProperty("router").GetProperty("igmpDefault").GetProperty("max").GetInt32());
        Assert.Equal(0, root.GetProperty("router").GetProperty("msdpRedistributeFilter").GetInt32());
        Assert.Equal(bytes.Length, file.GetProperty("bytes").GetInt32());
        Assert.Equal(JsonValueKind.Null, file.GetProperty("signature").ValueKind);
        Assert.Equal(13, file.GetProperty("sections").GetArrayLength());

        Assert.Equal("bng-1 ✓", root.GetProperty("header").GetProperty("device").GetString());
        var router = root.GetProperty("router");
        Assert.Equal(int.MaxValue, router.GetProperty("routeLimit").GetInt32());
        Assert.Equal(["232.0.0.0/8", "ff30::/12"], router.GetProperty("ssm").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("policies/a.mpol:1:1", router.GetProperty("routeLimitLocation").GetString());
        Assert.Equal(JsonValueKind.Null, router.GetProperty("mldCap").ValueKind);

        var rule = root.GetProperty("filters")[0].GetProperty("rules")[1];
        Assert.Equal("permit", rule.GetProperty("action").GetString());
        Assert.Equal(["198.51.100.0/26", "2001:db8::/112"], rule.GetProperty("sources").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["232.1.0.0/16", "232.3.0.0-232.3.0.9", "ff3e::/96"], rule.GetProperty("groups").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("filters")[0].GetProperty("rules")[0].GetProperty("sources").ValueKind);
        Assert.Equal("any", root.GetProperty("filters")[0].GetProperty("rules")[2].GetProperty("groups").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("filters")[0].GetProperty("rules")[2].GetProperty("location").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("filters")[0].GetProperty("rules")[2].GetProperty("from").ValueKind);
        Assert.Equal(["10.4.4.4/32", "fe80::/112"], root.GetProperty("filters")[0].GetProperty("rules")[3].GetProperty("from").EnumerateArray().Select(e => e.GetString()));

        var iface = root.GetProperty("interfaces")[0];
        Assert.Equal("GigabitEthernet0/0/1", iface.GetProperty("name").GetString());
        Assert.Equal(125, iface.GetProperty("igmp").GetProperty("limit").GetProperty("max").GetInt32());
        Assert.Equal(["239.255.255.254/32"], iface.GetProperty("igmp").GetProperty("limit").GetProperty("except").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("out", iface.GetProperty("stateLimits")[0].GetProperty("direction").GetString());
        Assert.Equal([0, 1], iface.GetProperty("stateLimits")[0].GetProperty("classes").EnumerateArray().Select(e => e.GetInt32()));

        Assert.Equal("10.0.0.0/8", root.GetProperty("prefixFilters")[0].GetProperty("rules")[0].GetProperty("prefix").GetString());
        Assert.Equal("2001:db8::1", root.GetProperty("msdpPeers")[1].GetProperty("address").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("msdpPeers")[1].GetProperty("saLimit").ValueKind);
        Assert.Equal("255.255.255.255", root.GetProperty("bgpPeers")[2].GetProperty("address").GetString());
        Assert.Equal(900, root.GetProperty("damping").GetProperty("halfLifeSeconds").GetInt32());
        Assert.Equal("site-α", root.GetProperty("telemetry").GetProperty("site").GetString());
        Assert.Equal(5, root.GetProperty("locations").GetArrayLength());
    }

    [Fact]
    public void Json_is_stable()
    {
        var table = TestTables.Full();
        Assert.Equal(TableJson.Render(table), TableJson.Render(TableReader.Read(TableWriter.Write(table))));
        Assert.EndsWith("}\n", TableJson.Render(table), StringComparison.Ordinal);
        Assert.DoesNotContain("\r", TableJson.Render(table), StringComparison.Ordinal);
        // Non-ASCII stays readable, as in mpolc's diagnostics JSON.
        Assert.Contains("\"device\": \"bng-1 ✓\"", TableJson.Render(table), StringComparison.Ordinal);
        using var document = JsonDocument.Parse(TableJson.Render(TestTables.Minimal()));
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("damping").ValueKind);
        Assert.Equal("any", document.RootElement.GetProperty("router").GetProperty("ssm").GetString());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("router").GetProperty("routeLimit").ValueKind);
    }

    [Fact]
    public void Text_shows_sections_interfaces_filters_and_locations()
    {
        var loaded = TableReader.Load(TableWriter.Write(TestTables.Full()));
        string text = TableText.Render(loaded.Table, loaded.File);
        var lines = text.Split('\n');

        Assert.StartsWith("format    1.1, ", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("  IGMP default     1 except 239.255.255.254", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  msdp redistribute filter #0 tv-joins", StringComparison.Ordinal));
        Assert.Contains("signature none (unsigned)", lines);
        Assert.Contains("device    bng-1 ✓ (platform ios-xe)", lines);
        Assert.Contains("sections (13)", lines);
        Assert.Contains(lines, l => l.StartsWith("    7 interfaces ", StringComparison.Ordinal));
        Assert.Contains("interfaces (3)", lines);
        Assert.Contains("  \"GigabitEthernet0/0/1\"  (policies/a.mpol:1:1)", lines);
        Assert.Contains("    IGMP version >= 3; access filter #0 tv-joins; limit 125 except 239.255.255.254/32  (policies/a.mpol:2:5); queries dropped  (policies/a.mpol:2:5)", lines);
        Assert.Contains("    state-limit out cost 500Mbps  (policies/a.mpol:2:5)", lines);
        Assert.Contains("      classes #0 mpeg2-sd, #1 mpeg4-hd; default cost 1kbps", lines);
        Assert.Contains("filters (3)", lines);
        Assert.Contains("  #0 tv-joins (5 rules, first match; no match denies)  (policies/a.mpol:1:1)", lines);
        Assert.Contains("      1 permit sources any groups 239.255.255.254/32  (policies/a.mpol:2:5)", lines);
        Assert.Contains("      3 deny sources any groups any", lines);
        Assert.Contains("      4 permit sources any groups 232.9.0.0/24 from 10.4.4.4/32, fe80::/112  (policies/a.mpol:2:5)", lines);
        Assert.Contains("      5 deny sources any groups any from any  (std/msdp-bcp.mpol:10:3)", lines);
        Assert.Contains("      1 deny 10.0.0.0/8 ge 8 le 32  (std/msdp-bcp.mpol:10:3)", lines);
        Assert.Contains("  SSM range        232.0.0.0/8, ff30::/12", lines);
        Assert.Contains("  route limit      2147483647, warn above 18000  (policies/a.mpol:1:1)", lines);
        Assert.Contains("  192.0.2.1 as 64500: SA filter in filter #0 tv-joins, out filter #2 edges; SA limit 5000  (std/msdp-bcp.mpol:10:3)", lines);
        Assert.Contains("damping   half-life 900s, reuse 750, suppress 2000, max-suppress 3600s  (std/msdp-bcp.mpol:10:3)", lines);
        Assert.Contains("telemetry site 'site-α', interval 30s, warn at 90%", lines);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_lists_a_long_set_one_range_per_line()
    {
        var table = TestTables.Large(groupRanges: 200, interfaces: 1);
        string text = TableText.Render(table);
        Assert.Contains("ranges)", text, StringComparison.Ordinal);
        Assert.DoesNotContain(text.Split('\n'), l => l.Length > 400);
    }

    [Fact]
    public void Skipped_sections_are_shown()
    {
        var sections = TableWriter.EncodeSections(TestTables.Minimal());
        sections.Add((40, [1, 2, 3]));
        var loaded = TableReader.Load(TableWriter.Assemble(1, 2, 0, sections));
        Assert.Contains("unknown section 40", TableText.Render(loaded.Table, loaded.File), StringComparison.Ordinal);
        Assert.Contains("(not understood by this reader: skipped)", TableText.Render(loaded.Table, loaded.File), StringComparison.Ordinal);
        using var document = JsonDocument.Parse(TableJson.Render(loaded.Table, loaded.File));
        Assert.True(document.RootElement.GetProperty("file").GetProperty("sections")[9].GetProperty("skipped").GetBoolean());
    }
}
