using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Recording;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Tests.Support;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Tests.Station;

/// <summary>
/// BMP over TLS per the draft, against real TLS clients: socat's OPENSSL-CONNECT (the wrapper a
/// router without native BMPS uses) and openssl s_client. Mutual TLS is required; TLS 1.2 and
/// 1.3 only; strict mode refuses plaintext; certificates reload without a restart.
/// </summary>
public sealed class StationTlsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Pki _pki;
    private readonly string _stream;

    public StationTlsTests()
    {
        _pki = Pki.Create(Path.Combine(_temp.Path, "pki"));
        // The FRR stream recorded by the live test: what a router behind the socat TLS wrapper sends.
        _stream = Recordings.PathOf("frr-8.4.bmp");
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>Sends the stream file through socat OPENSSL-CONNECT with the given client certificate (or none).</summary>
    private Tools.Result SendTls(int port, string? cert, string? key, string extra = "")
    {
        string socat = Tools.Require("socat", "socat");
        string address = $"OPENSSL-CONNECT:127.0.0.1:{port},cafile={_pki.Ca},verify=1" + (cert is null ? "" : $",cert={cert},key={key}") + extra;
        return Tools.Run(socat, ["-u", $"FILE:{_stream}", address], TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ARouterWithACertificateFromTheCaIsAccepted()
    {
        await using var h = await StationHarness.StartAsync(new BmpStationOptions { Listeners = [StationHarness.Tls(_pki)] });
        var result = SendTls(h.Port(), _pki.ClientCert, _pki.ClientKey);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.True(h.WaitFor(x => x.Of<BmpSessionClosedEvent>().Any()), h.Describe());
        var opened = h.Of<BmpSessionOpenedEvent>().Single();
        Assert.True(opened.Tls);
        Assert.Equal("CN=edge-2", opened.ClientSubject);
        Assert.Equal(PcapWriter.Messages(File.ReadAllBytes(_stream)).Count, h.Of<BmpSessionClosedEvent>().Single().Messages);
        Assert.Equal("CN=edge-2", h.Of<BmpSessionClosedEvent>().Single().Router); // the certificate names the router
        Assert.Equal(0, h.Station.Counters.MalformedMessages);
        Assert.Equal(0, h.Station.Counters.TlsHandshakeFailures);
    }

    [Fact]
    public async Task ARouterWithoutACertificateIsRefused()
    {
        await using var h = await StationHarness.StartAsync(new BmpStationOptions { Listeners = [StationHarness.Tls(_pki)] });
        var result = SendTls(h.Port(), null, null);
        Assert.True(h.WaitFor(x => x.Station.Counters.TlsHandshakeFailures == 1 && x.Of<BmpConnectionRefusedEvent>().Any()), h.Describe() + result.Output);
        Assert.Contains("no client certificate", h.Of<BmpConnectionRefusedEvent>().Single().Reason);
        Assert.Empty(h.Of<BmpSessionOpenedEvent>());
        Assert.Equal(0, h.Station.Counters.Messages);
    }

    [Fact]
    public async Task ARouterWithARogueCertificateIsRefused()
    {
        var rogue = Pki.Create(Path.Combine(_temp.Path, "rogue"));
        await using var h = await StationHarness.StartAsync(new BmpStationOptions { Listeners = [StationHarness.Tls(_pki)] });
        var result = SendTls(h.Port(), rogue.ClientCert, rogue.ClientKey);
        Assert.True(h.WaitFor(x => x.Station.Counters.TlsHandshakeFailures == 1 && x.Of<BmpConnectionRefusedEvent>().Any()), h.Describe() + result.Output);
        Assert.Contains("does not chain to the configured CA", h.Of<BmpConnectionRefusedEvent>().Single().Reason);
        Assert.Equal(0, h.Station.Counters.Messages);
    }

    [Fact]
    public async Task Tls11IsRefused()
    {
        await using var h = await StationHarness.StartAsync(new BmpStationOptions { Listeners = [StationHarness.Tls(_pki)] });
        string openssl = Tools.Require("openssl", "openssl");
        string empty = _temp.File_("empty");
        File.WriteAllBytes(empty, []);
        // SECLEVEL=0 lets this OpenSSL client offer TLS 1.1 at all; the station must still refuse it.
        var result = Tools.Run(openssl, ["s_client", "-connect", $"127.0.0.1:{h.Port()}", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0",
            "-cert", _pki.ClientCert, "-key", _pki.ClientKey, "-CAfile", _pki.Ca], TimeSpan.FromSeconds(20), empty);
        Assert.True(h.WaitFor(x => x.Station.Counters.TlsHandshakeFailures == 1 && x.Of<BmpConnectionRefusedEvent>().Any()), h.Describe() + result.Output);
        // The station answers the TLS 1.1 ClientHello with a protocol_version alert (70): no cipher is ever agreed.
        Assert.True(result.Output.Contains("alert protocol version", StringComparison.Ordinal) && result.Output.Contains("Cipher is (NONE)", StringComparison.Ordinal), result.Output);
        Assert.Contains("TLS handshake failed", h.Of<BmpConnectionRefusedEvent>().Single().Reason);
    }

    [Fact]
    public async Task Tls12IsAcceptedUnlessTheMinimumIs13()
    {
        await using var h = await StationHarness.StartAsync(new BmpStationOptions
        {
            Listeners = [StationHarness.Tls(_pki), StationHarness.Tls(_pki, min: BmpTlsVersion.Tls13)],
        });
        var accepted = SendTls(h.Port(0), _pki.ClientCert, _pki.ClientKey, ",openssl-max-proto-version=TLS1.2");
        Assert.True(h.WaitFor(x => x.Of<BmpSessionClosedEvent>().Any()), h.Describe() + accepted.Output);
        SendTls(h.Port(1), _pki.ClientCert, _pki.ClientKey, ",openssl-max-proto-version=TLS1.2");
        Assert.True(h.WaitFor(x => x.Station.Counters.TlsHandshakeFailures == 1 && x.Of<BmpConnectionRefusedEvent>().Any()), h.Describe());
        Assert.Single(h.Of<BmpSessionOpenedEvent>());
    }

    [Fact]
    public async Task PlaintextOnAStrictTlsPortIsRefusedAndAllowedWhenNotStrict()
    {
        await using var h = await StationHarness.StartAsync(new BmpStationOptions { Listeners = [StationHarness.Tls(_pki), StationHarness.Tls(_pki, strict: false)] });
        using (h.SendPlain(Streams.Router("plain", 3), listener: 0))
            Assert.True(h.WaitFor(x => x.Station.Counters.PlaintextRefused == 1 && x.Of<BmpConnectionRefusedEvent>().Any()), h.Describe());
        Assert.Contains("plaintext on a strict TLS port", h.Of<BmpConnectionRefusedEvent>().Single().Reason);
        using (h.SendPlain(Streams.Router("plain", 3), listener: 1))
            Assert.True(h.WaitFor(x => x.Station.Snapshot().Peers.Any(p => p.Prefixes(RibView.AdjRibInPre) == 3)), h.Describe());
        // And TLS still works on the non-strict port.
        SendTls(h.Port(1), _pki.ClientCert, _pki.ClientKey);
        Assert.True(h.WaitFor(x => x.Of<BmpSessionOpenedEvent>().Any(o => o.Tls)), h.Describe());
    }

    [Fact]
    public async Task CertificatesReloadWithoutARestartAndABadReloadKeepsTheOldOnes()
    {
        var listener = StationHarness.Tls(_pki);
        await using var h = await StationHarness.StartAsync(new BmpStationOptions { Listeners = [listener] });
        SendTls(h.Port(), _pki.ClientCert, _pki.ClientKey);
        Assert.True(h.WaitFor(x => x.Of<BmpSessionClosedEvent>().Count() == 1), h.Describe());

        // Replace the files in place with a new CA and certificates: the old router certificate is no longer trusted.
        var fresh = Pki.Create(Path.Combine(_temp.Path, "fresh"));
        string oldClient = _temp.File_("old-router.crt"), oldKey = _temp.File_("old-router.key");
        File.Copy(_pki.ClientCert, oldClient);
        File.Copy(_pki.ClientKey, oldKey);
        foreach (var (from, to) in new[] { (fresh.Ca, _pki.Ca), (fresh.StationCert, _pki.StationCert), (fresh.StationKey, _pki.StationKey), (fresh.ClientCert, _pki.ClientCert), (fresh.ClientKey, _pki.ClientKey) })
            File.Copy(from, to, overwrite: true);
        var reload = Assert.Single(h.Station.ReloadCertificates());
        Assert.True(reload.Success, reload.Detail);
        SendTls(h.Port(), oldClient, oldKey);
        Assert.True(h.WaitFor(x => x.Station.Counters.TlsHandshakeFailures == 1 && x.Of<BmpConnectionRefusedEvent>().Any()), h.Describe());
        SendTls(h.Port(), _pki.ClientCert, _pki.ClientKey);
        Assert.True(h.WaitFor(x => x.Of<BmpSessionClosedEvent>().Count() == 2), h.Describe());

        // A broken key file: the reload fails, says so without the key, and the working profile stays.
        File.WriteAllText(_pki.StationKey, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        var failed = Assert.Single(h.Station.ReloadCertificates());
        Assert.False(failed.Success);
        Assert.Contains("previous certificates stay in use", failed.Detail);
        Assert.DoesNotContain("not a key", failed.Detail);
        SendTls(h.Port(), _pki.ClientCert, _pki.ClientKey);
        Assert.True(h.WaitFor(x => x.Of<BmpSessionClosedEvent>().Count() == 3), h.Describe());
        Assert.Equal(1, h.Station.Counters.CertificateReloadFailures);
        Assert.Equal(2, h.Of<BmpCertificatesReloadedEvent>().Count());
    }

    [Fact]
    public async Task AMissingCertificateFileIsAConfigurationErrorAtStart()
    {
        var listener = StationHarness.Tls(_pki) with { Tls = StationHarness.Tls(_pki).Tls! with { CaFile = _temp.File_("missing-ca.pem") } };
        var station = new BmpStation(new BmpStationOptions { Listeners = [listener] }, TestTables.Empty());
        var e = await Assert.ThrowsAsync<BmpConfigurationException>(() => station.StartAsync());
        Assert.Contains("missing-ca.pem", e.Message);
        await station.DisposeAsync();
    }
}
