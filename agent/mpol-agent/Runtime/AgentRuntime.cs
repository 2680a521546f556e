using System.Reflection;
using PolicyKit.Agent.Telemetry;
using PolicyKit.Engine;
using PolicyKit.Engine.Scripting;
using PolicyKit.Tables.Model;

namespace PolicyKit.Agent.Runtime;

/// <summary>
/// The agent's core: one engine over the table in force, fed by the event sources, with the
/// telemetry state that follows from its decisions. Sources call <see cref="Apply"/>; a timer calls
/// <see cref="PublishState"/>; a file watcher or SIGHUP calls <see cref="Reload"/>. One lock
/// serialises them: the engine is single-writer, and telemetry must see a decision and the state
/// it produced together. Output and telemetry are written here; reading files and sockets is the
/// sources' business.
/// </summary>
public sealed class AgentRuntime
{
    private readonly RuntimeOptions _options;
    private readonly ITelemetrySink _sink;
    private readonly TextWriter _out;
    private readonly Func<TelemetryCounters> _telemetry;
    // A plain object, not System.Threading.Lock: live sources (the NFQUEUE enforcer) lock it with
    // Monitor around their own engine calls, and both must be the same kind of lock.
    private readonly object _gate = new();
    private readonly LimitTracker _limits;
    private readonly DenyBurstDetector _bursts;
    private readonly PolicyKit.Bmp.Events.EventLimiter _denyEvents;
    private readonly SortedDictionary<string, long> _denies = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _wouldDenies = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private long _admits;
    private AdmissionEngine? _engine;
    private LoadedAgentTable? _table;
    private long _lastRefresh = long.MinValue;

    public AgentRuntime(RuntimeOptions options, ITelemetrySink sink, TextWriter output, Func<TelemetryCounters>? telemetry = null)
    {
        _options = options;
        _sink = sink;
        _out = output;
        _telemetry = telemetry ?? (() => default);
        _limits = new LimitTracker(RuntimeOptions.DefaultWarnPercent);
        _bursts = new DenyBurstDetector(options.DenyBurst, options.DenyBurstWindow);
        _denyEvents = new PolicyKit.Bmp.Events.EventLimiter(Math.Max(0, options.DenyEvents), Math.Max(1, options.DenyEventWindow.Ticks));
        Topics = new TopicScheme(options.TopicPrefix, "default", "unknown");
    }

    public static string AgentVersion { get; } =
        typeof(AgentRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    public AgentClock Clock { get; } = new();

    public TopicScheme Topics { get; private set; }

    /// <summary>How often limit state is published (the configuration, else the table's hint, else 10 s).</summary>
    public TimeSpan PublishInterval { get; private set; } = RuntimeOptions.DefaultPublishInterval;

    public TableInfo? Table { get { lock (_gate) return _table?.Info; } }

    /// <summary>Loads the first table and announces the agent online. False with a message when the table cannot be used.</summary>
    public bool TryStart(out string error)
    {
        if (!TryLoad(out error)) return false;
        Announce();
        return true;
    }

    /// <summary>
    /// Loads the first table and settles the topic names (device and site come from the table
    /// unless configured), without publishing: the MQTT client needs the topics (its Last Will)
    /// before it can be created.
    /// </summary>
    public bool TryLoad(out string error)
    {
        if (!TableFile.TryLoad(_options.TablePath, _options.Verifier, out var table, out error)) return false;
        lock (_gate)
        {
            _table = table!;
            _engine = new AdmissionEngine(table!.Table, _options.Engine);
            var hint = table.Table.Source.Telemetry;
            string device = _options.Device.Length > 0 ? _options.Device : table.Info.Device;
            string site = _options.Site.Length > 0 ? _options.Site : hint?.Site is { Length: > 0 } s ? s : "default";
            Topics = new TopicScheme(_options.TopicPrefix, site, device);
            _limits.WarnPercent = _options.WarnPercent > 0 ? _options.WarnPercent : hint?.WarnPercent > 0 ? hint.WarnPercent : RuntimeOptions.DefaultWarnPercent;
            PublishInterval = _options.PublishInterval > TimeSpan.Zero ? _options.PublishInterval
                : hint?.IntervalSeconds > 0 ? TimeSpan.FromSeconds(hint.IntervalSeconds) : RuntimeOptions.DefaultPublishInterval;
        }
        return true;
    }

    /// <summary>Publishes the retained online status and every limit's state.</summary>
    public void Announce()
    {
        lock (_gate)
        {
            _sink.Publish(Topics.Status, StatusPayload("online", null), retain: true);
            RefreshLocked(force: true, publishAll: true);
        }
    }

    /// <summary>The retained status a clean stop publishes, and the Last Will's payload (reason "connection-lost").</summary>
    public byte[] StatusPayload(string state, string? reason)
    {
        lock (_gate)
        {
            var t = _telemetry();
            var status = new AgentStatus(state, reason, Topics.Device, Topics.Site, AgentVersion, _started, _table?.Info,
                _admits, new SortedDictionary<string, long>(_denies, StringComparer.Ordinal), t.Buffered, t.Dropped)
            {
                WouldDenies = new SortedDictionary<string, long>(_wouldDenies, StringComparer.Ordinal),
            };
            return TelemetryPayloads.Status(status, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>
    /// Applies one event at engine time <paramref name="now"/>: decides, counts, raises threshold and
    /// deny-burst events, and prints the decision when asked. Returns the decisions (a state event
    /// with outputs has one per output).
    /// </summary>
    public IReadOnlyList<(string Label, Decision Decision)> Apply(ScriptEvent e, long now, string? prefix = null)
    {
        lock (_gate)
        {
            var engine = _engine ?? throw new InvalidOperationException("the runtime has not started");
            var result = EventScript.Run(engine, [e], now);
            var decisions = result.Count > 0 ? result[0].Decisions : [];
            Account(e.Kind, e.Interface, e.Group, e.Text, decisions, now, prefix);
            return decisions;
        }
    }

    /// <summary>
    /// The lock that serialises engine use. A live source that calls the engine itself (the NFQUEUE
    /// enforcer) holds it around each call, then reports the decision through <see cref="Record"/>.
    /// </summary>
    public object EngineLock => _gate;

    /// <summary>The engine (for live sources, which must hold <see cref="EngineLock"/> around every call).</summary>
    public AdmissionEngine Engine => _engine ?? throw new InvalidOperationException("the runtime has not started");

    /// <summary>Where telemetry goes, for sources that publish their own topics (the BMP station).</summary>
    public ITelemetrySink Sink => _sink;

    /// <summary>
    /// Set by a live source that counts BGP prefixes itself (the BMP station): its figures replace
    /// the engine's for every max-prefix limit at each refresh (see <see cref="BgpPrefixFigure"/>).
    /// </summary>
    public Func<IReadOnlyList<BgpPrefixFigure>>? BgpPrefixSource { get; set; }

    /// <summary>Set by the BMP station: writes its section of the status document.</summary>
    public Action<System.Text.Json.Utf8JsonWriter>? BmpStatus { get; set; }

    /// <summary>Set by the BMP station: its state now, for <c>/metrics</c> (the same snapshot <see cref="BmpStatus"/> writes).</summary>
    public Func<PolicyKit.Bmp.Station.BmpStationSnapshot>? BmpSnapshot { get; set; }

    /// <summary>Raised after a reload put a new table in force (live sources re-resolve their interfaces).</summary>
    public event Action? TableChanged;

    /// <summary>
    /// Counts a decision a live source made (outside <see cref="Apply"/>): decision counters, denials
    /// per limit, deny bursts, threshold crossings, printing — exactly as for a replayed event.
    /// </summary>
    public void Record(ScriptEventKind kind, string? iface, Address group, string text, Decision decision)
    {
        lock (_gate)
        {
            if (_engine is null) return;
            Account(kind, iface, group, text, [(string.Empty, decision)], _engine.Now, null);
        }
    }

    private void Account(ScriptEventKind kind, string? iface, Address group, string text, IReadOnlyList<(string Label, Decision Decision)> decisions, long now, string? prefix)
    {
            bool limitTouched = false;
            RollDenyEvents(now);
            foreach (var (label, d) in decisions)
            {
                if (d.IsDenyOrWouldDeny) PublishDeny(d, text, iface, now);
                if (d.IsWouldDeny)
                {
                    _admits++;
                    string reason = Decision.ReasonText(d.Reason);
                    _wouldDenies[reason] = _wouldDenies.GetValueOrDefault(reason) + 1;
                }
                else if (d.IsAdmit)
                {
                    _admits++;
                }
                else
                {
                    string reason = Decision.ReasonText(d.Reason);
                    _denies[reason] = _denies.GetValueOrDefault(reason) + 1;
                    if (DenyScope(_engine!, kind, iface, group, d) is { } scope) _limits.CountDeny(scope, reason);
                    if (_bursts.Deny(now, reason) is { } burst)
                    {
                        _sink.Publish(Topics.Events, TelemetryPayloads.DenyBurst(burst, DateTimeOffset.UtcNow), retain: false);
                        if (_options.PrintDecisions) _out.WriteLine($"  ! deny burst: {burst.Count} denials within {burst.Window.TotalSeconds:0.#} s");
                    }
                }
                limitTouched |= !d.Limit.IsNone;
                if (_options.PrintDecisions)
                {
                    string what = label.Length > 0 && decisions.Count > 1 ? $"{text} [{label}]" : text;
                    _out.WriteLine($"{prefix}{what}  → {d}");
                }
            }
            // Threshold crossings must be immediate; the use of every limit is cheap to recount
            // but not free, so otherwise it is refreshed at most every 50 ms of engine time.
            bool frees = kind is ScriptEventKind.Leave or ScriptEventKind.Prune or ScriptEventKind.Withdraw or ScriptEventKind.PeerDown;
            RefreshLocked(force: limitTouched || frees, publishAll: false);
    }

    /// <summary>
    /// Publishes the explanation of a deny or would-deny, unless this type and reason already had
    /// their share of the window (<see cref="RuntimeOptions.DenyEvents"/>): a flood of denials costs
    /// a few events per reason and one summary, and one noisy reason does not hide the others.
    /// </summary>
    private void PublishDeny(in Decision d, string text, string? iface, long now)
    {
        string key = (d.IsWouldDeny ? "would-deny/" : "deny/") + Decision.ReasonText(d.Reason);
        if (!_denyEvents.Allow(key, now)) return;
        _sink.Publish(Topics.Events, TelemetryPayloads.Deny(DenyExplanation.Of(d), text, iface, DateTimeOffset.UtcNow), retain: false);
    }

    /// <summary>At the end of a window, one event with the deny events it held back (none when it held none).</summary>
    private void RollDenyEvents(long now)
    {
        if (now == long.MinValue) return;
        if (_denyEvents.Roll(now, out var window) is { } suppressed)
        {
            _sink.Publish(Topics.Events, TelemetryPayloads.DenyEventsSuppressed(suppressed, window, DateTimeOffset.UtcNow), retain: false);
            if (_options.PrintDecisions) _out.WriteLine($"  ! deny events held back: {string.Join(", ", suppressed.Select(s => $"{s.Key} {s.Value}"))}");
        }
    }

    /// <summary>Publishes every limit's retained state and the status (the periodic publish).</summary>
    public void PublishState()
    {
        lock (_gate)
        {
            if (_engine is null) return;
            _engine.Advance(Clock.Now);
            RollDenyEvents(_engine.Now);
            RefreshLocked(force: true, publishAll: true);
            _sink.Publish(Topics.Status, StatusPayload("online", null), retain: true);
        }
    }

    /// <summary>
    /// Reads the table file again. A good table replaces the one in force atomically (state kept,
    /// limits recounted); a bad one is refused with an event and the old one stays.
    /// </summary>
    public bool Reload(string trigger, out string message)
    {
        bool changed = ReloadLocked(trigger, out message);
        // Outside the lock: a live source re-resolving its interfaces may take it itself.
        if (changed) TableChanged?.Invoke();
        return changed || message.StartsWith("table unchanged", StringComparison.Ordinal);
    }

    /// <summary>True when a new table was put in force.</summary>
    private bool ReloadLocked(string trigger, out string message)
    {
        bool ok = TableFile.TryLoad(_options.TablePath, _options.Verifier, out var table, out string error);
        lock (_gate)
        {
            if (_engine is null) { message = "not started"; return false; }
            var now = DateTimeOffset.UtcNow;
            if (!ok)
            {
                message = $"table refused ({trigger}), keeping {_table!.Info.Checksum[..12]}: {error}";
                _sink.Publish(Topics.Events, TelemetryPayloads.TableRefused(_options.TablePath, error, trigger, _table.Info.Checksum, now), retain: false);
                return false;
            }
            if (table!.Info.Checksum == _table!.Info.Checksum)
            {
                // The checksum covers header and body, not the signature: a table signed again (or
                // its signature re-encoded, s → n−s) is the same table.
                message = $"table unchanged ({trigger})";
                return false;
            }
            if (table.Info.Serial < _table.Info.Serial && !_options.AllowRollback)
            {
                string reason = $"{_options.TablePath}: the table's serial {table.Info.Serial} is lower than the serial {_table.Info.Serial} of the table in force: an older table (set agent.allow_rollback = true to accept it)";
                message = $"table refused ({trigger}), keeping {_table.Info.Checksum[..12]}: {reason}";
                _sink.Publish(Topics.Events, TelemetryPayloads.TableRefused(_options.TablePath, reason, trigger, _table.Info.Checksum, now), retain: false);
                return false;
            }
            _engine.Load(table.Table);
            _table = table;
            message = $"table reloaded ({trigger}): {table.Info.Checksum[..12]}";
            _sink.Publish(Topics.Events, TelemetryPayloads.TableReloaded(table.Info, trigger, now), retain: false);
            RefreshLocked(force: true, publishAll: true);
            _sink.Publish(Topics.Status, StatusPayload("online", null), retain: true);
            return true;
        }
    }

    /// <summary>Every limit's state (copies), for the status endpoint and the demo's summary.</summary>
    public IReadOnlyList<LimitState> Limits()
    {
        lock (_gate)
        {
            if (_engine is not null) RefreshLocked(force: true, publishAll: false);
            return _limits.All.Select(Copy).ToList();
        }
    }

    public (long Admits, IReadOnlyDictionary<string, long> Denies) Decisions()
    {
        lock (_gate) return (_admits, new SortedDictionary<string, long>(_denies, StringComparer.Ordinal));
    }

    public TelemetryCounters TelemetryState => _telemetry();

    public DateTimeOffset Started => _started;

    private void RefreshLocked(bool force, bool publishAll)
    {
        long now = _engine!.Now;
        if (!force && now != long.MinValue && _lastRefresh != long.MinValue && now - _lastRefresh < TimeSpan.TicksPerMillisecond * 50) return;
        _lastRefresh = now;
        var table = _engine.Table;
        var usage = _engine.Usage();
        Dictionary<string, string>? sources = null;
        if (BgpPrefixSource is { } bgp) usage = BgpPrefixFigure.Apply(table, usage, bgp(), sources = new(StringComparer.Ordinal));
        var crossings = _limits.Refresh(table, usage, out var removed);
        foreach (var (path, source) in sources ?? []) _limits.Find(path)!.Source = source;
        var time = DateTimeOffset.UtcNow;
        foreach (string scope in removed) _sink.Publish(Topics.Limit(scope), [], retain: true); // clears the retained topic
        foreach (var c in crossings)
        {
            _sink.Publish(Topics.Events, TelemetryPayloads.ThresholdCrossed(c, time), retain: false);
            if (!publishAll) _sink.Publish(Topics.Limit(c.Limit.Scope.Path), TelemetryPayloads.Limit(c.Limit, time), retain: true);
            if (_options.PrintDecisions)
                _out.WriteLine($"  ! threshold {(c.Up ? "up" : "down")}: {c.Limit.Scope.Path} {c.Limit.Used}/{c.Limit.Max} ({c.Limit.Percent:0.#} %, warning above {c.Limit.WarnAbove})");
        }
        if (publishAll)
        {
            foreach (var l in _limits.All) _sink.Publish(Topics.Limit(l.Scope.Path), TelemetryPayloads.Limit(l, time), retain: true);
        }
    }

    /// <summary>
    /// The limit a denial is counted against: the limit that refused it, else (a filter or range
    /// refusal of a join) the membership limit of the join's interface, so an operator watching an
    /// interface sees every join refused there.
    /// </summary>
    private static string? DenyScope(AdmissionEngine engine, ScriptEventKind kind, string? iface, Address group, Decision d)
    {
        var table = engine.Table;
        if (!d.Limit.IsNone) return LimitScope.Of(table, d.Limit).Path;
        if (kind != ScriptEventKind.Join || iface is null) return null;
        int index = table.FindInterface(iface);
        if (index < 0) return null;
        int family = group.Family == AddressFamily.V6 ? 6 : 4;
        var membership = family == 6 ? table.Interfaces[index].Mld : table.Interfaces[index].Igmp;
        if (membership?.Limit is null) return null;
        return LimitScope.Of(table, new RuleRef(RuleKind.InterfaceLimit, index, family)).Path;
    }

    private static LimitState Copy(LimitState s)
    {
        var c = new LimitState(s.Scope) { Text = s.Text, Unit = s.Unit, Location = s.Location, Used = s.Used, Max = s.Max, WarnAbove = s.WarnAbove, Warning = s.Warning, Source = s.Source };
        foreach (var (k, v) in s.Denies) c.Denies[k] = v;
        return c;
    }
}
