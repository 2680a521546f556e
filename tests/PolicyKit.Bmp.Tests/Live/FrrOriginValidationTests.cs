using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Tests.Live;

/// <summary>
/// Hijack telemetry from a real FRR 8.4 BMP stream (the two bgpd of <see cref="FrrLiveTests"/> in
/// namespaces the test creates): against a VRP file the test writes, the station flags the peer's
/// 13.0.0.0/8 (its ROA names another AS) and 2a00:1::/32 as RPKI-invalid, its 11.0.x.0/24 as
/// valid; after the file changes and a reload, the re-announced 13.0.0.0/8 is valid.
/// </summary>
public sealed class FrrOriginValidationTests
{
    private const string Vrps = """
        {"metadata":{"buildtime":"2026-12-07T00:00:00Z"},"roas":[
          {"prefix":"11.0.0.0/16","maxLength":24,"asn":"AS64500"},
          {"prefix":"13.0.0.0/8","maxLength":8,"asn":"AS64999"},
          {"prefix":"2a00:1::/32","maxLength":32,"asn":"AS65000"}]}
        """;

    [Fact]
    public async Task TheStationFlagsFrrsInvalidRoutesAgainstTheVrpFile()
    {
        using var temp = new TempDirectory();
        string vrps = temp.File_("vrps.json");
        File.WriteAllText(vrps, Vrps);
        await using var h = await StationHarness.StartAsync(new BmpStationOptions { Listeners = [StationHarness.Plain()], RpkiFile = vrps });
        using var net = new NetnsPair();
        using var bridge = new BmpBridge(net, temp.Path, h.Port(), null);
        using var peer = new FrrBgpd(net, net.Peer, temp.Path, "peer", FrrLiveTests.PeerConfig);
        using var router = new FrrBgpd(net, net.Router, temp.Path, "router", FrrLiveTests.RouterConfig);
        BmpPeerSnapshot? Peer(string name) => h.Station.Snapshot().Peers.FirstOrDefault(p => p.Peer.Name == name && p.Up);
        string Diagnose() => $"{h.Describe()}\n{string.Join("\n", h.Station.Snapshot().Peers.Select(p => $"{p.Peer.Name} {p.AnalysisView} {p.Origins}"))}\n── router\n{router.Logs}";
        BmpOriginEvent[] Invalid(string prefix) => h.Of<BmpOriginEvent>().Where(e => e.Prefix == prefix).ToArray();

        Assert.True(h.WaitFor(_ => Invalid("13.0.0.0/8").Length > 0 && Invalid("2a00:1::/32").Length > 0
            && Peer("192.0.2.1")?.Origins.RpkiValid >= FrrLiveTests.Prefixes11, 60), "no invalid routes flagged:\n" + Diagnose());

        var v4 = Invalid("13.0.0.0/8")[0];
        Assert.Equal(("bmp-rpki-invalid", "192.0.2.1", 64500u, "64500", "13.0.0.0/8-8 AS64999"), (v4.Kind, v4.Peer.Address, v4.OriginAs!.Value, v4.AsPath, v4.Expected));
        var v6 = Invalid("2a00:1::/32")[0];
        Assert.Equal(("2001:db8:ff::1", 64500u, "2a00:1::/32-32 AS65000"), (v6.Peer.Address, v6.OriginAs!.Value, v6.Expected));
        Assert.DoesNotContain(h.Of<BmpOriginEvent>(), e => e.Prefix.StartsWith("11.", StringComparison.Ordinal) || e.Prefix == "10.50.0.0/16");
        var counts = Peer("192.0.2.1")!.Origins;
        Assert.True(counts.RpkiInvalid >= 1 && counts.RpkiNotFound >= 1, counts.ToString()); // 13/8 invalid, 10.50/16 not covered
        Assert.True(Peer("2001:db8:ff::1")!.Origins.RpkiNotFound >= 2, Diagnose()); // 2a00:2::/32 and 2a00:3::/32

        // The operator fixes the ROA: after a reload the re-announced 13.0.0.0/8 is valid.
        File.WriteAllText(vrps, Vrps.Replace("\"13.0.0.0/8\",\"maxLength\":8,\"asn\":\"AS64999\"", "\"13.0.0.0/8\",\"maxLength\":8,\"asn\":\"AS64500\"", StringComparison.Ordinal));
        Assert.True(Assert.Single(h.Station.ReloadOrigins()).Success);
        long validBefore = Peer("192.0.2.1")!.Origins.RpkiValid;
        int invalidBefore = Invalid("13.0.0.0/8").Length;
        peer.Vtysh("configure terminal", "router bgp 64500", "address-family ipv4 unicast", "no network 13.0.0.0/8");
        Assert.True(h.WaitFor(_ => Peer("192.0.2.1") is { } p && p.Prefixes(RibView.AdjRibInPost) == FrrLiveTests.Prefixes11 + 1, 30), "13/8 not withdrawn:\n" + Diagnose());
        peer.Vtysh("configure terminal", "router bgp 64500", "address-family ipv4 unicast", "network 13.0.0.0/8");
        Assert.True(h.WaitFor(_ => Peer("192.0.2.1")?.Origins.RpkiValid > validBefore, 30), "13/8 not re-validated:\n" + Diagnose());
        Assert.Equal(invalidBefore, Invalid("13.0.0.0/8").Length);
    }
}
