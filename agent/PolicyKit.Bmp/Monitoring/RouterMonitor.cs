using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using PolicyKit.Bmp.Analysis;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Rib;
using PolicyKit.Bmp.Station;
using PolicyKit.Bmp.Wire;
using PolicyKit.Engine;
using PolicyKit.Engine.Compiled;

namespace PolicyKit.Bmp.Monitoring;

/// <summary>
/// The state of one BMP session — one monitored router — and everything done with its
/// messages: framing, decoding, the per-peer RIBs, and the analysis of each peer against the
/// policy. Transport-free (the station's sessions feed it bytes; replay and benchmarks call it
/// directly).
///
/// <para><b>Threads.</b> One monitor per session. <see cref="Consume"/> runs on the session's
/// reader and holds the monitor's lock for one buffer of messages; <see cref="Snapshot"/> takes
/// the same lock, so it sees whole messages applied. <see cref="LoadTable"/> only publishes the
/// table (any thread); the monitor re-counts under it at its next batch.</para>
///
/// <para><b>Analysis</b> (RouterMonitor.Analysis.cs) runs per peer on one view, chosen by
/// <see cref="BmpStationOptions.View"/> (auto: post-policy when the router sends it, else
/// pre-policy; the Loc-RIB instance on its own). The RIB of that view is the one source of the
/// peer's prefix count: max-prefix, its warning and the figures telemetry publishes all come
/// from it.</para>
/// </summary>
public sealed partial class RouterMonitor
{
    private readonly object _gate = new();
    private readonly BmpStationOptions _options;
    private readonly IBmpEventSink _sink;
    private readonly TimeProvider _time;
    private readonly AttributeStore _attributes = new();
    private readonly UpdateDecoder _decoder = new();
    private readonly Dictionary<PeerKey, PeerState> _peers = [];
    private readonly EventLimiter _limiter;
    private readonly Dictionary<string, long> _malformedByReason = new(StringComparer.Ordinal);
    private PeerState? _lastPeer;
    private CompiledTable _published;
    private long _now;
    private long _lastSweep = long.MinValue;
    private readonly long _sweepTicks;

    private readonly long[] _byType = new long[8];
    private long _messages;
    private long _bytes;
    private long _malformed;
    private long _unknownTypes;
    private long _unknownTlvs;
    private long _bgpErrors;

    public RouterMonitor(CompiledTable table, BmpStationOptions? options = null, IBmpEventSink? sink = null, long session = 0, string remote = "replay", string local = "", bool tls = false, string? clientSubject = null,
        OriginSources? origins = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        _options = options ?? new BmpStationOptions();
        _sink = sink ?? NullEventSink.Instance;
        _time = _options.Time;
        _sweepTicks = _options.DampingSweepInterval.Ticks;
        _limiter = new EventLimiter(_options.EventBurst, _options.EventSummaryInterval.Ticks);
        _published = table;
        _bound = table;
        _origins = origins;
        _damping = DampingParameters.From(table.Source.Damping);
        Session = session;
        Remote = remote;
        RemoteAddress = IPEndPoint.TryParse(remote, out var endpoint) ? endpoint.Address.ToString() : remote;
        Local = local;
        Tls = tls;
        ClientSubject = clientSubject;
        Since = _time.GetUtcNow();
    }

    public long Session { get; }

    /// <summary>The router's address and port as connected.</summary>
    public string Remote { get; }

    /// <summary>The router's address without the port.</summary>
    public string RemoteAddress { get; }

    public string Local { get; }

    public bool Tls { get; private set; }

    public string? ClientSubject { get; private set; }

    /// <summary>Set once the session's TLS handshake is done.</summary>
    internal void SetTransport(bool tls, string? clientSubject)
    {
        Tls = tls;
        ClientSubject = clientSubject;
    }

    public DateTimeOffset Since { get; }

    public string? SysName { get; private set; }

    public string? SysDescr { get; private set; }

    /// <summary>
    /// The router's identity in events and topics, which two routers cannot share: the subject of
    /// its client certificate on a TLS session (the CA vouches for it), else its sysName from the
    /// Initiation at its address ("r1@192.0.2.10"), else its address.
    /// </summary>
    public string Router => ClientSubject ?? (SysName is { } name ? name + "@" + RemoteAddress : RemoteAddress);

    /// <summary>A Termination was received: the router closes the session next.</summary>
    public bool Terminated { get; private set; }

    public long Messages => Interlocked.Read(ref _messages);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long MalformedMessages => Interlocked.Read(ref _malformed);

    /// <summary>Events counted into summaries instead of sent (see <see cref="BmpStationOptions.EventBurst"/>).</summary>
    public long EventsSuppressed
    {
        get
        {
            lock (_gate) return _limiter.Suppressed;
        }
    }

    /// <summary>Publishes a new table to this router (any thread); every analysed peer is re-counted under it at the next batch.</summary>
    public void LoadTable(CompiledTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        Volatile.Write(ref _published, table);
    }

    /// <summary>
    /// Processes every complete BMP message at the start of <paramref name="buffer"/>; returns the
    /// bytes consumed (the rest is an incomplete message: call again with more). When the stream
    /// has lost its framing <paramref name="framingError"/> says why and the session must close;
    /// every malformed message inside intact framing is counted, reported, and skipped.
    /// </summary>
    public int Consume(ReadOnlySpan<byte> buffer, out string? framingError)
    {
        framingError = null;
        int offset = 0;
        lock (_gate)
        {
            _now = Ticks();
            SyncTable();
            SyncOrigins();
            while (true)
            {
                var status = BmpCommonHeader.TryFrame(buffer[offset..], _options.MaxMessageLength, out var header, out framingError);
                if (status != FrameStatus.Complete) break;
                Process(buffer.Slice(offset, header.Length), header);
                offset += header.Length;
            }
            if (_sweepTicks > 0 && _now - _lastSweep >= _sweepTicks) Sweep();
            Summarize();
        }
        Interlocked.Add(ref _bytes, offset);
        return offset;
    }

    private long Ticks()
    {
        long ts = _time.GetTimestamp();
        long frequency = _time.TimestampFrequency;
        return ts / frequency * TimeSpan.TicksPerSecond + ts % frequency * TimeSpan.TicksPerSecond / frequency;
    }

    private void Process(ReadOnlySpan<byte> message, BmpCommonHeader header)
    {
        Interlocked.Increment(ref _messages);
        var body = message[BmpWire.CommonHeaderLength..];
        if (header.Type < _byType.Length) _byType[header.Type]++;
        switch (header.MessageType)
        {
            case BmpMessageType.RouteMonitoring:
                RouteMonitoring(body);
                break;
            case BmpMessageType.PeerUp:
                PeerUp(body);
                break;
            case BmpMessageType.PeerDown:
                PeerDown(body);
                break;
            case BmpMessageType.StatisticsReport:
                Statistics(body);
                break;
            case BmpMessageType.Initiation:
                Initiation(body);
                break;
            case BmpMessageType.Termination:
                Termination(body);
                break;
            case BmpMessageType.RouteMirroring:
                Mirroring(body);
                break;
            default:
                _unknownTypes++;
                Malformed(null, "unknown-type", "unknown BMP message type (skipped)", "skip");
                break;
        }
    }

    // ── Route Monitoring: the hot path ───────────────────────────────────────────────────

    private void RouteMonitoring(ReadOnlySpan<byte> body)
    {
        if (!PerPeerHeader.TryRead(body, out var header))
        {
            Malformed(null, "route-monitoring", "shorter than its per-peer header", "skip");
            return;
        }
        var peer = Peer(header);
        peer.RouteMonitoring++;
        var view = header.View;
        var pdu = body[BmpWire.PerPeerHeaderLength..];
        _decoder.Decode(pdu, peer.Context(view, !header.IsLegacyAsPath));
        var d = _decoder;
        if (d.ErrorCount > 0) UpdateErrors(peer, d);
        else if (d.MessageLength < pdu.Length) _unknownTlvs++; // RFC 7854 has one PDU; later drafts append TLVs: kept out, counted
        if (d.Action == UpdateAction.SessionReset)
        {
            peer.UpdatesNotApplied++;
            return;
        }
        if (d.IsEndOfRib) peer.EndOfRib++;
        if (view == RibView.AdjRibInPost && !peer.SeenPostPolicy)
        {
            peer.SeenPostPolicy = true;
            peer.ViewVersion = -1; // auto selection may move to post-policy now
        }

        var rib = peer.View(view);
        bool analyze = AnalysisView(peer) == view;
        var damping = analyze ? _damping : null;
        if (damping is not null) peer.Damping ??= new DampingTracker();

        var withdrawn = d.Withdrawn.AsSpan();
        peer.Withdrawals += withdrawn.Length;
        for (int i = 0; i < withdrawn.Length; i++)
        {
            ref readonly var p = ref withdrawn[i];
            int previous = rib.Withdraw(p, peer.AddPath(view, p.Family), out bool prefixGone);
            if (previous < 0) continue;
            _attributes.Release(previous);
            if (!analyze || !p.Family.IsUnicast()) continue;
            if (damping is not null && peer.Damping!.Withdrawn(p, _now, damping) == DampingChange.Suppressed) DampingEvent(peer, p, true, damping);
            if (prefixGone) Uncount(peer, p);
        }

        var announced = d.Announced.AsSpan();
        if (announced.Length == 0) return;
        peer.Announcements += announced.Length;
        if (announced.Length > 1)
        {
            for (int i = 0; i < announced.Length; i++) rib.Prefetch(announced[i], peer.AddPath(view, announced[i].Family));
        }
        int attributes = _attributes.Intern(d.AttributeKey);
        _attributes.AddRefs(attributes, announced.Length);
        string? asPath = null;
        RouteOrigin? origin = null;
        bool checkOrigins = analyze && (_rpki is not null || _expectedOrigins is not null);
        for (int i = 0; i < announced.Length; i++)
        {
            ref readonly var p = ref announced[i];
            int previous = rib.Announce(p, attributes, peer.AddPath(view, p.Family), out bool newPrefix);
            if (previous >= 0) _attributes.Release(previous);
            if (!analyze || !p.Family.IsUnicast()) continue;
            // A route is validated when it arrives or its path changes (a repeat of the same path cannot change its origin).
            if (checkOrigins && previous != attributes) CheckOrigin(peer, p, origin ??= Origin(peer, d), ref asPath);
            if (damping is not null && previous >= 0 && previous != attributes &&
                peer.Damping!.AttributesChanged(p, _now, damping) == DampingChange.Suppressed) DampingEvent(peer, p, true, damping);
            if (newPrefix) Count(peer, p, ref asPath);
        }
    }

    private void UpdateErrors(PeerState peer, UpdateDecoder d)
    {
        _bgpErrors += d.ErrorCount;
        peer.TreatedAsWithdraw += d.TreatedAsWithdraw;
        peer.AttributesDiscarded += d.DiscardedAttributes;
        string errors = d.ErrorCount == 1 ? BgpErrorText.Name(d.FirstError) : string.Join(",", d.Errors.ToArray().Select(BgpErrorText.Name));
        Malformed(peer, "route-monitoring", errors, BgpErrorText.Name(d.Action));
    }

    // ── Peer Up / Peer Down ──────────────────────────────────────────────────────────────

    private void PeerUp(ReadOnlySpan<byte> body)
    {
        var message = BmpMessages.DecodePeerUp(body);
        _unknownTlvs += message.Unknown.Count;
        if (message.SentOpen is null || message.ReceivedOpen is null)
        {
            Malformed(null, "peer-up", message.Error ?? "incomplete", "skip");
            return;
        }
        var peer = Peer(message.Header);
        if (peer.Up) ClearPeer(peer); // a second Peer Up without a Peer Down: a new BGP session, the old routes are gone
        peer.Header = message.Header;
        peer.Id = null;
        peer.Up = true;
        peer.PeerUpSeen = true;
        peer.UpSince = _time.GetUtcNow();
        peer.SentOpen = message.SentOpen;
        peer.ReceivedOpen = message.ReceivedOpen;
        // Adj-RIB-In carries what the peer sent (its OPEN is the received one); Adj-RIB-Out what the router sent.
        peer.AddPathIn = BgpOpen.AddPathFrom(message.ReceivedOpen, message.SentOpen);
        peer.AddPathOut = BgpOpen.AddPathFrom(message.SentOpen, message.ReceivedOpen);
        peer.ExtendedMessage = message.SentOpen.ExtendedMessage && message.ReceivedOpen.ExtendedMessage;
        foreach (var (open, which) in new[] { (message.SentOpen, "sent"), (message.ReceivedOpen, "received") })
        {
            if (open.IsValid) continue;
            _bgpErrors++;
            Malformed(peer, "peer-up", $"{which}-open {BgpErrorText.Name(open.Error)}", "kept");
        }
        if (message.Error is not null) Malformed(peer, "peer-up", message.Error, "kept");
        if (_sink.HasRoom)
        {
            _sink.Publish(new BmpPeerUpEvent(_time.GetUtcNow(), PeerId(peer), Address.V4(message.Header.BgpId).ToString(),
                message.LocalAddress.ToString(), message.LocalPort, message.RemotePort, message.ReceivedOpen.HoldTime,
                message.ReceivedOpen.FourOctetAs && message.SentOpen.FourOctetAs, peer.AddPathIn.ToString(), message.TableName));
        }
        else _sink.CountDropped();
    }

    private void PeerDown(ReadOnlySpan<byte> body)
    {
        var message = BmpMessages.DecodePeerDown(body);
        _unknownTlvs += message.Unknown.Count;
        if (message.Error is not null && message.Reason == 0)
        {
            Malformed(null, "peer-down", message.Error, "skip");
            return;
        }
        if (message.Error is not null) Malformed(null, "peer-down", message.Error, "applied");
        var key = new PeerKey(message.Header.PeerType, message.Header.Distinguisher, message.Header.Address);
        bool known = _peers.TryGetValue(key, out var peer);
        int removed = 0;
        if (peer is not null)
        {
            removed = ClearPeer(peer);
            peer.Up = false;
            peer.LastDownReason = message.ReasonText;
        }
        if (_sink.HasRoom)
        {
            var id = peer is not null ? PeerId(peer) : NewPeerId(message.Header);
            _sink.Publish(new BmpPeerDownEvent(_time.GetUtcNow(), id, message.ReasonText, removed, known && peer!.PeerUpSeen));
        }
        else _sink.CountDropped();
    }

    /// <summary>Drops every route of the peer (all views, their memory given back), its count and damping histories. Returns the routes removed.</summary>
    private int ClearPeer(PeerState peer)
    {
        int removed = 0;
        for (int v = 0; v < peer.Views.Length; v++)
        {
            var rib = peer.Views[v];
            if (rib is null) continue;
            foreach (var (_, attributes) in rib.Entries())
            {
                _attributes.Release(attributes);
                removed++;
            }
            peer.Views[v] = null;
        }
        _attributes.TrimExcess();
        peer.Accepted = 0;
        peer.Damping = null;
        peer.Warned = peer.Exceeded = false;
        peer.SeenPostPolicy = false;
        peer.ViewVersion = -1;
        return removed;
    }

    // ── Other messages ───────────────────────────────────────────────────────────────────

    private void Statistics(ReadOnlySpan<byte> body)
    {
        var message = BmpMessages.DecodeStatistics(body);
        if (message.Error is not null) Malformed(null, "statistics-report", message.Error, body.Length < BmpWire.PerPeerHeaderLength ? "skip" : "kept");
        if (body.Length < BmpWire.PerPeerHeaderLength) return;
        var peer = Peer(message.Header);
        peer.StatisticsReports++;
        peer.LastStatistics = _time.GetUtcNow();
        foreach (var s in message.Counters)
        {
            string name = StatisticType.Name(s.Type);
            if (StatisticType.Shape(s.Type) == 11)
                name += "/" + (RouteFamilies.TryFrom(s.Afi, s.Safi, out var family) ? family.Name() : $"afi-{s.Afi}-safi-{s.Safi}");
            SetStatistic(peer, name, s.Value);
        }
        foreach (var u in message.Unknown)
        {
            // Vendor types (FRR's 65531) are kept: the value if it is a counter or gauge, else its size.
            SetStatistic(peer, "type-" + u.Type.ToString(CultureInfo.InvariantCulture),
                u.Value.Length switch { 4 => BinaryPrimitives.ReadUInt32BigEndian(u.Value), 8 => BinaryPrimitives.ReadUInt64BigEndian(u.Value), _ => (ulong)u.Value.Length });
            peer.VendorStatistics++;
        }
    }

    /// <summary>At most 64 statistic names per peer (a router cannot grow the station's memory with made-up types).</summary>
    private static void SetStatistic(PeerState peer, string name, ulong value)
    {
        if (peer.Statistics.Count < 64 || peer.Statistics.ContainsKey(name)) peer.Statistics[name] = value;
    }

    private void Initiation(ReadOnlySpan<byte> body)
    {
        var message = BmpMessages.DecodeInitiation(body);
        _unknownTlvs += message.Unknown.Count;
        if (message.Error is not null) Malformed(null, "initiation", message.Error, "kept");
        if (Printable(message.SysName) is { Length: > 0 } name)
        {
            SysName = name;
            foreach (var peer in _peers.Values)
            {
                peer.Id = null;
                peer.ViewVersion = -1; // view overrides may name the router by its sysName
            }
        }
        if (message.SysDescr is not null) SysDescr = Printable(message.SysDescr);
        if (_sink.HasRoom) _sink.Publish(new BmpInitiationEvent(_time.GetUtcNow(), Router, Session, SysName, SysDescr, message.Strings));
        else _sink.CountDropped();
    }

    /// <summary>A router-supplied name as the station shows it: printable characters only, at most 64.</summary>
    private static string? Printable(string? text)
    {
        if (text is null) return null;
        var kept = text.Where(c => !char.IsControl(c) && !char.IsSurrogate(c)).Take(64).ToArray();
        return new string(kept).Trim();
    }

    private void Termination(ReadOnlySpan<byte> body)
    {
        var message = BmpMessages.DecodeTermination(body);
        _unknownTlvs += message.Unknown.Count;
        if (message.Error is not null) Malformed(null, "termination", message.Error, "kept");
        Terminated = true;
        if (_sink.HasRoom) _sink.Publish(new BmpTerminationEvent(_time.GetUtcNow(), Router, Session, message.Reason, message.Strings));
        else _sink.CountDropped();
    }

    private void Mirroring(ReadOnlySpan<byte> body)
    {
        var message = BmpMessages.DecodeRouteMirroring(body);
        _unknownTlvs += message.Unknown.Count;
        if (message.Error is not null) Malformed(null, "route-mirroring", message.Error, "kept");
        foreach (var (check, _) in message.Messages)
        {
            if (check == BgpError.None) continue;
            _bgpErrors++;
            Malformed(null, "route-mirroring", BgpErrorText.Name(check), "counted");
        }
        if (body.Length >= BmpWire.PerPeerHeaderLength) Peer(message.Header);
    }

    // ── Peers ────────────────────────────────────────────────────────────────────────────

    private PeerState Peer(in PerPeerHeader header)
    {
        var key = new PeerKey(header.PeerType, header.Distinguisher, header.Address);
        var last = _lastPeer;
        if (last is not null && last.Key == key) return last;
        if (!_peers.TryGetValue(key, out var peer))
        {
            peer = new PeerState(key, header);
            _peers.Add(key, peer);
        }
        _lastPeer = peer;
        return peer;
    }

    private BmpPeerId PeerId(PeerState peer) => peer.Id ??= NewPeerId(peer.Header);

    private BmpPeerId NewPeerId(in PerPeerHeader header) =>
        new(Router, header.PeerType, PerPeerHeader.DistinguisherText(header.Distinguisher), header.Address.ToString(), header.PeerAs);

    // ── Events ───────────────────────────────────────────────────────────────────────────

    /// <summary>Counted always (per reason, for telemetry); reported as an event within the per-reason budget, the rest summarised.</summary>
    private void Malformed(PeerState? peer, string message, string error, string action)
    {
        _malformed++;
        string reason = message + ": " + error;
        if (_malformedByReason.Count < EventLimiter.MaxReasons || _malformedByReason.ContainsKey(reason))
            _malformedByReason[reason] = _malformedByReason.GetValueOrDefault(reason) + 1;
        else _malformedByReason["other"] = _malformedByReason.GetValueOrDefault("other") + 1;
        if (!_limiter.Allow("malformed " + reason, _now)) return;
        if (!_sink.HasRoom)
        {
            _sink.CountDropped();
            return;
        }
        _sink.Publish(new BmpMalformedEvent(_time.GetUtcNow(), Router, Session, peer is null ? null : PeerId(peer), message, error, action));
    }

    /// <summary>At the end of each summary window: one event with what the limiter held back.</summary>
    private void Summarize()
    {
        var suppressed = _limiter.Roll(_now, out var window);
        if (suppressed is null) return;
        if (_sink.HasRoom) _sink.Publish(new BmpEventsSuppressedEvent(_time.GetUtcNow(), Router, Session, window, suppressed));
        else _sink.CountDropped();
    }

    private bool MayReport(string reason)
    {
        if (!_limiter.Allow(reason, _now)) return false;
        if (_sink.HasRoom) return true;
        _sink.CountDropped();
        return false;
    }

    public static string TypeName(BmpMessageType type) => type switch
    {
        BmpMessageType.RouteMonitoring => "route-monitoring",
        BmpMessageType.StatisticsReport => "statistics-report",
        BmpMessageType.PeerDown => "peer-down",
        BmpMessageType.PeerUp => "peer-up",
        BmpMessageType.Initiation => "initiation",
        BmpMessageType.Termination => "termination",
        BmpMessageType.RouteMirroring => "route-mirroring",
        _ => "type-" + ((byte)type).ToString(CultureInfo.InvariantCulture),
    };
}
