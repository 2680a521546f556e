using PolicyKit.Bmp.Analysis;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Engine.Compiled;

namespace PolicyKit.Bmp.Station;

/// <summary>
/// The BMP station (RFC 7854; BMP over TLS per draft-hmntsharma-bmp-over-tls): listens on the
/// configured ports, one <see cref="RouterMonitor"/> per BMP session, events through a bounded
/// queue, snapshots for telemetry, table and certificate reloads without a restart.
///
/// <code>
/// await using var station = new BmpStation(options, table);
/// await station.StartAsync();                       // binds; BmpConfigurationException on bad certs/ports
/// await foreach (var e in station.Events.ReadAllAsync(ct)) Publish(e);
/// var snapshot = station.Snapshot();                // per session, per peer
/// station.ReloadTable(newTable); station.ReloadCertificates();
/// </code>
///
/// <para>Each session reads on its own task and applies to its own monitor and engine, so a
/// slow, malformed or hostile session touches no other. Events never block a reader: when the
/// queue is full they are dropped and counted (<see cref="DroppedEvents"/>).</para>
/// </summary>
public sealed class BmpStation : IAsyncDisposable, IBmpEventSink
{
    private readonly BmpStationOptions _options;
    private readonly Channel<BmpEvent> _events;
    private readonly List<Listener> _listeners = [];
    private readonly Dictionary<long, BmpSession> _sessions = [];
    private readonly LinkedList<BmpSession> _pending = [];
    private readonly Dictionary<long, LinkedListNode<BmpSession>> _pendingNodes = [];
    private readonly Dictionary<IPAddress, int> _pendingPerSource = [];
    private readonly Dictionary<IPAddress, int> _sessionsPerSource = [];
    private readonly EventLimiter _refusals;
    private readonly object _sessionsGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private CompiledTable _table;
    private long _nextSession;
    private bool _started;

    internal long ConnectionsAccepted, SessionsAccepted, SessionsRefused, TlsHandshakeFailures, PlaintextRefused, FramingErrors,
        PendingEvicted, PendingRefused, PendingLost, FirstMessageFailures, IdleClosed, InternalErrors;
    private long _closedMessages, _closedBytes, _closedMalformed, _closedSuppressed, _dropped, _reloads, _reloadFailures, _refusedSuppressed;

    public BmpStation(BmpStationOptions options, CompiledTable table)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(table);
        options.Validate();
        _options = options;
        _table = table;
        _refusals = new EventLimiter(options.EventBurst, options.EventSummaryInterval.Ticks);
        // Session opened/closed events have a reserve beyond the queue's capacity: a flood of other events never hides a session's start or end.
        _events = Channel.CreateBounded<BmpEvent>(new BoundedChannelOptions(options.EventQueueCapacity + EssentialReserve(options))
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the writer drops, never waits
            SingleReader = false,
            SingleWriter = false,
        });
    }

    internal BmpStationOptions Options => _options;

    private static int EssentialReserve(BmpStationOptions options) => 2 * options.MaxSessions + 64;

    /// <summary>Events, oldest first. Read them promptly: a full queue drops new events (counted in <see cref="DroppedEvents"/>).</summary>
    public ChannelReader<BmpEvent> Events => _events.Reader;

    public long DroppedEvents => Interlocked.Read(ref _dropped);

    /// <summary>The bound endpoints, in listener order (a port 0 in the options is the real port here). Empty before <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<IPEndPoint> LocalEndpoints => _listeners.Select(l => l.Endpoint).ToList();

    /// <summary>The VRPs and expected origins every session validates announcements against (see <see cref="ReloadOrigins"/>).</summary>
    public OriginSources Origins { get; } = new();

    /// <summary>The table every session's engine uses (the last one <see cref="ReloadTable"/> set).</summary>
    public CompiledTable Table => Volatile.Read(ref _table);

    /// <summary>
    /// Loads every TLS profile and binds every listener, then accepts in the background. Throws
    /// <see cref="BmpConfigurationException"/> (nothing left bound) when a certificate cannot be
    /// loaded or a port cannot be bound.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_started) throw new InvalidOperationException("the BMP station is already started");
        _started = true;
        // The origin files first: a station that cannot validate as configured does not start.
        foreach (var (source, _, detail) in LoadOrigins())
        {
            if (source is not null) throw new BmpConfigurationException(source, detail);
        }
        try
        {
            foreach (var options in _options.Listeners)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string name = options.Name ?? $"{options.Address}:{options.Port}";
                var profile = options.Tls is null ? null : TlsProfile.Load(options.Tls, name);
                var socket = new TcpListener(IPAddress.Parse(options.Address), options.Port);
                try
                {
                    socket.Start(backlog: 64);
                }
                catch (SocketException e)
                {
                    throw new BmpConfigurationException($"listener {name}", $"cannot listen on {options.Address}:{options.Port}: {e.Message}");
                }
                _listeners.Add(new Listener(name, options, socket, profile));
            }
        }
        catch
        {
            foreach (var l in _listeners) l.Socket.Stop();
            _listeners.Clear();
            throw;
        }
        foreach (var listener in _listeners) listener.AcceptLoop = Task.Run(() => AcceptAsync(listener));
        return Task.CompletedTask;
    }

    /// <summary>Stops listening, closes every session and waits for their readers to end.</summary>
    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        foreach (var listener in _listeners) listener.Socket.Stop();
        List<Task> running;
        lock (_sessionsGate) running = _sessions.Values.Concat(_pending).Select(s => { s.Abort("station stopping"); return s.Run; }).ToList();
        running.AddRange(_listeners.Select(l => l.AcceptLoop));
        await Task.WhenAll(running.Where(t => t is not null)).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Readers that did not end in time are abandoned; their sockets are closed.
        }
        _stopping.Dispose();
    }

    /// <summary>Publishes a new table to every session's engine now and to every later session (any thread).</summary>
    public void ReloadTable(CompiledTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        Volatile.Write(ref _table, table);
        lock (_sessionsGate)
        {
            foreach (var session in _sessions.Values) session.Monitor?.LoadTable(table);
        }
    }

    /// <summary>
    /// Re-reads the origin files (<see cref="BmpStationOptions.RpkiFile"/>,
    /// <see cref="BmpStationOptions.ExpectedOriginsFile"/>). A file that does not load leaves the
    /// data it would have replaced in force, and says why. One result per configured file, each also
    /// a <see cref="BmpOriginDataReloadedEvent"/>.
    /// </summary>
    public IReadOnlyList<BmpOriginReload> ReloadOrigins()
    {
        var results = new List<BmpOriginReload>();
        foreach (var (failed, name, detail) in LoadOrigins())
        {
            var info = name == "rpki" ? Origins.RpkiInfo : Origins.ExpectedOriginsInfo;
            var result = failed is null
                ? new BmpOriginReload(name, true, info?.Entries ?? 0, detail)
                : new BmpOriginReload(name, false, info?.Entries ?? 0, detail + (info is null ? string.Empty : $" (the previous {info.Entries} entries stay in use)"));
            results.Add(result);
            Publish(new BmpOriginDataReloadedEvent(_options.Time.GetUtcNow(), "station", name, result.Success, result.Entries, result.Detail));
        }
        return results;
    }

    /// <summary>Loads each configured origin file; per file the option that failed (null when it loaded), the source's name and what happened.</summary>
    private List<(string? FailedOption, string Name, string Detail)> LoadOrigins()
    {
        var results = new List<(string?, string, string)>();
        foreach (var (option, name, path) in new[] { ("rpki-file", "rpki", _options.RpkiFile), ("expected-origins-file", "expected-origins", _options.ExpectedOriginsFile) })
        {
            if (string.IsNullOrEmpty(path)) continue;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            if (!VrpJson.TryLoad(path, out var table, out string error))
            {
                results.Add((option, name, error));
                continue;
            }
            if (name == "rpki") Origins.SetRpki(table, path, _options.Time.GetUtcNow());
            else Origins.SetExpectedOrigins(table, path, _options.Time.GetUtcNow());
            var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            results.Add((null, name, $"{path}: {table!.Count} entries ({table.Ipv4Count} IPv4, {table.Ipv6Count} IPv6) in {took.TotalMilliseconds:0} ms"));
        }
        return results;
    }

    /// <summary>
    /// Reloads every TLS listener's certificate, key and CA from their files. New handshakes use
    /// the new ones; open sessions go on. A listener whose files do not load keeps its old profile
    /// (reported, never half-applied). One result per TLS listener.
    /// </summary>
    public IReadOnlyList<BmpCertificateReload> ReloadCertificates()
    {
        var results = new List<BmpCertificateReload>();
        foreach (var listener in _listeners)
        {
            if (listener.Options.Tls is not { } tls) continue;
            BmpCertificateReload result;
            try
            {
                var profile = TlsProfile.Load(tls, listener.Name);
                Volatile.Write(ref listener.Profile, profile);
                Interlocked.Increment(ref _reloads);
                result = new BmpCertificateReload(listener.Name, true, $"certificate {profile.CertificateSubject} valid until {profile.CertificateNotAfter:u}");
            }
            catch (BmpConfigurationException e)
            {
                Interlocked.Increment(ref _reloadFailures);
                result = new BmpCertificateReload(listener.Name, false, e.Message + " (the previous certificates stay in use)");
            }
            results.Add(result);
            Publish(new BmpCertificatesReloadedEvent(_options.Time.GetUtcNow(), "station", listener.Name, result.Success, result.Detail));
        }
        return results;
    }

    public BmpStationCounters Counters
    {
        get
        {
            List<RouterMonitor> monitors;
            int pending;
            lock (_sessionsGate)
            {
                monitors = _sessions.Values.Select(s => s.Monitor).OfType<RouterMonitor>().ToList();
                pending = _pending.Count;
            }
            return new BmpStationCounters(
                Interlocked.Read(ref ConnectionsAccepted), Interlocked.Read(ref SessionsAccepted), monitors.Count, pending, Interlocked.Read(ref SessionsRefused),
                Interlocked.Read(ref PendingRefused), Interlocked.Read(ref PendingEvicted), Interlocked.Read(ref PendingLost), Interlocked.Read(ref FirstMessageFailures),
                Interlocked.Read(ref TlsHandshakeFailures), Interlocked.Read(ref PlaintextRefused), Interlocked.Read(ref IdleClosed), Interlocked.Read(ref FramingErrors),
                Interlocked.Read(ref _closedMessages) + monitors.Sum(m => m.Messages),
                Interlocked.Read(ref _closedBytes) + monitors.Sum(m => m.Bytes),
                Interlocked.Read(ref _closedMalformed) + monitors.Sum(m => m.MalformedMessages),
                Interlocked.Read(ref _closedSuppressed) + monitors.Sum(m => m.EventsSuppressed) + Interlocked.Read(ref _refusedSuppressed),
                DroppedEvents, Interlocked.Read(ref _reloads), Interlocked.Read(ref _reloadFailures), Interlocked.Read(ref InternalErrors));
        }
    }

    /// <summary>The max-prefix figure of every analysed, policy-named peer of every open session (see <see cref="RouterMonitor.CollectPrefixUse"/>).</summary>
    public IReadOnlyList<BmpPrefixUse> PrefixUse()
    {
        List<RouterMonitor> monitors;
        lock (_sessionsGate) monitors = _sessions.Values.Select(s => s.Monitor).OfType<RouterMonitor>().ToList();
        var use = new List<BmpPrefixUse>();
        foreach (var monitor in monitors) monitor.CollectPrefixUse(use);
        return use;
    }

    /// <summary>Every open session with all its peers (each session's snapshot holds only that session's lock).</summary>
    public BmpStationSnapshot Snapshot()
    {
        List<BmpSession> sessions;
        lock (_sessionsGate)
        {
            sessions = [.. _sessions.Values.OrderBy(s => s.Id)];
            SummarizeRefusals();
        }
        var snapshots = sessions.Select(s => s.Monitor).OfType<RouterMonitor>().Select(m => m.Snapshot()).ToList();
        return new BmpStationSnapshot(_options.Time.GetUtcNow(), Counters, snapshots) { Rpki = Origins.RpkiInfo, ExpectedOrigins = Origins.ExpectedOriginsInfo };
    }

    // ── IBmpEventSink: the bounded queue ─────────────────────────────────────────────────

    bool IBmpEventSink.HasRoom => _events.Reader.Count < _options.EventQueueCapacity;

    public void Publish(BmpEvent e)
    {
        // Ordinary events stop at the configured capacity; the rest of the channel is the essential reserve.
        if (_events.Reader.Count >= _options.EventQueueCapacity || !_events.Writer.TryWrite(e)) Interlocked.Increment(ref _dropped);
    }

    /// <summary>Session opened/closed: written into the reserve when the queue is full of other events.</summary>
    internal void PublishEssential(BmpEvent e)
    {
        if (!_events.Writer.TryWrite(e)) Interlocked.Increment(ref _dropped);
    }

    void IBmpEventSink.CountDropped() => Interlocked.Increment(ref _dropped);

    // ── Accepting ────────────────────────────────────────────────────────────────────────

    internal sealed class Listener(string name, BmpListenerOptions options, TcpListener socket, TlsProfile? profile)
    {
        public readonly string Name = name;
        public readonly BmpListenerOptions Options = options;
        public readonly TcpListener Socket = socket;
        public TlsProfile? Profile = profile;
        public Task AcceptLoop = Task.CompletedTask;

        public IPEndPoint Endpoint => (IPEndPoint)Socket.LocalEndpoint;
    }

    private async Task AcceptAsync(Listener listener)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.Socket.AcceptSocketAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (token.IsCancellationRequested) return;
                continue;
            }
            Interlocked.Increment(ref ConnectionsAccepted);
            var endpoint = client.RemoteEndPoint as IPEndPoint;
            var source = endpoint?.Address is { } a && a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : endpoint?.Address ?? IPAddress.None;
            string remote = endpoint?.ToString() ?? "?";
            string local = client.LocalEndPoint?.ToString() ?? "?";
            BmpSession? session = null;
            BmpSession? evicted = null;
            string? refused = null, category = null;
            lock (_sessionsGate)
            {
                if (_pendingPerSource.GetValueOrDefault(source) >= _options.MaxPendingPerSource)
                {
                    (category, refused) = ("pending-per-source", $"{_options.MaxPendingPerSource} connections from {source} already pending (handshake or first message)");
                }
                else if (_pending.Count >= _options.MaxPending && (evicted = Victim()) is null)
                {
                    (category, refused) = ("pending-limit", $"{_options.MaxPending} connections pending, all of them just connected, answered or past TLS");
                }
                else
                {
                    // The station-wide bound: a stalled or idle pending connection makes room (see Victim).
                    if (evicted is not null) RemovePending(evicted);
                    session = new BmpSession(this, ++_nextSession, listener, client, source, remote, local, Now());
                    _pendingNodes[session.Id] = _pending.AddLast(session);
                    _pendingPerSource[source] = _pendingPerSource.GetValueOrDefault(source) + 1;
                }
            }
            if (evicted is not null)
            {
                Interlocked.Increment(ref PendingEvicted);
                evicted.Abort($"pending limit {_options.MaxPending} reached: a stalled or idle connection made room");
            }
            if (session is null)
            {
                Interlocked.Increment(ref PendingRefused);
                ReportRefusal(remote, local, category!, refused!);
                client.Dispose();
                continue;
            }
            session.Run = Task.Run(() => session.RunAsync(token));
        }
    }

    /// <summary>A pending connection passed TLS and sent its Initiation: it becomes a session if there is a slot (total and per source).</summary>
    internal bool Promote(BmpSession session)
    {
        string? refused = null;
        lock (_sessionsGate)
        {
            if (!RemovePending(session)) return false; // evicted meanwhile
            if (_sessions.Count >= _options.MaxSessions) refused = $"session limit {_options.MaxSessions} reached";
            else if (_sessionsPerSource.GetValueOrDefault(session.Source) >= _options.MaxSessionsPerSource)
                refused = $"{_options.MaxSessionsPerSource} sessions from {session.Source} already open";
            else
            {
                _sessions.Add(session.Id, session);
                _sessionsPerSource[session.Source] = _sessionsPerSource.GetValueOrDefault(session.Source) + 1;
            }
        }
        if (refused is not null)
        {
            Interlocked.Increment(ref SessionsRefused);
            ReportRefusal(session.Remote, session.Local, "session-limit", refused);
            return false;
        }
        Interlocked.Increment(ref SessionsAccepted);
        var monitor = session.Monitor!;
        PublishEssential(new BmpSessionOpenedEvent(_options.Time.GetUtcNow(), monitor.Router, session.Id, session.Remote, session.Local, monitor.Tls, monitor.ClientSubject));
        return true;
    }

    /// <summary>A pending connection refused for <paramref name="why"/>: counted in <paramref name="counter"/>, reported (within the per-reason budget).</summary>
    internal void Refuse(BmpSession session, string category, string why, ref long counter)
    {
        Interlocked.Increment(ref counter);
        ReportRefusal(session.Remote, session.Local, category, why);
    }

    /// <summary>A pending connection that went away or was cut before it said anything wrong (no event: it is counted).</summary>
    internal void CountPendingLost() => Interlocked.Increment(ref PendingLost);

    private void ReportRefusal(string remote, string local, string category, string why)
    {
        bool report;
        lock (_sessionsGate)
        {
            report = _refusals.Allow(category, Now());
            if (!report) Interlocked.Increment(ref _refusedSuppressed);
            SummarizeRefusals();
        }
        if (report) Publish(new BmpConnectionRefusedEvent(_options.Time.GetUtcNow(), remote, remote, local, why));
    }

    /// <summary>Under the lock: at the end of a window, one event with the refusals held back.</summary>
    private void SummarizeRefusals()
    {
        var suppressed = _refusals.Roll(Now(), out var window);
        if (suppressed is not null) Publish(new BmpEventsSuppressedEvent(_options.Time.GetUtcNow(), "station", 0, window, suppressed.ToDictionary(p => "refused " + p.Key, p => p.Value)));
    }

    private long Now() => (long)(_options.Time.GetTimestamp() * (double)TimeSpan.TicksPerSecond / _options.Time.TimestampFrequency);

    /// <summary>A pending connection that has not finished its TLS handshake after this long (half the handshake timeout, at least 1 s) is stalled: the first to make room.</summary>
    private TimeSpan StalledAfter => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, _options.HandshakeTimeout.Ticks / 2));

    /// <summary>A new connection has this long to send its first bytes (a ClientHello, an Initiation) before it counts as idle.</summary>
    internal static readonly TimeSpan SpeakWithin = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Under the lock, when the pending connections are at their bound: the one to drop for a new
    /// connection, or null to refuse the new one. Candidates, in order: stalled (pending longer than
    /// <see cref="StalledAfter"/> without finishing TLS: a stalled handshake, a slow loris), idle
    /// (nothing sent within <see cref="SpeakWithin"/>), then partly sent (bytes, but no complete
    /// ClientHello the station could answer); the oldest of the first kind present goes. Never
    /// dropped for a newcomer: one just connected (it has <see cref="SpeakWithin"/> to speak), one
    /// whose ClientHello the station answered, one past TLS. So a router that handshakes promptly
    /// keeps its place whatever the number of idle, stalled or trickling connections.
    /// </summary>
    private BmpSession? Victim()
    {
        long now = Now(), stalled = now - StalledAfter.Ticks, idle = now - SpeakWithin.Ticks;
        BmpSession? victim = null;
        int lowest = int.MaxValue;
        foreach (var candidate in _pending)
        {
            int progress = candidate.Progress, rank;
            if (progress >= 3) continue;                                  // past TLS: never
            if (candidate.Accepted < stalled) rank = 0;                   // stalled
            else if (progress >= 2) continue;                             // answered: never (until stalled)
            else if (progress >= 1 || candidate.HasData)                  // bytes in the socket count even if its reader has not run yet
            {
                candidate.Advanced(1);
                rank = 2;                                                 // partly sent
            }
            else if (candidate.Accepted < idle) rank = 1;                 // idle
            else continue;                                                // just connected: never
            if (rank < lowest)
            {
                (victim, lowest) = (candidate, rank); // in arrival order: the oldest of its kind
                if (rank == 0) break;
            }
        }
        return victim;
    }

    /// <summary>Under the lock.</summary>
    private bool RemovePending(BmpSession session)
    {
        if (!_pendingNodes.Remove(session.Id, out var node)) return false;
        _pending.Remove(node);
        int left = _pendingPerSource[session.Source] - 1;
        if (left == 0) _pendingPerSource.Remove(session.Source);
        else _pendingPerSource[session.Source] = left;
        return true;
    }

    /// <summary>A session that received this much held a large RIB: when it closes, its memory goes back to the system.</summary>
    internal const long ReturnMemoryAfter = 16L << 20;

    private int _returningMemory;

    /// <summary>
    /// A big session's RIB is garbage now: a full, compacting collection that also gives the freed
    /// pages back to the system (GCCollectionMode.Aggressive), so the process's RSS falls back
    /// instead of ratcheting up across reconnects. Off the session's thread, one at a time.
    /// </summary>
    private void ReturnMemory()
    {
        if (Interlocked.Exchange(ref _returningMemory, 1) != 0) return;
        Task.Run(async () =>
        {
            try
            {
                // After the session's reader has unwound (it calls this on its way out), so its RIB is unreachable.
                await Task.Delay(250).ConfigureAwait(false);
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }
            finally
            {
                Volatile.Write(ref _returningMemory, 0);
            }
        });
    }

    /// <summary>A connection ended (pending or session): its slot is free, a session's totals move to the station's counters.</summary>
    internal void Closed(BmpSession session)
    {
        bool wasSession;
        lock (_sessionsGate)
        {
            RemovePending(session);
            wasSession = _sessions.Remove(session.Id);
            if (wasSession)
            {
                int left = _sessionsPerSource[session.Source] - 1;
                if (left == 0) _sessionsPerSource.Remove(session.Source);
                else _sessionsPerSource[session.Source] = left;
            }
        }
        if (wasSession && session.Monitor is { } monitor)
        {
            Interlocked.Add(ref _closedMessages, monitor.Messages);
            Interlocked.Add(ref _closedBytes, monitor.Bytes);
            Interlocked.Add(ref _closedMalformed, monitor.MalformedMessages);
            Interlocked.Add(ref _closedSuppressed, monitor.EventsSuppressed);
            session.ReleaseMonitor(); // nothing of the station holds the RIB any more
            if (monitor.Bytes >= ReturnMemoryAfter) ReturnMemory();
        }
    }
}
