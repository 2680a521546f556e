namespace PolicyKit.Agent.Config;

/// <summary>
/// [bmp]: the BMP station (docs/bmp.md). A plain listener and/or a TLS listener that requires
/// the router's client certificate (BMP over TLS: TLS 1.2/1.3, mutual authentication). Once
/// tls_listen is set, plaintext is served only if listen is set explicitly (the draft's TLS-only
/// recommendation). The limits bound what a connection may cost before it is a session.
/// </summary>
public sealed record BmpSection(
    bool Enabled, string Listen, string TlsListen, string CertFile, string KeyFile, string CaFile,
    string TlsMinVersion, bool Strict, int MaxSessions, int MaxSessionsPerSource, int MaxPending, int MaxPendingPerSource,
    TimeSpan HandshakeTimeout, TimeSpan FirstMessageTimeout, TimeSpan IdleTimeout,
    string View, IReadOnlyDictionary<string, string> ViewOverrides, int EventQueue, int EventBurst, TimeSpan EventInterval)
{
    /// <summary>A VRP JSON file (stayrtr / rpki-client export) every announcement is validated against (RFC 6811); empty: no RPKI validation.</summary>
    public string RpkiFile { get; init; } = string.Empty;

    /// <summary>The expected origins per prefix (IRR route objects) in the same format; empty: that check is off.</summary>
    public string ExpectedOriginsFile { get; init; } = string.Empty;

    public static readonly string[] Views = ["auto", "pre-policy", "post-policy", "loc-rib"];

    public const string DefaultListen = "127.0.0.1:11019";

    public static BmpSection Bind(ConfigValues v)
    {
        bool enabled = v.Bool("bmp.enabled", false, "run the BMP station (routers stream BGP monitoring data to the agent)");
        string listen = v.String("bmp.listen", DefaultListen, "HOST:PORT for plain-TCP BMP; empty = no plain listener; not served by default once tls_listen is set");
        string tlsListen = v.String("bmp.tls_listen", "", "HOST:PORT for BMP over TLS (client certificates required); empty = none");
        // TLS-only once a TLS profile is configured (draft-hmntsharma-bmp-over-tls), unless plaintext is asked for by name.
        if (tlsListen.Length > 0 && !v.Has("bmp.listen")) listen = string.Empty;
        var s = new BmpSection(
            enabled, listen, tlsListen,
            v.Path("bmp.cert_file", mustExist: true, "PEM certificate the station presents on tls_listen"),
            v.Path("bmp.key_file", mustExist: true, "PEM private key of cert_file"),
            v.Path("bmp.ca_file", mustExist: true, "PEM CA that routers' client certificates must chain to"),
            v.Choice("bmp.tls_min_version", "1.2", ["1.2", "1.3"], "lowest TLS version accepted"),
            v.Bool("bmp.strict", true, "refuse plaintext on the TLS port (a router must not silently fall back)"),
            v.Int("bmp.max_sessions", 64, 1, 100_000, "BMP sessions at once (connections past TLS and their Initiation)"),
            v.Int("bmp.max_sessions_per_source", 8, 1, 100_000, "sessions from one source address at once"),
            v.Int("bmp.max_pending", 512, 1, 100_000, "connections not yet sessions (handshaking, or before their Initiation), a few kB each; at the bound a new one pushes out a stalled or idle one"),
            v.Int("bmp.max_pending_per_source", 4, 1, 100_000, "pending connections from one source address; more are refused"),
            v.Duration("bmp.handshake_timeout", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), "a TLS handshake must be done within this"),
            v.Duration("bmp.first_message_timeout", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), "the router's Initiation must arrive within this after the handshake (or the connect)"),
            v.Duration("bmp.idle_timeout", TimeSpan.FromMinutes(30), TimeSpan.Zero, "a session silent this long is closed (0 = never); routers' statistics reports keep it alive"),
            v.Choice("bmp.view", "auto", Views, "the view of a peer's routes the policy analysis runs on: auto = post-policy when the router sends it, else pre-policy (Loc-RIB on its own)"),
            ParseViews(v, v.String("bmp.view_overrides", "", "ROUTER=VIEW or ROUTER/PEER=VIEW pairs, comma-separated (ROUTER: identity, sysName or address)")),
            v.Int("bmp.event_queue", 10_000, 16, 10_000_000, "BMP events waiting for telemetry; when full, new events are dropped and counted"),
            v.Int("bmp.event_burst", 5, 1, 10_000, "events of one kind and reason a session sends per event_interval; the rest are counted into one summary"),
            v.Duration("bmp.event_interval", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), "the window of event_burst, and how often held-back events are summarised"))
        {
            RpkiFile = v.Path("bmp.rpki_file", mustExist: true, "VRP JSON (the export of stayrtr or rpki-client) that every received route is validated against (RFC 6811); re-read on SIGHUP"),
            ExpectedOriginsFile = v.Path("bmp.expected_origins_file", mustExist: true, "expected origins per prefix (IRR route objects) in the same JSON format; a covered route from another origin is an event; re-read on SIGHUP"),
        };
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

    private static Dictionary<string, string> ParseViews(ConfigValues v, string text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = pair.LastIndexOf('=');
            string view = eq < 0 ? string.Empty : pair[(eq + 1)..].Trim();
            if (eq <= 0 || !Views.Contains(view, StringComparer.OrdinalIgnoreCase))
            {
                v.Error("bmp.view_overrides", $"expected ROUTER=VIEW or ROUTER/PEER=VIEW with VIEW one of {string.Join(", ", Views)}, got \"{pair}\"");
                continue;
            }
            map[pair[..eq].Trim()] = view.ToLowerInvariant();
        }
        return map;
    }
}
