using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;

namespace PolicyKit.Bmp.Tests.Origins;

/// <summary>The station's origin files: a bad one at start refuses to start with file:line:col; a bad one on reload keeps the data in force and says why.</summary>
public sealed class OriginReloadTests
{
    private const string TwoVrps = """{"roas":[{"prefix":"203.0.113.0/24","maxLength":24,"asn":"AS64500"},{"prefix":"2001:db8::/32","maxLength":48,"asn":64500}]}""";

    [Fact]
    public async Task ABadVrpFileStopsTheStationFromStarting()
    {
        using var temp = new TempDirectory();
        string file = temp.File_("vrps.json");
        File.WriteAllText(file, "{\"roas\":[\n{\"prefix\":\"203.0.113.0/24\",\"maxLength\":33,\"asn\":1}]}");
        await using var station = new BmpStation(new BmpStationOptions { Listeners = [StationHarness.Plain()], RpkiFile = file }, TestTables.TwoPeers());
        var e = await Assert.ThrowsAsync<BmpConfigurationException>(() => station.StartAsync());
        Assert.Equal($"bmp rpki-file: {file}:2:1: roas[0].maxLength 33 must lie between the prefix length 24 and 32", e.Message);
        Assert.Empty(station.LocalEndpoints); // nothing bound
    }

    [Fact]
    public async Task AReloadWithABadFileKeepsTheVrpsInForceAndSaysWhy()
    {
        using var temp = new TempDirectory();
        string file = temp.File_("vrps.json");
        File.WriteAllText(file, TwoVrps);
        await using var h = await StationHarness.StartAsync(new BmpStationOptions { Listeners = [StationHarness.Plain()], RpkiFile = file });
        var loaded = h.Station.Origins.Rpki;
        Assert.Equal(2, loaded!.Count);
        Assert.Equal(2, h.Station.Snapshot().Rpki!.Entries);

        File.WriteAllText(file, "{\"roas\":[{\"prefix\":\"203.0.113.0/24\",\"asn\":\"AS-BAD\"}]}");
        var failed = Assert.Single(h.Station.ReloadOrigins());
        Assert.False(failed.Success);
        Assert.Equal($"{file}:1:43: roas[0].asn must be an AS number such as \"AS64500\" or 64500 (0..4294967295), not \"AS-BAD\" (the previous 2 entries stay in use)", failed.Detail);
        Assert.Same(loaded, h.Station.Origins.Rpki);

        File.WriteAllText(file, """{"roas":[{"prefix":"198.51.100.0/24","maxLength":24,"asn":"AS64501"}]}""");
        var ok = Assert.Single(h.Station.ReloadOrigins());
        Assert.True(ok.Success, ok.Detail);
        Assert.Equal(1, h.Station.Origins.Rpki!.Count);
        Assert.True(h.WaitFor(x => x.Of<BmpOriginDataReloadedEvent>().Count() == 2, 5), h.Describe());
        Assert.Equal([false, true], h.Of<BmpOriginDataReloadedEvent>().Select(e => e.Success));
    }

    [Fact]
    public async Task ExpectedOriginsLoadFromTheirOwnFile()
    {
        using var temp = new TempDirectory();
        string file = temp.File_("irr.json");
        File.WriteAllText(file, TwoVrps);
        await using var h = await StationHarness.StartAsync(new BmpStationOptions { Listeners = [StationHarness.Plain()], ExpectedOriginsFile = file });
        Assert.Null(h.Station.Origins.Rpki);
        Assert.Equal(2, h.Station.Origins.ExpectedOrigins!.Count);
        Assert.Equal("expected-origins", h.Station.Snapshot().ExpectedOrigins!.Name);
    }
}
