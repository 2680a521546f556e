using PolicyKit.Engine;
using PolicyKit.Nfqueue.Flows;
using PolicyKit.Nfqueue.Hooks;
using PolicyKit.Nfqueue.Netlink;
using PolicyKit.Nfqueue.Queue;

namespace PolicyKit.Nfqueue.Enforcement;

/// <summary>
/// Live enforcement on a Linux edge box: the agent's queue hooks, one NFQUEUE, and a thread that
/// puts every queued packet to the admission engine — IGMP/MLD reports through the
/// <see cref="JoinEnforcer"/> (records decided one by one, reports rewritten without denied
/// records), first packets of multicast flows through the <see cref="FlowAdmitter"/> (allow/deny
/// sets, output limits).
/// <para><see cref="Start"/>: removes what a crashed run of the same instance left, binds the queue,
/// installs the hooks (nft table; iptables-nft NFQUEUE chain where the kernel lacks the nft queue
/// statement), starts the thread. <see cref="Stop"/> (and <see cref="Dispose"/>): stops the thread,
/// removes the hooks, unbinds the queue. Killed without <see cref="Stop"/>, the hooks stay: with
/// <see cref="FailMode.Open"/> traffic then passes unchecked, with <see cref="FailMode.Closed"/> it
/// is dropped, until the next start cleans up.</para>
/// <para>The engine is shared with the rest of the agent: every engine call holds
/// <c>engineLock</c> (the engine is single-writer). After <see cref="AdmissionEngine.Load"/> call
/// <see cref="TableChanged"/> so flows are decided again under the new table.</para>
/// </summary>
public sealed class NfqueueEnforcer : IDisposable
{
    private readonly AdmissionEngine _engine;
    private readonly object _engineLock;
    private readonly IEnforcementObserver? _observer;
    private readonly HookInstaller _hooks;
    private readonly IFlowSetWriter? _givenWriter;
    private readonly OutcomeBuffer _outcomes = new();
    private readonly EngineOptions _engineOptions;
    private InterfaceResolver? _interfaces;
    private JoinEnforcer? _joins;
    private FlowAdmitter? _flows;
    private IFlowSetWriter? _writer;
    private NfQueue? _queue;
    private Thread? _thread;
    private volatile bool _stopping;
    private volatile bool _resetFlows;
    private Exception? _failure;

    /// <param name="options">The [nfqueue] settings.</param>
    /// <param name="engine">The agent's engine (shared).</param>
    /// <param name="engineLock">Held around every engine call; the agent holds it around its own.</param>
    /// <param name="observer">Receives every decision (telemetry); may be null.</param>
    /// <param name="engineOptions">The engine's timers (to mirror state and membership expiry); default: <see cref="EngineOptions.Default"/>.</param>
    /// <param name="commands">Runs nft/iptables (tests: a netns prefix); default: child processes.</param>
    /// <param name="writer">The flow-set writer; default: <see cref="NetlinkFlowSetWriter"/> on this instance's table.</param>
    public NfqueueEnforcer(EnforcerOptions options, AdmissionEngine engine, object engineLock, IEnforcementObserver? observer = null,
        EngineOptions? engineOptions = null, ICommandRunner? commands = null, IFlowSetWriter? writer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(engineLock);
        options.Validate();
        Options = options;
        _engine = engine;
        _engineLock = engineLock;
        _observer = observer;
        _engineOptions = engineOptions ?? EngineOptions.Default;
        _hooks = new HookInstaller(options.ToHookOptions(), commands);
        _givenWriter = writer;
    }

    public EnforcerOptions Options { get; }

    public EnforcerCounters Counters { get; } = new();

    /// <summary>The queue's own counters (received, accepted, dropped, rewritten, overruns); null before start.</summary>
    public NfQueueCounters? QueueCounters => _queue?.Counters;

    /// <summary>The hooks in place (which queue mechanism, the nft script); null when not running.</summary>
    public HookPlan? Hooks => _hooks.Installed;

    public bool Running => _thread is { IsAlive: true };

    /// <summary>Set when the receive thread stopped on an error it could not recover from.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Flows the admitter knows (admitted, not expired).</summary>
    public int FlowCount => _flows?.FlowCount ?? 0;

    /// <summary>What the last start removed as left over from an earlier run (crash recovery), for the log.</summary>
    public IReadOnlyList<string> RecoveredLeftovers { get; private set; } = [];

    /// <summary>Cleans up leftovers, binds the queue, installs the hooks and starts the receive thread. Throws (and leaves nothing behind) on failure.</summary>
    public void Start()
    {
        if (_thread is not null) throw new InvalidOperationException("the enforcer is already started");
        RecoveredLeftovers = _hooks.Remove();
        try
        {
            _queue = NfQueue.Open(new NfQueueOptions
            {
                QueueNumber = Options.QueueNumber,
                MaxLength = Options.QueueMaxLength,
                FailOpenWhenFull = Options.FailOpenWhenQueueFull,
            });
            // A handler bug must not turn into a black hole (fail-closed) or a hole (fail-open) silently: it passes, and is counted.
            _queue.DefaultVerdict = PacketVerdict.Accept;
            _hooks.Install();
            _writer = _givenWriter ?? new NetlinkFlowSetWriter(_hooks.Options.TableName);
            _interfaces = new InterfaceResolver(_engine, _engineLock, Options.InterfaceMap);
            _joins = new JoinEnforcer(_engine, _engineLock, Counters, Options.DropMalformed);
            _flows = new FlowAdmitter(_engine, _engineLock, _writer, _interfaces, Counters, Options.AllowTimeout, Options.DenyTimeout,
                _engineOptions.StateTimeout <= TimeSpan.Zero ? TimeSpan.FromDays(3650) : _engineOptions.StateTimeout,
                _engineOptions.MembershipTimeout <= TimeSpan.Zero ? TimeSpan.FromDays(3650) : _engineOptions.MembershipTimeout);
        }
        catch
        {
            CleanUp();
            throw;
        }
        _stopping = false;
        _thread = new Thread(Run) { IsBackground = true, Name = $"nfqueue-{Options.QueueNumber}" };
        _thread.Start();
    }

    /// <summary>Stops the thread, removes the hooks, unbinds the queue. Safe to call twice.</summary>
    public void Stop()
    {
        _stopping = true;
        var thread = _thread;
        if (thread is not null && thread != Thread.CurrentThread)
        {
            // One receive timeout (200 ms) plus a packet's work; bounded anyway.
            thread.Join(TimeSpan.FromSeconds(10));
        }
        _thread = null;
        CleanUp();
    }

    /// <summary>Call after the engine got a new table: the flow sets are emptied, so every flow is decided again.</summary>
    public void TableChanged() => _resetFlows = true;

    private void CleanUp()
    {
        // Hooks first: no packet is queued to a queue about to go (fail-closed would drop it).
        try
        {
            _hooks.Remove();
        }
        finally
        {
            _queue?.Dispose();
            _queue = null;
            if (_givenWriter is null) _writer?.Dispose();
            _writer = null;
        }
    }

    private void Run()
    {
        var queue = _queue!;
        long nextTick = 0;
        long nextForget = 0;
        try
        {
            while (!_stopping)
            {
                queue.ReceiveOnce(Handle);
                long now = Options.Clock();
                if (_resetFlows)
                {
                    _resetFlows = false;
                    _outcomes.Clear();
                    _flows!.Reset(_outcomes);
                    Deliver();
                }
                if (now >= nextTick)
                {
                    nextTick = now + Options.TickInterval.Ticks;
                    _outcomes.Clear();
                    lock (_engineLock) _engine.Advance(now);
                    _flows!.Sweep(now, _outcomes);
                    Deliver();
                }
                if (now >= nextForget)
                {
                    // Interface indexes are reused when interfaces come and go: look names up afresh now and then.
                    nextForget = now + TimeSpan.FromSeconds(30).Ticks;
                    _interfaces!.Forget();
                }
            }
        }
        catch (Exception e)
        {
            // The thread ends; the hooks stay, so the fail mode decides until the agent restarts or stops us.
            Volatile.Write(ref _failure, e);
        }
    }

    private HandlerResult Handle(in QueuedPacket packet, Span<byte> rewrite)
    {
        _outcomes.Clear();
        long now = Options.Clock();
        HandlerResult result;
        if (!_interfaces!.TryResolve(packet.InputInterface, out var iface))
        {
            EnforcerCounters.Add(ref Counters.UnknownInterfaceCount);
            _outcomes.Problems.Add(new EnforcementProblem($"#{packet.InputInterface}", "packet from an unknown interface: passed", false));
            result = HandlerResult.Accept;
        }
        else if (IsMembershipMessage(packet.Payload))
        {
            result = Options.EnforceMemberships ? _joins!.Handle(packet, iface, rewrite, now, _outcomes) : HandlerResult.Accept;
            if (_outcomes.Memberships.Count > 0 && Options.AdmitFlows) _flows!.MembershipsChanged(_outcomes.Memberships, now, _outcomes);
        }
        else
        {
            result = Options.AdmitFlows ? _flows!.Handle(packet, iface, now, _outcomes) : HandlerResult.Accept;
        }
        Deliver();
        return result;
    }

    private void Deliver()
    {
        int errors = _outcomes.Deliver(_observer);
        if (errors > 0) Interlocked.Add(ref Counters.ObserverErrorsCount, errors);
    }

    /// <summary>IGMP, or ICMPv6 (MLD candidates; the decoder tells MLD from other ICMPv6).</summary>
    private static bool IsMembershipMessage(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 20) return false;
        return (packet[0] >> 4) switch
        {
            4 => packet[9] == Packets.IpHeader.ProtocolIgmp,
            6 => Packets.IpHeader.Parse(packet, out var ip, verifyIpv4Checksum: false) == Packets.DecodeStatus.Ok && ip.Protocol == Packets.IpHeader.ProtocolIcmpV6,
            _ => false,
        };
    }

    public void Dispose() => Stop();
}
