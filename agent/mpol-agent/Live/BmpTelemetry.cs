using System.Text.Json;
using PolicyKit.Agent.Runtime;
using PolicyKit.Agent.Telemetry;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Station;

namespace PolicyKit.Agent.Live;

/// <summary>
/// The BMP station's telemetry: its events become non-retained messages on <c>events</c> (type
/// <c>bmp-…</c>), and every monitored peer's state a retained message on
/// <c>bmp/ROUTER/PEER</c>, published with the limits. The station never waits for this: its event
/// queue is bounded and counts what it drops.
/// </summary>
internal static class BmpTelemetry
{
    public static async Task PumpEventsAsync(BmpStation station, AgentRuntime runtime, AgentLog log, CancellationToken stop)
    {
        try
        {
            await foreach (var e in station.Events.ReadAllAsync(stop).ConfigureAwait(false))
            {
                runtime.Sink.Publish(runtime.Topics.Events, Event(e), retain: false);
                if (e is BmpSessionClosedEvent closed)
                    log.Info($"bmp: session {closed.Session} from {closed.Remote} ({closed.Router}) closed: {closed.Reason}; {closed.Messages} messages, {closed.Bytes} bytes");
                if (e is BmpSessionClosedEvent { Error: true } or BmpMalformedEvent or BmpConnectionRefusedEvent or BmpMaxPrefixEvent { Exceeded: true })
                    log.Warn($"bmp: {e.Kind} from {e.Router}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Publishes every peer's retained state (called with the periodic limit publish).</summary>
    public static void PublishPeers(BmpStation station, AgentRuntime runtime)
    {
        var time = DateTimeOffset.UtcNow;
        foreach (var session in station.Snapshot().Sessions)
        {
            foreach (var peer in session.Peers)
            {
                runtime.Sink.Publish(runtime.Topics.Bmp(session.Router, peer.Peer.Name), Peer(peer, session, time), retain: true);
            }
        }
    }

    public static byte[] Peer(BmpPeerSnapshot p, BmpSessionSnapshot s, DateTimeOffset time) => TelemetryPayloads.Event("bmp-peer", time, w =>
    {
        w.WriteString("router", s.Router);
        w.WriteString("peer", p.Peer.Name);
        w.WriteString("address", p.Peer.Address);
        w.WriteNumber("as", p.Peer.As);
        w.WriteString("bgp_id", p.BgpId);
        w.WriteBoolean("up", p.Up);
        if (p.UpSince is { } since) w.WriteString("up_since", TelemetryPayloads.Time(since));
        if (p.LastDownReason is not null) w.WriteString("last_down_reason", p.LastDownReason);
        w.WriteStartObject("prefixes");
        foreach (var v in p.Views) w.WriteNumber(v.ViewName, v.Prefixes);
        w.WriteEndObject();
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
        w.WriteStartObject("messages");
        w.WriteNumber("route_monitoring", p.RouteMonitoringMessages);
        w.WriteNumber("announcements", p.Announcements);
        w.WriteNumber("withdrawals", p.Withdrawals);
        w.WriteNumber("treated_as_withdraw", p.TreatedAsWithdraw);
        w.WriteNumber("attributes_discarded", p.AttributesDiscarded);
        w.WriteEndObject();
        w.WriteBoolean("tls", s.Tls);
    });

    /// <summary>One event: its kind as the type and the fields that matter for each kind.</summary>
    public static byte[] Event(BmpEvent e) => TelemetryPayloads.Event(e.Kind, e.Time, w =>
    {
        w.WriteString("router", e.Router);
        switch (e)
        {
            case BmpSessionOpenedEvent o:
                w.WriteString("remote", o.Remote); w.WriteBoolean("tls", o.Tls);
                if (o.ClientSubject is not null) w.WriteString("client_subject", o.ClientSubject);
                break;
            case BmpSessionClosedEvent c:
                w.WriteString("remote", c.Remote); w.WriteString("reason", c.Reason); w.WriteBoolean("error", c.Error); w.WriteNumber("messages", c.Messages);
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
                w.WriteBoolean("warning_only", m.WarningOnly); w.WriteString("prefix", m.Prefix); w.WriteString("rule", m.Rule);
                break;
            case BmpViolationEvent v:
                Peer(w, v.Peer); w.WriteString("prefix", v.Prefix); w.WriteString("as_path", v.AsPath); w.WriteNumber("origin_as", v.OriginAs); w.WriteString("rule", v.Rule);
                break;
            case BmpDampingEvent g:
                Peer(w, g.Peer); w.WriteString("prefix", g.Prefix); w.WriteNumber("penalty", Math.Round(g.Penalty)); w.WriteNumber("flaps", g.Flaps);
                break;
            case BmpMalformedEvent x:
                if (x.Peer is not null) Peer(w, x.Peer);
                w.WriteString("message", x.Message); w.WriteString("error", x.Error); w.WriteString("action", x.Action);
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
