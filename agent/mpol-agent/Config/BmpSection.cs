namespace PolicyKit.Agent.Config;

/// <summary>
/// [bmp]: the BMP station (docs/bmp.md). A plain listener and/or a TLS listener that requires
/// the router's client certificate (BMP over TLS: TLS 1.2/1.3, mutual authentication).
/// </summary>
public sealed record BmpSection(
    bool Enabled, string Listen, string TlsListen, string CertFile, string KeyFile, string CaFile,
    string TlsMinVersion, bool Strict, int MaxSessions, int EventQueue)
{
    public static BmpSection Bind(ConfigValues v)
    {
        var s = new BmpSection(
            v.Bool("bmp.enabled", false, "run the BMP station (routers stream BGP monitoring data to the agent)"),
            v.String("bmp.listen", "127.0.0.1:11019", "HOST:PORT for plain-TCP BMP; empty = no plain listener"),
            v.String("bmp.tls_listen", "", "HOST:PORT for BMP over TLS (client certificates required); empty = none"),
            v.Path("bmp.cert_file", mustExist: true, "PEM certificate the station presents on tls_listen"),
            v.Path("bmp.key_file", mustExist: true, "PEM private key of cert_file"),
            v.Path("bmp.ca_file", mustExist: true, "PEM CA that routers' client certificates must chain to"),
            v.Choice("bmp.tls_min_version", "1.2", ["1.2", "1.3"], "lowest TLS version accepted"),
            v.Bool("bmp.strict", true, "refuse plaintext on the TLS port (a router must not silently fall back)"),
            v.Int("bmp.max_sessions", 64, 1, 100_000, "BMP sessions accepted at once"),
            v.Int("bmp.event_queue", 10_000, 16, 10_000_000, "BMP events waiting for telemetry; when full, new events are dropped and counted"));
        if (s.Enabled && s.Listen.Length == 0 && s.TlsListen.Length == 0) v.Error("bmp.listen", "the station needs bmp.listen or bmp.tls_listen");
        if (s.Listen.Length > 0 && !Endpoints.TryParse(s.Listen, out _)) v.Error("bmp.listen", $"expected HOST:PORT, got \"{s.Listen}\"");
        if (s.TlsListen.Length > 0)
        {
            if (!Endpoints.TryParse(s.TlsListen, out _)) v.Error("bmp.tls_listen", $"expected HOST:PORT, got \"{s.TlsListen}\"");
            if (s.CertFile.Length == 0 || s.KeyFile.Length == 0 || s.CaFile.Length == 0)
                v.Error("bmp.tls_listen", "BMP over TLS needs bmp.cert_file, bmp.key_file and bmp.ca_file (mutual TLS is required)");
        }
        return s;
    }
}
