using System.Buffers.Binary;
using System.Globalization;
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
/// <para><b>Threads.</b> One monitor per session, each with its own <see cref="AdmissionEngine"/>
/// (max-prefix is per BGP session of a router, so routers never share counts, and sessions never
/// contend). <see cref="Consume"/> runs on the session's reader and holds the monitor's lock for
/// one buffer of messages; <see cref="Snapshot"/> takes the same lock, so it sees whole messages
/// applied. <see cref="LoadTable"/> only publishes the table to the engine (thread-safe).</para>
///
/// <para><b>Analysis</b> runs on one view (<see cref="BmpStationOptions.AnalysisView"/>) of the
/// unicast routes of real peers: each announcement goes through the engine (prefix filter in,
/// max-prefix with warning count), the bogon list and RFC 2439 damping; withdrawals and Peer
/// Downs free the engine's count. Other views, multicast SAFI, Loc-RIB and locally originated
/// routes are counted only.</para>
/// </summary>
public sealed class RouterMonitor
{
    private readonly object _gate = new();
    private readonly BmpStationOptions _options;
    private readonly IBmpEventSink _sink;
    private readonly TimeProvider _time;
    private readonly AdmissionEngine _engine;
    private readonly AttributeStore _attributes = new();
    private readonly UpdateDecoder _decoder = new();
    private readonly Dictionary<PeerKey, PeerState> _peers = [];
    private readonly Dictionary<Address, int> _analyzedPerAddress = [];
    private readonly List<RoutePrefix> _reused = [];
    private PeerState? _lastPeer;
    private CompiledTable _bound;
    private int _tableVersion;
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

    public RouterMonitor(CompiledTable table, BmpStationOptions? options = null, IBmpEventSink? sink = null, long session = 0, string remote = "replay", string local = "", bool tls = false, string? clientSubject = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        _options = options ?? new BmpStationOptions();
        _sink = sink ?? NullEventSink.Instance;
        _time = _options.Time;
        _sweepTicks = _options.DampingSweepInterval.Ticks;
        _engine = new AdmissionEngine(table, new EngineOptions { PrefixCapacity = Math.Max(1024, _options.ExpectedPrefixes) });
        _bound = table;
        Session = session;
        Remote = remote;
        Local = local;
        Tls = tls;
        ClientSubject = clientSubject;
        Since = _time.GetUtcNow();
    }

    public long Session { get; }

    public string Remote { get; }

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

    /// <summary>The router's name in events: its sysName from the Initiation, else its address and port.</summary>
    public string Router => SysName ?? Remote;

    /// <summary>A Termination was received: the router closes the session next.</summary>
    public bool Terminated { get; private set; }

    public long Messages => Interlocked.Read(ref _messages);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long MalformedMessages => Interlocked.Read(ref _malformed);

    /// <summary>Prefix entries the engine holds (tests: only peers the policy names are held).</summary>
    internal int EnginePrefixEntries
    {
        get
        {
            lock (_gate) return _engine.PrefixEntries;
        }
    }

    /// <summary>Publishes a new table to this router's engine (any thread); counts are re-bound by peer address.</summary>
    public void LoadTable(CompiledTable table) => _engine.Load(table);

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
            while (true)
            {
                var status = BmpCommonHeader.TryFrame(buffer[offset..], _options.MaxMessageLength, out var header, out framingError);
                if (status != FrameStatus.Complete) break;
                Process(buffer.Slice(offset, header.Length), header);
                offset += header.Length;
            }
            if (_sweepTicks > 0 && _now - _lastSweep >= _sweepTicks) Sweep();
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
                Malformed(null, $"type-{header.Type}", "unknown BMP message type (skipped)", "skip");
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

        var rib = peer.View(view);
        bool analyze = view == _options.AnalysisView && peer.Analyzable;
        var damping = analyze ? DampingParameters.From(_engine.Table.Source.Damping) : null;
        if (damping is not null) peer.Damping ??= new DampingTracker();

        var withdrawn = d.Withdrawn.AsSpan();
        peer.Withdrawals += withdrawn.Length;
        for (int i = 0; i < withdrawn.Length; i++)
        {
            ref readonly var p = ref withdrawn[i];
            bool addPath = peer.AddPath(view, p.Family);
            int previous = rib.Withdraw(p, addPath);
            if (previous < 0) continue;
            _attributes.Release(previous);
            if (!analyze || !p.Family.IsUnicast()) continue;
            if (damping is not null && peer.Damping!.Withdrawn(p, _now, damping) == DampingChange.Suppressed) DampingEvent(peer, p, true, damping);
            if (!rib.HoldsPrefix(p, addPath)) EngineWithdraw(peer, p);
        }

        var announced = d.Announced.AsSpan();
        if (announced.Length == 0) return;
        peer.Announcements += announced.Length;
        int attributes = _attributes.Intern(d.AttributeKey);
        string? asPath = null;
        for (int i = 0; i < announced.Length; i++)
        {
            ref readonly var p = ref announced[i];
            bool addPath = peer.AddPath(view, p.Family);
            _attributes.AddRef(attributes);
            int previous = rib.Announce(p, attributes, addPath);
            if (previous >= 0) _attributes.Release(previous);
            if (!analyze || !p.Family.IsUnicast()) continue;
            if (damping is not null && previous >= 0 && previous != attributes &&
                peer.Damping!.AttributesChanged(p, _now, damping) == DampingChange.Suppressed) DampingEvent(peer, p, true, damping);
            Analyze(peer, p, ref asPath);
        }
    }

    private void Analyze(PeerState peer, in RoutePrefix p, ref string? asPath)
    {
        var bogon = _options.Bogons.Match(p);
        if (!Named(peer))
        {
            // The policy says nothing about this peer: no filter, no limit, nothing for the engine to hold.
            if (bogon is not null)
            {
                peer.BogonAnnouncements++;
                Violation(peer, p, bogon, null, ref asPath);
            }
            return;
        }
        var decision = _engine.PrefixAnnounced(new PrefixEvent(peer.Key.Address, p.Network, p.Length), _now);
        bool filtered = !decision.IsAdmit && decision.Reason == DenyReason.PrefixFilter;
        if (bogon is not null || filtered)
        {
            if (bogon is not null) peer.BogonAnnouncements++;
            if (filtered) peer.FilterViolations++;
            Violation(peer, p, bogon, filtered ? decision : null, ref asPath);
        }
        if (!decision.IsAdmit)
        {
            if (decision.Reason == DenyReason.MaxPrefix)
            {
                peer.RefusedByMaxPrefix++;
                (peer.OverLimit ??= []).Add(RouteKey.PrefixOnly(p));
                if (!peer.Exceeded) MaxPrefixEvent(peer, decision, p, exceeded: true);
            }
            return;
        }
        if (decision.Has(DecisionFlags.WarningCrossed) && !peer.Warned) MaxPrefixEvent(peer, decision, p, exceeded: false);
        if (decision.Has(DecisionFlags.OverLimit) && !peer.Exceeded) MaxPrefixEvent(peer, decision, p, exceeded: true);
    }

    private void EngineWithdraw(PeerState peer, in RoutePrefix p)
    {
        if (!Named(peer)) return;
        if (peer.OverLimit is { Count: > 0 } over && over.Remove(RouteKey.PrefixOnly(p))) return; // never counted
        if (_analyzedPerAddress.TryGetValue(peer.Key.Address, out int sharing) && sharing > 1 && OtherPeerHolds(peer, p)) return;
        var decision = _engine.PrefixWithdrawn(new PrefixEvent(peer.Key.Address, p.Network, p.Length), _now);
        if (decision.Has(DecisionFlags.Removed) && peer.OverLimit is { Count: > 0 }) OfferOverLimit(peer);
        if (peer.Warned || peer.Exceeded) RecheckLimit(peer);
    }

    /// <summary>A slot was freed: the engine counts one of the held prefixes it refused before (the count tracks what the peer holds, up to the maximum).</summary>
    private void OfferOverLimit(PeerState peer)
    {
        var over = peer.OverLimit!;
        foreach (var key in over)
        {
            var p = key.Prefix;
            var decision = _engine.PrefixAnnounced(new PrefixEvent(peer.Key.Address, p.Network, p.Length), _now);
            if (decision.IsAdmit || decision.Reason != DenyReason.MaxPrefix) over.Remove(key);
            return;
        }
    }

    /// <summary>Announces a held prefix to the engine without events (re-feeds); refusals for max-prefix are remembered.</summary>
    private void EngineAnnounce(PeerState peer, in RoutePrefix p)
    {
        var decision = _engine.PrefixAnnounced(new PrefixEvent(peer.Key.Address, p.Network, p.Length), _now);
        if (!decision.IsAdmit && decision.Reason == DenyReason.MaxPrefix) (peer.OverLimit ??= []).Add(RouteKey.PrefixOnly(p));
    }

    /// <summary>Another analysed peer with the same address (another RD or instance) still holds the prefix: the engine's entry stays.</summary>
    private bool OtherPeerHolds(PeerState peer, in RoutePrefix p)
    {
        foreach (var other in _peers.Values)
        {
            if (ReferenceEquals(other, peer) || other.Key.Address != peer.Key.Address || !other.Analyzable) continue;
            var rib = other.Views[(int)_options.AnalysisView];
            if (rib is not null && rib.HoldsPrefix(p, other.AddPath(_options.AnalysisView, p.Family))) return true;
        }
        return false;
    }

    /// <summary>After withdrawals: a count back at or below the warning count (or the maximum) re-arms that event.</summary>
    private void RecheckLimit(PeerState peer)
    {
        var table = _engine.Table;
        int index = table.FindBgpPeer(peer.Key.Address);
        if (index < 0)
        {
            peer.Warned = peer.Exceeded = false;
            return;
        }
        int used = _engine.PrefixCount(peer.Key.Address);
        var entry = table.BgpPeers[index];
        if (entry.MaxPrefix >= 0 && used < entry.MaxPrefix) peer.Exceeded = false;
        if (entry.WarnCount < 0 || used <= entry.WarnCount) peer.Warned = false;
    }

    private void UpdateErrors(PeerState peer, UpdateDecoder d)
    {
        _bgpErrors += d.ErrorCount;
        peer.TreatedAsWithdraw += d.TreatedAsWithdraw;
        peer.AttributesDiscarded += d.DiscardedAttributes;
        if (!_sink.HasRoom)
        {
            _sink.CountDropped();
            return;
        }
        string errors = string.Join(",", d.Errors.ToArray().Select(BgpErrorText.Name));
        _sink.Publish(new BmpMalformedEvent(_time.GetUtcNow(), Router, Session, PeerId(peer), "route-monitoring", errors, BgpErrorText.Name(d.Action)));
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

    /// <summary>Drops every route of the peer (all views), its engine count and damping histories. Returns the routes removed.</summary>
    private int ClearPeer(PeerState peer)
    {
        int removed = 0;
        foreach (var rib in peer.Views)
        {
            if (rib is null) continue;
            foreach (var (_, attributes) in rib.Entries())
            {
                _attributes.Release(attributes);
                removed++;
            }
            rib.Clear();
        }
        if (peer.Analyzable && Named(peer))
        {
            _engine.BgpPeerDown(peer.Key.Address, _now);
            if (_analyzedPerAddress.TryGetValue(peer.Key.Address, out int sharing) && sharing > 1) RefeedSharing(peer);
        }
        peer.Damping?.Clear();
        peer.OverLimit?.Clear();
        peer.Warned = peer.Exceeded = false;
        return removed;
    }

    /// <summary>The engine dropped every prefix of an address; give back those another peer with that address still holds.</summary>
    private void RefeedSharing(PeerState down)
    {
        foreach (var other in _peers.Values)
        {
            if (ReferenceEquals(other, down) || other.Key.Address != down.Key.Address || !other.Analyzable) continue;
            Refeed(other);
        }
    }

    private void Refeed(PeerState peer)
    {
        var rib = peer.Views[(int)_options.AnalysisView];
        if (rib is null) return;
        foreach (var (p, _) in rib.Entries())
        {
            if (p.Family.IsUnicast()) EngineAnnounce(peer, p);
        }
    }

    /// <summary>Whether the bound table names the peer (cached per table).</summary>
    private bool Named(PeerState peer)
    {
        if (peer.NamedVersion != _tableVersion)
        {
            peer.Named = _bound.FindBgpPeer(peer.Key.Address) >= 0;
            peer.NamedVersion = _tableVersion;
        }
        return peer.Named;
    }

    /// <summary>
    /// A new table was published: peers it no longer names leave the engine, peers it names now
    /// are fed their held prefixes (the engine holds prefixes only of peers the policy names).
    /// </summary>
    private void SyncTable()
    {
        var table = _engine.Table;
        if (ReferenceEquals(table, _bound)) return;
        var old = _bound;
        _bound = table;
        _tableVersion++;
        var done = new HashSet<Address>();
        foreach (var peer in _peers.Values)
        {
            if (!peer.Analyzable || !done.Add(peer.Key.Address)) continue;
            bool was = old.FindBgpPeer(peer.Key.Address) >= 0, now = table.FindBgpPeer(peer.Key.Address) >= 0;
            foreach (var same in _peers.Values)
            {
                if (!same.Analyzable || same.Key.Address != peer.Key.Address) continue;
                if (was && !now) same.OverLimit?.Clear();
                else if (!was && now)
                {
                    same.OverLimit?.Clear();
                    Refeed(same);
                }
                else if (now)
                {
                    // Still named, perhaps with a higher maximum: held prefixes refused before may fit now.
                    int before;
                    do
                    {
                        before = same.OverLimit?.Count ?? 0;
                        if (before > 0) OfferOverLimit(same);
                    }
                    while ((same.OverLimit?.Count ?? 0) < before);
                }
            }
            if (was && !now) _engine.BgpPeerDown(peer.Key.Address, _now);
        }
    }

    // ── Other messages ───────────────────────────────────────────────────────────────────

    private void Statistics(ReadOnlySpan<byte> body)
    {
        var message = BmpMessages.DecodeStatistics(body);
        if (message.Error is not null) Malformed(null, "statistics-report", message.Error, body.Length < BmpWire.PerPeerHeaderLength ? "skip" : "kept");
        if (body.Length < BmpWire.PerPeerHeaderLength) return;
        var peer = Peer(message.Header);
        foreach (var s in message.Counters)
        {
            string name = StatisticType.Name(s.Type);
            if (StatisticType.Shape(s.Type) == 11)
                name += "/" + (RouteFamilies.TryFrom(s.Afi, s.Safi, out var family) ? family.Name() : $"afi-{s.Afi}-safi-{s.Safi}");
            peer.Statistics[name] = s.Value;
        }
        foreach (var u in message.Unknown)
        {
            // Vendor types (FRR's 65531) are kept: the value if it is a counter or gauge, else its size.
            peer.Statistics["type-" + u.Type.ToString(CultureInfo.InvariantCulture)] =
                u.Value.Length switch { 4 => BinaryPrimitives.ReadUInt32BigEndian(u.Value), 8 => BinaryPrimitives.ReadUInt64BigEndian(u.Value), _ => (ulong)u.Value.Length };
            peer.VendorStatistics++;
        }
    }

    private void Initiation(ReadOnlySpan<byte> body)
    {
        var message = BmpMessages.DecodeInitiation(body);
        _unknownTlvs += message.Unknown.Count;
        if (message.Error is not null) Malformed(null, "initiation", message.Error, "kept");
        if (message.SysName is { Length: > 0 } name)
        {
            SysName = name;
            foreach (var peer in _peers.Values) peer.Id = null;
        }
        if (message.SysDescr is not null) SysDescr = message.SysDescr;
        if (_sink.HasRoom) _sink.Publish(new BmpInitiationEvent(_time.GetUtcNow(), Router, Session, message.SysName, message.SysDescr, message.Strings));
        else _sink.CountDropped();
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
            if (peer.Analyzable) _analyzedPerAddress[key.Address] = _analyzedPerAddress.GetValueOrDefault(key.Address) + 1;
        }
        _lastPeer = peer;
        return peer;
    }

    private BmpPeerId PeerId(PeerState peer) => peer.Id ??= NewPeerId(peer.Header);

    private BmpPeerId NewPeerId(in PerPeerHeader header) =>
        new(Router, header.PeerType, PerPeerHeader.DistinguisherText(header.Distinguisher), header.Address.ToString(), header.PeerAs);

    // ── Events ───────────────────────────────────────────────────────────────────────────

    private void Malformed(PeerState? peer, string message, string error, string action)
    {
        _malformed++;
        if (!_sink.HasRoom)
        {
            _sink.CountDropped();
            return;
        }
        _sink.Publish(new BmpMalformedEvent(_time.GetUtcNow(), Router, Session, peer is null ? null : PeerId(peer), message, error, action));
    }

    private void Violation(PeerState peer, in RoutePrefix p, RoutePrefix? bogon, Decision? filter, ref string? asPath)
    {
        asPath ??= DisplayPath(peer, _decoder.AsPathText);
        string rule = bogon is { } b ? "bogon " + b.PrefixText : string.Empty;
        if (filter is { } f) rule = rule.Length == 0 ? f.Table.Render(f.Rule) : rule + "; " + f.Table.Render(f.Rule);
        peer.LastViolation = $"{p.PrefixText} as-path [{asPath}] {rule}";
        if (!_sink.HasRoom)
        {
            _sink.CountDropped();
            return;
        }
        uint origin = AsPath.OriginAs(_decoder.AsPath, _decoder.FourOctetAs ? 4 : 2);
        _sink.Publish(new BmpViolationEvent(_time.GetUtcNow(), PeerId(peer), bogon is not null ? ViolationKind.Bogon : ViolationKind.PrefixFilter,
            p.PrefixText, asPath, origin, rule, _options.AnalysisView == RibView.AdjRibInPre ? "pre-policy" : "post-policy"));
    }

    /// <summary>
    /// The AS path as the peer sent it. FRR 8.4 encodes BMP route monitoring (pre- and
    /// post-policy) as if sending to the peer, with the monitored router's own AS prepended; a
    /// path an eBGP peer really sent never starts with the receiver's AS (loop prevention), so
    /// that leading AS is dropped from what events report.
    /// </summary>
    private static string DisplayPath(PeerState peer, string path)
    {
        if (peer.SentOpen is not { } sent || sent.As == 0 || sent.As == peer.Header.PeerAs) return path;
        string local = sent.As.ToString(CultureInfo.InvariantCulture);
        if (path == local) return string.Empty;
        return path.StartsWith(local + " ", StringComparison.Ordinal) ? path[(local.Length + 1)..] : path;
    }

    private void MaxPrefixEvent(PeerState peer, in Decision decision, in RoutePrefix p, bool exceeded)
    {
        if (exceeded) peer.Exceeded = true;
        else peer.Warned = true;
        if (!_sink.HasRoom)
        {
            _sink.CountDropped();
            return;
        }
        var table = decision.Table;
        int index = table.FindBgpPeer(peer.Key.Address);
        var entry = index >= 0 ? table.BgpPeers[index] : null;
        _sink.Publish(new BmpMaxPrefixEvent(_time.GetUtcNow(), PeerId(peer), exceeded, decision.Used, entry?.WarnCount ?? -1, decision.Max,
            entry?.Source.WarningOnly ?? false, p.PrefixText, table.Render(decision.Limit.IsNone ? decision.Rule : decision.Limit)));
    }

    private void DampingEvent(PeerState peer, in RoutePrefix p, bool suppressed, DampingParameters parameters)
    {
        if (!_sink.HasRoom)
        {
            _sink.CountDropped();
            return;
        }
        var state = peer.Damping!.State(p, _now, parameters);
        _sink.Publish(new BmpDampingEvent(_time.GetUtcNow(), PeerId(peer), p.ToString(), suppressed, state?.Penalty ?? 0, state?.Flaps ?? 0));
    }

    /// <summary>Decays damping histories, reports routes released from suppression, forgets quiet ones.</summary>
    private void Sweep()
    {
        _lastSweep = _now;
        var parameters = DampingParameters.From(_engine.Table.Source.Damping);
        foreach (var peer in _peers.Values)
        {
            if (peer.Damping is null || peer.Damping.Count == 0) continue;
            if (parameters is null)
            {
                peer.Damping.Clear();
                continue;
            }
            _reused.Clear();
            peer.Damping.Sweep(_now, parameters, _reused);
            foreach (var p in _reused)
            {
                if (_sink.HasRoom) _sink.Publish(new BmpDampingEvent(_time.GetUtcNow(), PeerId(peer), p.ToString(), false, 0, 0));
                else _sink.CountDropped();
            }
        }
    }

    // ── Snapshot ─────────────────────────────────────────────────────────────────────────

    /// <summary>The router and all its peers now (takes the monitor's lock: whole messages only).</summary>
    public BmpSessionSnapshot Snapshot()
    {
        lock (_gate)
        {
            _now = Math.Max(_now, Ticks());
            SyncTable();
            Sweep();
            var table = _engine.Table;
            var damping = DampingParameters.From(table.Source.Damping);
            var peers = new List<BmpPeerSnapshot>(_peers.Count);
            long ribBytes = _attributes.Bytes;
            foreach (var peer in _peers.Values.OrderBy(p => p.Key.Type).ThenBy(p => p.Key.Distinguisher).ThenBy(p => p.Key.Address.Family).ThenBy(p => p.Key.Address.Value))
            {
                var views = new List<BmpViewCounts>();
                for (int v = 0; v < peer.Views.Length; v++)
                {
                    var rib = peer.Views[v];
                    if (rib is null) continue;
                    ribBytes += rib.Bytes;
                    views.Add(new BmpViewCounts((RibView)v, rib.Prefixes(RouteFamily.Ipv4Unicast), rib.Prefixes(RouteFamily.Ipv6Unicast),
                        rib.Prefixes(RouteFamily.Ipv4Multicast), rib.Prefixes(RouteFamily.Ipv6Multicast), rib.Routes));
                }
                int index = peer.Analyzable ? table.FindBgpPeer(peer.Key.Address) : -1;
                var entry = index >= 0 ? table.BgpPeers[index] : null;
                int counted = peer.Analyzable ? _engine.PrefixCount(peer.Key.Address) : 0;
                var flappers = damping is not null && peer.Damping is not null ? peer.Damping.Top(_options.TopFlappers, _now, damping) : [];
                peers.Add(new BmpPeerSnapshot(
                    PeerId(peer), Address.V4(peer.Header.BgpId).ToString(), peer.Up, peer.PeerUpSeen, peer.Analyzable, peer.UpSince, peer.LastDownReason,
                    views, counted, entry?.MaxPrefix ?? -1, entry?.WarnCount ?? -1, entry?.Source.WarningOnly ?? false,
                    entry is not null && entry.WarnCount >= 0 && counted > entry.WarnCount,
                    peer.Exceeded, peer.RefusedByMaxPrefix,
                    peer.Damping?.SuppressedCount ?? 0, peer.Damping?.Count ?? 0, peer.Damping?.Suppressions ?? 0, flappers,
                    peer.BogonAnnouncements, peer.FilterViolations, peer.LastViolation,
                    peer.RouteMonitoring, peer.Announcements, peer.Withdrawals, peer.EndOfRib, peer.TreatedAsWithdraw, peer.AttributesDiscarded,
                    peer.UpdatesNotApplied, new Dictionary<string, ulong>(peer.Statistics, StringComparer.Ordinal), peer.VendorStatistics));
            }
            var byType = new Dictionary<string, long>(StringComparer.Ordinal);
            for (int t = 0; t < _byType.Length - 1; t++)
            {
                if (_byType[t] > 0) byType[TypeName((BmpMessageType)t)] = _byType[t];
            }
            return new BmpSessionSnapshot(Session, Router, Remote, Local, Tls, ClientSubject, SysName, SysDescr, Since, Messages, Bytes, byType,
                _malformed, _unknownTypes, _unknownTlvs, _bgpErrors, _attributes.Count, ribBytes, Terminated, peers);
        }
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
