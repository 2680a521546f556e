using System.Text;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Station;
using static PolicyKit.Agent.Status.OpenMetricsDocument;

namespace PolicyKit.Agent.Status;

/// <summary>
/// The BMP station's part of <c>/metrics</c>: the station's counters (those of <c>/status</c>'s
/// <c>bmp.station</c>), one series per open router and one per router and peer. Labels are the
/// router's identity and the peer's name only (plus the RIB view for prefixes), so a station makes
/// a bounded number of series: 21 for the station, 4 per router, and per peer 3, one per view it
/// reported and 1 more when the policy names its max-prefix (docs/telemetry.md).
/// </summary>
internal static class BmpMetrics
{
    public static void Write(StringBuilder text, BmpStationSnapshot snapshot)
    {
        var c = snapshot.Counters;
        Family(text, "mpol_agent_bmp_sessions", "gauge", "Open BMP sessions (monitored routers).");
        Sample(text, "mpol_agent_bmp_sessions", [], c.SessionsActive);
        Family(text, "mpol_agent_bmp_pending", "gauge", "BMP connections accepted and not yet a session (TLS handshake, first message).");
        Sample(text, "mpol_agent_bmp_pending", [], c.PendingNow);
        Counter(text, "mpol_agent_bmp_connections_accepted", "BMP connections accepted since start.", c.ConnectionsAccepted);
        Counter(text, "mpol_agent_bmp_sessions_accepted", "BMP sessions accepted since start.", c.SessionsAccepted);
        Family(text, "mpol_agent_bmp_refused", "counter", "BMP connections refused or closed before or outside a session, one series per counter of /status bmp.station.");
        foreach (var (reason, value) in Refused(c)) Sample(text, "mpol_agent_bmp_refused_total", [("reason", reason)], value);
        Counter(text, "mpol_agent_bmp_idle_closed", "BMP sessions closed for saying nothing too long.", c.IdleClosed);
        Counter(text, "mpol_agent_bmp_messages", "BMP messages received since start.", c.Messages);
        Counter(text, "mpol_agent_bmp_bytes", "BMP bytes received since start.", c.Bytes);
        Counter(text, "mpol_agent_bmp_malformed", "Malformed BMP messages (parse errors) since start.", c.MalformedMessages);
        Counter(text, "mpol_agent_bmp_framing_errors", "BMP streams whose framing broke (the session closed).", c.FramingErrors);
        Counter(text, "mpol_agent_bmp_events_suppressed", "BMP events counted but not sent (over their budget per reason and window).", c.EventsSuppressed);
        Counter(text, "mpol_agent_bmp_events_dropped", "BMP events dropped because the event queue was full.", c.EventsDropped);
        Counter(text, "mpol_agent_bmp_certificate_reloads", "BMP listener certificate reloads.", c.CertificateReloads);
        Counter(text, "mpol_agent_bmp_certificate_reload_failures", "BMP listener certificate reloads that failed (the old certificates stay).", c.CertificateReloadFailures);
        Counter(text, "mpol_agent_bmp_internal_errors", "BMP station internal errors.", c.InternalErrors);

        if (snapshot.Rpki is { } rpki)
        {
            Family(text, "mpol_agent_bmp_rpki_vrps", "gauge", "VRPs the station validates routes against (bmp.rpki_file).");
            Sample(text, "mpol_agent_bmp_rpki_vrps", [], rpki.Entries);
        }
        if (snapshot.ExpectedOrigins is { } expected)
        {
            Family(text, "mpol_agent_bmp_expected_origins", "gauge", "Expected origins per prefix the station checks routes against (bmp.expected_origins_file).");
            Sample(text, "mpol_agent_bmp_expected_origins", [], expected.Entries);
        }

        var routers = OnePerRouter(snapshot.Sessions);
        Family(text, "mpol_agent_bmp_router_up", "gauge", "1 while the router's BMP session is open and not terminated.");
        foreach (var s in routers) Sample(text, "mpol_agent_bmp_router_up", [("router", s.Router)], s.Terminated ? 0 : 1);
        Family(text, "mpol_agent_bmp_router_peers", "gauge", "Peers the router reported.");
        foreach (var s in routers) Sample(text, "mpol_agent_bmp_router_peers", [("router", s.Router)], s.Peers.Count);
        Family(text, "mpol_agent_bmp_router_messages", "counter", "BMP messages from the router's session.");
        foreach (var s in routers) Sample(text, "mpol_agent_bmp_router_messages_total", [("router", s.Router)], s.Messages);
        Family(text, "mpol_agent_bmp_router_malformed", "counter", "Malformed BMP messages from the router's session.");
        foreach (var s in routers) Sample(text, "mpol_agent_bmp_router_malformed_total", [("router", s.Router)], s.MalformedMessages);

        var peers = routers.SelectMany(s => OnePerName(s.Peers).Select(p => (Router: s.Router, Peer: p))).ToList();
        Family(text, "mpol_agent_bmp_peer_up", "gauge", "1 while the peer's BGP session is up, as the router reports it.");
        foreach (var (router, p) in peers) Sample(text, "mpol_agent_bmp_peer_up", [("router", router), ("peer", p.Peer.Name)], p.Up ? 1 : 0);
        Family(text, "mpol_agent_bmp_peer_prefixes", "gauge", "Prefixes the peer holds in each RIB view the router reports.");
        foreach (var (router, p) in peers)
            foreach (var v in p.Views) Sample(text, "mpol_agent_bmp_peer_prefixes", [("router", router), ("peer", p.Peer.Name), ("view", v.ViewName)], v.Prefixes);
        Family(text, "mpol_agent_bmp_peer_policy_prefixes", "gauge", "Prefixes in the analysed view: the figure the peer's max-prefix limit uses.");
        foreach (var (router, p) in peers) Sample(text, "mpol_agent_bmp_peer_policy_prefixes", [("router", router), ("peer", p.Peer.Name)], p.PolicyPrefixes);
        Family(text, "mpol_agent_bmp_peer_max_prefix", "gauge", "The policy's max-prefix for the peer (only peers the policy names).");
        foreach (var (router, p) in peers.Where(x => x.Peer.MaxPrefix >= 0))
            Sample(text, "mpol_agent_bmp_peer_max_prefix", [("router", router), ("peer", p.Peer.Name)], p.MaxPrefix);
        if (snapshot.Rpki is not null)
        {
            Family(text, "mpol_agent_bmp_peer_rpki", "counter", "Announcements on the analysed view validated against the VRPs, by RFC 6811 state.");
            foreach (var (router, p) in peers)
            {
                foreach (var (state, value) in new[] { ("valid", p.Origins.RpkiValid), ("invalid", p.Origins.RpkiInvalid), ("not-found", p.Origins.RpkiNotFound) })
                    Sample(text, "mpol_agent_bmp_peer_rpki_total", [("router", router), ("peer", p.Peer.Name), ("state", state)], value);
            }
        }
        if (snapshot.ExpectedOrigins is not null)
        {
            Family(text, "mpol_agent_bmp_peer_unexpected_origin", "counter", "Announcements on the analysed view whose origin the expected origins do not list.");
            foreach (var (router, p) in peers) Sample(text, "mpol_agent_bmp_peer_unexpected_origin_total", [("router", router), ("peer", p.Peer.Name)], p.Origins.UnexpectedOrigins);
        }
        Family(text, "mpol_agent_bmp_peer_updates", "counter", "Route Monitoring messages received for the peer.");
        foreach (var (router, p) in peers) Sample(text, "mpol_agent_bmp_peer_updates_total", [("router", router), ("peer", p.Peer.Name)], p.RouteMonitoringMessages);
    }

    /// <summary>The station's refusal counters by the names <c>/status</c> gives them.</summary>
    private static (string Reason, long Value)[] Refused(BmpStationCounters c) =>
    [
        ("sessions_refused", c.SessionsRefused), ("pending_refused", c.PendingRefused), ("pending_evicted", c.PendingEvicted),
        ("pending_lost", c.PendingLost), ("first_message_failures", c.FirstMessageFailures), ("tls_failures", c.TlsHandshakeFailures),
        ("plaintext_refused", c.PlaintextRefused),
    ];

    private static void Counter(StringBuilder text, string family, string help, long value)
    {
        Family(text, family, "counter", help);
        Sample(text, family + "_total", [], value);
    }

    /// <summary>
    /// One session per router identity, the newest: two open sessions share one when a router
    /// reconnected before its old session closed, and one label set must not appear twice.
    /// </summary>
    private static List<BmpSessionSnapshot> OnePerRouter(IReadOnlyList<BmpSessionSnapshot> sessions) =>
        sessions.GroupBy(s => s.Router, StringComparer.Ordinal).Select(g => g.MaxBy(s => s.Session)!).OrderBy(s => s.Router, StringComparer.Ordinal).ToList();

    private static IEnumerable<BmpPeerSnapshot> OnePerName(IReadOnlyList<BmpPeerSnapshot> peers) =>
        peers.GroupBy(p => p.Peer.Name, StringComparer.Ordinal).Select(g => g.First()).OrderBy(p => p.Peer.Name, StringComparer.Ordinal);
}
