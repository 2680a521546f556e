using System.Text.Json;
using PolicyKit.Agent.Runtime;
using PolicyKit.Agent.Telemetry;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Station;

namespace PolicyKit.Agent.Live;

/// <summary>
/// The BMP station's telemetry, logs and status section (docs/telemetry.md, "BMP"):
/// <list type="bullet">
/// <item>events become non-retained messages on <c>events</c> (type <c>bmp-…</c>) and log lines:
/// session open/close at info, refusals, malformed messages and summaries at warn. The station
/// already holds each kind of event to a budget per reason and window and summarises the rest,
/// so neither the log nor the telemetry buffer floods when one router misbehaves;</item>
/// <item>retained state, published with the limits: <c>bmp/station</c> (the station's counters),
/// <c>bmp/ROUTER</c> (one monitored router: its session, messages, malformed by reason) and
/// <c>bmp/ROUTER/PEER</c> (one peer: state, prefixes per view, the analysed view with its
/// max-prefix figure, damping, violations, the router's statistics reports);</item>
/// <item>when a session closes, its router and every peer it reported are republished as down
/// (retained, so a dashboard never shows a closed session "up"); when the agent stops, every
/// router and peer still up is, and the station's counters say "stopped";</item>
/// <item>the max-prefix figure of each policy-named peer is the one <c>limits/bgp/PEER</c> shows
/// (<see cref="AgentRuntime.BgpPrefixSource"/>), and <c>/status</c> carries the same snapshot.</item>
/// </list>
/// One lock orders every BMP publish, so a periodic snapshot taken just before a session closed is
/// never published after that session's "down".
/// </summary>
internal sealed class BmpTelemetry(BmpStation station, AgentRuntime runtime, AgentLog log)
{
    private readonly Lock _gate = new();
    /// <summary>What each open session has published: its router topic level and its peers' names.</summary>
    private readonly Dictionary<long, (string Router, HashSet<string> Peers)> _published = [];
    private readonly HashSet<long> _closed = [];

    /// <summary>Hooks the station into the runtime: limits read its prefix figures, /status and /metrics its snapshot.</summary>
    public void Attach()
    {
        runtime.BgpPrefixSource = () => station.PrefixUse()
            .Select(u => new BgpPrefixFigure(u.Peer, u.Used, $"bmp {u.Router}/{u.PeerName} {u.View}")).ToList();
        runtime.BmpStatus = w => WriteStatus(w, station.Snapshot());
        runtime.BmpSnapshot = station.Snapshot;
    }

    public async Task PumpEventsAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var e in station.Events.ReadAllAsync(stop).ConfigureAwait(false)) Handle(e);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>After the station stopped: the events still queued (the sessions' closes), then every router and peer marked down.</summary>
    public void Finish()
    {
        while (station.Events.TryRead(out var e)) Handle(e);
        lock (_gate)
        {
            foreach (var (session, published) in _published.ToList()) MarkDown(session, published, "agent stopped");
            _published.Clear();
            runtime.Sink.Publish(runtime.Topics.BmpStation, Station(station.Counters, DateTimeOffset.UtcNow, "stopped"), retain: true);
        }
    }

    private void Handle(BmpEvent e)
    {
        runtime.Sink.Publish(runtime.Topics.Events, Event(e), retain: false);
        switch (e)
        {
            case BmpSessionOpenedEvent o:
                log.Info($"bmp: session {o.Session} from {o.Remote} opened{(o.Tls ? $" over TLS ({o.ClientSubject})" : string.Empty)}");
                break;
            case BmpSessionClosedEvent c:
                log.Write(c.Error ? AgentLogLevel.Warn : AgentLogLevel.Info,
                    $"bmp: session {c.Session} from {c.Remote} ({c.Router}) closed: {c.Reason}; {c.Messages} messages, {c.Bytes} bytes");
                lock (_gate)
                {
                    _closed.Add(c.Session);
                    if (_published.Remove(c.Session, out var published)) MarkDown(c.Session, published, "session closed: " + c.Reason);
                }
                break;
            case BmpConnectionRefusedEvent r:
                log.Warn($"bmp: connection from {r.Remote} refused: {r.Reason}");
                break;
            case BmpMalformedEvent m:
                log.Warn($"bmp: {m.Router}: malformed {m.Message}: {m.Error} ({m.Action})");
                break;
            case BmpEventsSuppressedEvent s:
                log.Warn($"bmp: {s.Router}: {s.Suppressed.Values.Sum()} more events in the last {s.Window.TotalSeconds:0} s, counted not sent: " +
                    string.Join(", ", s.Suppressed.OrderByDescending(p => p.Value).Select(p => $"{p.Key} ×{p.Value}")));
                break;
            case BmpOriginEvent o:
                log.Warn($"bmp: {o.Peer}: {o.Kind[4..]} {o.Prefix} origin {(o.OriginAs is { } origin ? "AS" + origin : "NONE")} as-path [{o.AsPath}] expected {o.Expected} ({o.View} view)");
                break;
            case BmpMaxPrefixEvent { Exceeded: true } x:
                log.Warn($"bmp: {x.Peer}: max-prefix {x.Max} exceeded ({x.View} view)");
                break;
        }
    }

    /// <summary>Publishes the station's, every router's and every peer's retained state (with the limits, every publish interval).</summary>
    public void PublishState()
    {
        var snapshot = station.Snapshot();
        var time = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            runtime.Sink.Publish(runtime.Topics.BmpStation, Station(snapshot.Counters, time, "running"), retain: true);
            foreach (var session in snapshot.Sessions)
            {
                if (_closed.Contains(session.Session)) continue; // closed after this snapshot was taken: its "down" stands
                if (!_published.TryGetValue(session.Session, out var published))
                {
                    published = (session.Router, new HashSet<string>(StringComparer.Ordinal));
                    _published[session.Session] = published;
                }
                else if (published.Router != session.Router)
                {
                    // The Initiation named the router after its first publish: the topics under its old name go down.
                    MarkDown(session.Session, published, "renamed to " + session.Router);
                    published = (session.Router, new HashSet<string>(StringComparer.Ordinal));
                    _published[session.Session] = published;
                }
                runtime.Sink.Publish(runtime.Topics.BmpRouter(session.Router), Router(session, time, up: true, null), retain: true);
                foreach (var peer in session.Peers)
                {
                    published.Peers.Add(peer.Peer.Name);
                    runtime.Sink.Publish(runtime.Topics.Bmp(session.Router, peer.Peer.Name), Peer(peer, session, time), retain: true);
                }
            }
        }
    }

    /// <summary>Under the lock: the router and its peers retained as down (the session is gone, its routes with it).</summary>
    private void MarkDown(long session, (string Router, HashSet<string> Peers) published, string reason)
    {
        var time = DateTimeOffset.UtcNow;
        runtime.Sink.Publish(runtime.Topics.BmpRouter(published.Router), TelemetryPayloads.Event("bmp-router", time, w =>
        {
            w.WriteString("router", published.Router);
            w.WriteNumber("session", session);
            w.WriteBoolean("up", false);
            w.WriteString("reason", reason);
        }), retain: true);
        foreach (string peer in published.Peers)
        {
            runtime.Sink.Publish(runtime.Topics.Bmp(published.Router, peer), TelemetryPayloads.Event("bmp-peer", time, w =>
            {
                w.WriteString("router", published.Router);
                w.WriteString("peer", peer);
                w.WriteBoolean("up", false);
                w.WriteBoolean("session_up", false);
                w.WriteString("reason", reason);
                w.WriteStartObject("prefixes");
                w.WriteEndObject();
                w.WriteNumber("policy_prefixes", 0);
            }), retain: true);
        }
    }

    public static byte[] Station(BmpStationCounters c, DateTimeOffset time, string state) => TelemetryPayloads.Event("bmp-station", time, w =>
    {
        w.WriteString("state", state);
        StationCounters(w, c);
    });

    private static void StationCounters(Utf8JsonWriter w, BmpStationCounters c)
    {
        w.WriteNumber("sessions", c.SessionsActive);
        w.WriteNumber("pending", c.PendingNow);
        w.WriteNumber("connections_accepted", c.ConnectionsAccepted);
        w.WriteNumber("sessions_accepted", c.SessionsAccepted);
        w.WriteNumber("sessions_refused", c.SessionsRefused);
        w.WriteNumber("pending_refused", c.PendingRefused);
        w.WriteNumber("pending_evicted", c.PendingEvicted);
        w.WriteNumber("pending_lost", c.PendingLost);
        w.WriteNumber("first_message_failures", c.FirstMessageFailures);
        w.WriteNumber("tls_failures", c.TlsHandshakeFailures);
        w.WriteNumber("plaintext_refused", c.PlaintextRefused);
        w.WriteNumber("idle_closed", c.IdleClosed);
        w.WriteNumber("framing_errors", c.FramingErrors);
        w.WriteNumber("messages", c.Messages);
        w.WriteNumber("bytes", c.Bytes);
        w.WriteNumber("malformed", c.MalformedMessages);
        w.WriteNumber("events_suppressed", c.EventsSuppressed);
        w.WriteNumber("events_dropped", c.EventsDropped);
        w.WriteNumber("certificate_reloads", c.CertificateReloads);
        w.WriteNumber("certificate_reload_failures", c.CertificateReloadFailures);
        w.WriteNumber("internal_errors", c.InternalErrors);
    }

    public static byte[] Router(BmpSessionSnapshot s, DateTimeOffset time, bool up, string? reason) => TelemetryPayloads.Event("bmp-router", time, w =>
    {
        RouterFields(w, s);
        w.WriteBoolean("up", up);
        if (reason is not null) w.WriteString("reason", reason);
    });

    private static void RouterFields(Utf8JsonWriter w, BmpSessionSnapshot s)
    {
        w.WriteString("router", s.Router);
        w.WriteNumber("session", s.Session);
        w.WriteString("remote", s.Remote);
        if (s.SysName is not null) w.WriteString("sys_name", s.SysName);
        if (s.SysDescr is not null) w.WriteString("sys_descr", s.SysDescr);
        w.WriteBoolean("tls", s.Tls);
        if (s.ClientSubject is not null) w.WriteString("client_subject", s.ClientSubject);
        w.WriteString("since", TelemetryPayloads.Time(s.Since));
        w.WriteNumber("messages", s.Messages);
        w.WriteNumber("bytes", s.Bytes);
        w.WriteStartObject("messages_by_type");
        foreach (var (type, count) in s.MessagesByType) w.WriteNumber(type, count);
        w.WriteEndObject();
        w.WriteNumber("malformed", s.MalformedMessages);
        w.WriteStartObject("malformed_by_reason");
        foreach (var (reason, count) in s.MalformedByReason) w.WriteNumber(reason, count);
        w.WriteEndObject();
        w.WriteNumber("events_suppressed", s.EventsSuppressed);
        w.WriteNumber("bgp_errors", s.BgpErrors);
        w.WriteNumber("peers", s.Peers.Count);
        w.WriteNumber("paths", s.AttributeSets);
        w.WriteNumber("rib_bytes", s.RibBytes);
        w.WriteBoolean("terminated", s.Terminated);
    }

    public static byte[] Peer(BmpPeerSnapshot p, BmpSessionSnapshot s, DateTimeOffset time) => TelemetryPayloads.Event("bmp-peer", time, w =>
    {
        w.WriteString("router", s.Router);
        w.WriteNumber("session", s.Session);
        w.WriteBoolean("session_up", true);
        PeerFields(w, p);
        w.WriteBoolean("tls", s.Tls);
    });

    private static void PeerFields(Utf8JsonWriter w, BmpPeerSnapshot p)
    {
        w.WriteString("peer", p.Peer.Name);
        w.WriteString("address", p.Peer.Address);
        w.WriteNumber("as", p.Peer.As);
        w.WriteString("bgp_id", p.BgpId);
        w.WriteBoolean("up", p.Up);
        w.WriteBoolean("peer_up_seen", p.PeerUpSeen);
        if (p.UpSince is { } since) w.WriteString("up_since", TelemetryPayloads.Time(since));
        if (p.LastDownReason is not null) w.WriteString("last_down_reason", p.LastDownReason);
        w.WriteStartObject("prefixes");
        foreach (var v in p.Views) w.WriteNumber(v.ViewName, v.Prefixes);
        w.WriteEndObject();
        // Every figure below comes from this view.
        w.WriteString("view", p.AnalysisView);
        w.WriteNumber("policy_prefixes", p.PolicyPrefixes);
        if (p.MaxPrefix >= 0)
        {
            w.WriteNumber("max_prefix", p.MaxPrefix);
            w.WriteNumber("warn_at", p.WarnAt);
            w.WriteNumber("percent", p.MaxPrefix > 0 ? Math.Round(p.PolicyPrefixes * 100.0 / p.MaxPrefix, 1) : 0);
            w.WriteBoolean("warning", p.Warning);
            w.WriteBoolean("exceeded", p.Exceeded);
            w.WriteNumber("refused_by_max_prefix", p.RefusedByMaxPrefix);
        }
        w.WriteStartObject("damping");
        w.WriteNumber("suppressed", p.SuppressedRoutes);
        w.WriteNumber("flapping", p.FlappingRoutes);
        w.WriteStartArray("top_flappers");
        foreach (var f in p.TopFlappers)
        {
            w.WriteStartObject();
            w.WriteString("prefix", f.Prefix);
            w.WriteNumber("penalty", Math.Round(f.Penalty));
            w.WriteNumber("flaps", f.Flaps);
            w.WriteBoolean("suppressed", f.Suppressed);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("violations");
        w.WriteNumber("bogons", p.BogonAnnouncements);
        w.WriteNumber("filter", p.FilterViolations);
        if (p.LastViolation is not null) w.WriteString("last", p.LastViolation);
        w.WriteEndObject();
        // Origin validation of the announcements on the analysed view, present while VRPs or expected origins are loaded.
        var o = p.Origins;
        if (o.Rpki || o.Expected)
        {
            w.WriteStartObject("origins");
            if (o.Rpki)
            {
                w.WriteNumber("rpki_valid", o.RpkiValid);
                w.WriteNumber("rpki_invalid", o.RpkiInvalid);
                w.WriteNumber("rpki_not_found", o.RpkiNotFound);
            }
            if (o.Expected) w.WriteNumber("unexpected_origin", o.UnexpectedOrigins);
            if (o.Last is not null) w.WriteString("last", o.Last);
            w.WriteEndObject();
        }
        w.WriteStartObject("messages");
        w.WriteNumber("route_monitoring", p.RouteMonitoringMessages);
        w.WriteNumber("announcements", p.Announcements);
        w.WriteNumber("withdrawals", p.Withdrawals);
        w.WriteNumber("end_of_rib", p.EndOfRibMarkers);
        w.WriteNumber("treated_as_withdraw", p.TreatedAsWithdraw);
        w.WriteNumber("attributes_discarded", p.AttributesDiscarded);
        w.WriteNumber("updates_not_applied", p.UpdatesNotApplied);
        w.WriteEndObject();
        // The router's own statistics reports (RFC 7854 §4.8): by name, vendor types as type-N.
        w.WriteStartObject("statistics");
        foreach (var (name, value) in p.Statistics.OrderBy(s => s.Key, StringComparer.Ordinal)) w.WriteNumber(name, value);
        w.WriteEndObject();
        w.WriteNumber("statistics_reports", p.StatisticsReports);
        if (p.LastStatistics is { } last) w.WriteString("last_statistics", TelemetryPayloads.Time(last));
    }

    /// <summary>The "bmp" section of the status document: the station's counters and every router with every peer.</summary>
    public static void WriteStatus(Utf8JsonWriter w, BmpStationSnapshot snapshot)
    {
        w.WriteStartObject("bmp");
        w.WriteStartObject("station");
        StationCounters(w, snapshot.Counters);
        foreach (var (name, info) in new[] { ("rpki", snapshot.Rpki), ("expected_origins", snapshot.ExpectedOrigins) })
        {
            if (info is null) continue;
            w.WriteStartObject(name);
            w.WriteString("file", info.Source);
            w.WriteNumber("entries", info.Entries);
            w.WriteString("loaded", TelemetryPayloads.Time(info.Loaded));
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartArray("routers");
        foreach (var s in snapshot.Sessions)
        {
            w.WriteStartObject();
            RouterFields(w, s);
            w.WriteStartArray("peers");
            foreach (var p in s.Peers)
            {
                w.WriteStartObject();
                PeerFields(w, p);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>One event: its kind as the type and the fields that matter for each kind.</summary>
    public static byte[] Event(BmpEvent e) => TelemetryPayloads.Event(e.Kind, e.Time, w =>
    {
        w.WriteString("router", e.Router);
        switch (e)
        {
            case BmpSessionOpenedEvent o:
                w.WriteNumber("session", o.Session); w.WriteString("remote", o.Remote); w.WriteBoolean("tls", o.Tls);
                if (o.ClientSubject is not null) w.WriteString("client_subject", o.ClientSubject);
                break;
            case BmpSessionClosedEvent c:
                w.WriteNumber("session", c.Session); w.WriteString("remote", c.Remote); w.WriteString("reason", c.Reason); w.WriteBoolean("error", c.Error);
                w.WriteNumber("messages", c.Messages); w.WriteNumber("bytes", c.Bytes);
                break;
            case BmpConnectionRefusedEvent r:
                w.WriteString("remote", r.Remote); w.WriteString("reason", r.Reason);
                break;
            case BmpInitiationEvent i:
                if (i.SysName is not null) w.WriteString("sys_name", i.SysName);
                if (i.SysDescr is not null) w.WriteString("sys_descr", i.SysDescr);
                break;
            case BmpPeerUpEvent u:
                Peer(w, u.Peer); w.WriteString("bgp_id", u.BgpId); w.WriteNumber("hold_time", u.HoldTime); w.WriteString("add_path", u.AddPath);
                break;
            case BmpPeerDownEvent d:
                Peer(w, d.Peer); w.WriteString("reason", d.Reason); w.WriteNumber("routes_removed", d.RoutesRemoved);
                break;
            case BmpMaxPrefixEvent m:
                Peer(w, m.Peer); w.WriteNumber("used", m.Used); w.WriteNumber("warn_at", m.WarnAt); w.WriteNumber("max", m.Max);
                w.WriteBoolean("warning_only", m.WarningOnly); w.WriteString("prefix", m.Prefix); w.WriteString("rule", m.Rule); w.WriteString("view", m.View);
                break;
            case BmpViolationEvent v:
                Peer(w, v.Peer); w.WriteString("prefix", v.Prefix); w.WriteString("as_path", v.AsPath); w.WriteNumber("origin_as", v.OriginAs); w.WriteString("rule", v.Rule);
                w.WriteString("view", v.View);
                break;
            case BmpOriginEvent o:
                Peer(w, o.Peer); w.WriteString("prefix", o.Prefix);
                if (o.OriginAs is { } origin) w.WriteNumber("origin_as", origin);
                else w.WriteNull("origin_as");
                w.WriteString("as_path", o.AsPath); w.WriteString("expected", o.Expected); w.WriteString("view", o.View);
                break;
            case BmpOriginDataReloadedEvent r:
                w.WriteString("source", r.Source); w.WriteBoolean("success", r.Success); w.WriteNumber("entries", r.Entries); w.WriteString("detail", r.Detail);
                break;
            case BmpDampingEvent g:
                Peer(w, g.Peer); w.WriteString("prefix", g.Prefix); w.WriteNumber("penalty", Math.Round(g.Penalty)); w.WriteNumber("flaps", g.Flaps);
                break;
            case BmpMalformedEvent x:
                if (x.Peer is not null) Peer(w, x.Peer);
                w.WriteString("message", x.Message); w.WriteString("error", x.Error); w.WriteString("action", x.Action);
                break;
            case BmpEventsSuppressedEvent s:
                w.WriteNumber("window_seconds", Math.Round(s.Window.TotalSeconds, 1));
                w.WriteNumber("total", s.Suppressed.Values.Sum());
                w.WriteStartObject("suppressed");
                foreach (var (reason, count) in s.Suppressed.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteNumber(reason, count);
                w.WriteEndObject();
                break;
            case BmpCertificatesReloadedEvent c:
                w.WriteString("listener", c.Listener); w.WriteBoolean("success", c.Success); w.WriteString("detail", c.Detail);
                break;
        }
    });

    private static void Peer(Utf8JsonWriter w, BmpPeerId peer)
    {
        w.WriteString("peer", peer.Name);
        w.WriteString("address", peer.Address);
        w.WriteNumber("as", peer.As);
    }
}
