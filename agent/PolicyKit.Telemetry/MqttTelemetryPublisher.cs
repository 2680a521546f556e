using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace PolicyKit.Telemetry;

/// <summary>
/// Moves telemetry messages to an MQTT broker (5 or 3.1.1) reliably: QoS 1, in order, through a
/// bounded outbox that keeps messages while the broker is away (dropping the oldest when full,
/// counted exactly) — in memory, and on disk when <see cref="MqttTelemetryOptions.OutboxDirectory"/>
/// is set — with reconnects on exponential backoff with jitter, failover across several brokers,
/// a Last Will, and an "online" message after each (re)connect. A background loop owns the connection; <see cref="Enqueue"/> may be called
/// from any thread and never blocks. Nothing here throws because the broker is away: problems
/// show in <see cref="LastError"/>, <see cref="ConnectionStateChanged"/> and the log (once per
/// distinct cause, not once per retry).
/// </summary>
/// <remarks>
/// Up to <see cref="MqttTelemetryOptions.MaxInFlight"/> messages are in flight at once (never
/// more than the broker's receive maximum), sent in outbox order on one connection, so the broker
/// sees them in order; a message leaves the outbox only after its PUBACK and every older one's.
/// A connection lost with messages in flight makes them go out again, in order, on the next
/// connection (duplicates, as QoS 1 allows); nothing is lost unless the outbox overflows.
/// </remarks>
public sealed partial class MqttTelemetryPublisher : IAsyncDisposable
{
    private static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A message whose publishing broke this many fresh connections in a row is dropped as
    /// poison (Rejected): a broker that silently closes on a message it dislikes would otherwise
    /// stall all telemetry behind it forever.
    /// </summary>
    internal const int PoisonThreshold = 5;

    private readonly MqttTelemetryOptions _options;
    private readonly ILogger _logger;
    private readonly TelemetryOutbox _outbox;
    private readonly AsyncPulse _work = new();       // pulsed by Enqueue
    private readonly AsyncPulse _progress = new();   // pulsed when the outbox shrinks or the loop ends
    private readonly CancellationTokenSource _stop = new();
    private readonly IReadOnlyList<MqttBrokerAddress> _brokers;
    private MqttBrokerAddress _broker;                // the broker of the current attempt (loop thread)
    private string _endpoint;
    private readonly Lock _errorLock = new();
    private readonly Lock _acceptLock = new();

    private Task? _loop;
    private volatile bool _accepting = true;
    private volatile bool _connected;
    private volatile bool _cleanStop;                // StopAsync: DISCONNECT normally (no Will)
    private volatile bool _disconnectedCleanly;
    private string? _lastError;
    private string? _lastLoggedProblem;
    private TlsMaterial? _tlsMaterial;          // loop thread only
    private uint? _brokerMaximumPacketSize;   // from the current CONNACK
    private int _window;                      // messages in flight at most on the current connection
    private long _suspectSequence;            // poison detection, loop thread only
    private int _suspectFailures;
    private long _recoverUntil;               // after a loss with several in flight: send these one at a time
    private bool _settled;                    // messages left the outbox since the last progress pulse (loop thread)

    public MqttTelemetryPublisher(MqttTelemetryOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        if (problems.Count > 0) throw new ArgumentException("invalid MQTT telemetry options: " + string.Join("; ", problems), nameof(options));
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _outbox = new TelemetryOutbox(options.BufferCapacity, options.OutboxDirectory is { } folder ? OutboxJournal.Open(folder) : null);
        _brokers = options.Addresses();
        _broker = _brokers[0];
        _endpoint = _broker.Endpoint;
    }

    /// <summary>How many messages may be in flight at once (the broker's receive maximum may lower it per connection).</summary>
    public int MaxInFlight => _options.MaxInFlight;

    /// <summary>Messages found in the on-disk outbox at start, accepted by an earlier run and not yet acknowledged.</summary>
    public long Recovered => _outbox.Recovered;

    /// <summary>The broker connected to, or last tried ("HOST:PORT").</summary>
    public string Broker => Volatile.Read(ref _endpoint);

    /// <summary>Raised on the publisher's loop when the connection comes up or goes down. Handlers must be quick.</summary>
    public event Action<TelemetryConnectionState>? ConnectionStateChanged;

    public bool IsConnected => _connected;

    /// <summary>Messages waiting for the broker (including the one in flight).</summary>
    public int Buffered => _outbox.Count;

    /// <summary>Messages accepted by <see cref="Enqueue"/> so far.</summary>
    public long Enqueued => _outbox.Enqueued;

    /// <summary>Messages pushed out of a full buffer before the broker acknowledged them (exact).</summary>
    public long Dropped => _outbox.Dropped;

    /// <summary>Messages the broker acknowledged (PUBACK).</summary>
    public long Published => _outbox.Published;

    /// <summary>Messages the broker refused for good (e.g. not authorized for the topic); see <see cref="LastError"/>.</summary>
    public long Rejected => _outbox.Rejected;

    /// <summary>The most recent problem as one line without secrets (kept after recovery); null if none yet.</summary>
    public string? LastError { get { lock (_errorLock) return _lastError; } }

    /// <summary>
    /// Starts the background loop and returns at once (it never waits for the broker).
    /// As with IHostedService, <paramref name="cancellationToken"/> only aborts the start: the
    /// loop runs until <see cref="StopAsync"/> or <see cref="DisposeAsync"/>, so a shutdown token
    /// passed here does not pre-empt the graceful StopAsync.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_loop is not null) throw new InvalidOperationException("the publisher is already started");
        if (!_accepting) throw new InvalidOperationException("the publisher is stopped");
        _loop = Task.Run(() => RunAsync(_stop.Token));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Queues <paramref name="message"/> for publishing (QoS 1). Returns false when it is not
    /// accepted: the publisher is stopped, or the topic is not publishable (empty, wildcard,
    /// NUL, too long). A full buffer drops its oldest message instead (see <see cref="Dropped"/>).
    /// </summary>
    public bool Enqueue(TelemetryMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (TelemetryMessage.TopicProblem(message.Topic) is { } problem)
        {
            Problem("message not queued: " + problem);
            return false;
        }
        lock (_acceptLock)   // so nothing lands behind StopAsync's final message
        {
            if (!_accepting) return false;
            _outbox.Enqueue(message);
        }
        _work.Pulse();
        return true;
    }

    /// <summary>Waits until the buffer is empty (true) or <paramref name="timeout"/> passed (false).</summary>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var progress = _progress.Next;
            if (_outbox.Count == 0) return true;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || _loop is null || _loop.IsCompleted) return false;
            await Task.WhenAny(progress, Task.Delay(left)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Graceful shutdown: stops accepting messages, queues <paramref name="final"/> last (the
    /// agent's retained "offline" status — a clean DISCONNECT suppresses the Will, so offline must
    /// be said explicitly), flushes, and disconnects cleanly, all within <paramref name="timeout"/>
    /// (plus up to 2 s for the DISCONNECT). True when everything was delivered and the
    /// disconnect was clean.
    /// </summary>
    public async Task<bool> StopAsync(TelemetryMessage? final, TimeSpan timeout)
    {
        lock (_acceptLock)
        {
            if (!_accepting) return false;
            _accepting = false;
            if (final is not null && TelemetryMessage.TopicProblem(final.Topic) is null) _outbox.Enqueue(final);
        }
        if (final is not null && TelemetryMessage.TopicProblem(final.Topic) is { } problem) Problem("final message not queued: " + problem);
        _work.Pulse();
        bool flushed = await FlushAsync(timeout).ConfigureAwait(false);
        _cleanStop = true;
        await EndLoopAsync().ConfigureAwait(false);
        return flushed && _disconnectedCleanly;
    }

    /// <summary>
    /// Ends without flushing. A live connection is closed with DISCONNECT reason 0x04
    /// ("disconnect with Will message"), so the broker publishes the Will: an agent that did not
    /// stop through <see cref="StopAsync"/> is reported offline by its Will.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _accepting = false;
        await EndLoopAsync().ConfigureAwait(false);
        _stop.Dispose();
        _outbox.Dispose();
    }

    private async Task EndLoopAsync()
    {
        try { _stop.Cancel(); } catch (ObjectDisposedException) { return; }
        if (_loop is not null) await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = new ReconnectBackoff(_options.ReconnectMin, _options.ReconnectMax);
        using var sync = _options.OutboxDirectory is null ? null : new Timer(_ => SyncOutbox(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        int next = 0;            // the broker to try next
        int failedInRound = 0;   // brokers tried without success since the last good connection
        while (!stop.IsCancellationRequested)
        {
            _broker = _brokers[next];
            Volatile.Write(ref _endpoint, _broker.Endpoint);
            next = (next + 1) % _brokers.Count;
            IMqttClient? client = null;
            var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                client = await ConnectAsync(lost, stop).ConfigureAwait(false);
                backoff.Reset();
                failedInRound = 0;
                SetConnected(true, null);
                if (_options.Online is { } online) await PublishAsync(client, online, sequence: null, stop).ConfigureAwait(false);
                await DrainAsync(client, lost.Task, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                await CloseAsync(client).ConfigureAwait(false);
                break;
            }
            catch (ConnectionProblem problem)
            {
                Problem(problem.Message);
            }
            catch (Exception unexpected)
            {
                // A bug, not a broker problem: say so, and keep the agent's telemetry alive by retrying.
                Problem("unexpected error in the MQTT publisher: " + ConnectionErrors.OneLine(unexpected.Message));
                LogUnexpected(_logger, unexpected.GetType().FullName ?? "?", unexpected.StackTrace ?? "");
            }

            if (client is not null) Abandon(client);
            bool wasConnected = _connected;
            if (_connected) SetConnected(false, LastError);
            // Fail over at once to the next broker; wait (backing off) only when every broker of
            // the round failed, so a dead node costs one connect attempt, not a backoff.
            if (!wasConnected) failedInRound++;
            else failedInRound = 1;
            try
            {
                var delay = failedInRound >= _brokers.Count || _brokers.Count == 1 ? backoff.Next(Random.Shared.NextDouble()) : TimeSpan.Zero;
                if (failedInRound >= _brokers.Count) failedInRound = 0;
                await Task.Delay(delay, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        if (_connected) SetConnected(false, null);
        _tlsMaterial?.Dispose();
        SyncOutbox();
        _progress.Pulse();
    }

    private void SyncOutbox()
    {
        try
        {
            _outbox.Sync();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Problem("the on-disk outbox cannot be synced: " + ConnectionErrors.OneLine(e.Message));
        }
    }

    private async Task<IMqttClient> ConnectAsync(TaskCompletionSource<string> lost, CancellationToken stop)
    {
        BrokerCertificateValidator? validator = null;
        var client = new MqttClientFactory().CreateMqttClient(new CoalescingClientAdapterFactory());
        try
        {
            var builder = new MqttClientOptionsBuilder()
                .WithClientId(_options.ClientId)
                .WithCleanStart(true)
                .WithKeepAlivePeriod(_options.KeepAlive)
                .WithTimeout(_options.OperationTimeout);
            if (_options.Will is { } will)
            {
                builder.WithWillTopic(will.Topic)
                    .WithWillPayload(will.Payload.ToArray())
                    .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithWillRetain(will.Retain);
            }
            validator = MqttClientSetup.Configure(builder, _broker, _options.Username, _options.Password, _options.Tls, ref _tlsMaterial);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(_options.OperationTimeout);
            MqttClientConnectResult result;
            try
            {
                result = await client.ConnectAsync(builder.Build(), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                throw new ConnectionProblem($"no answer from {_endpoint} within {_options.OperationTimeout.TotalSeconds:0.#} s");
            }
            if (result.ResultCode != MqttClientConnectResultCode.Success) throw new ConnectionProblem(ConnectionErrors.Refused(result, _options.Username is not null));
            _brokerMaximumPacketSize = result.MaximumPacketSize is > 0 ? result.MaximumPacketSize : null;
            // MQTT 5 brokers say how many QoS 1 messages they take unacknowledged (0 = not said = 65535).
            _window = Math.Min(_options.MaxInFlight, result.ReceiveMaximum is > 0 and ushort receive ? receive : 65535);

            client.DisconnectedAsync += args =>
            {
                lost.TrySetResult(DescribeLoss(args));
                return Task.CompletedTask;
            };
            if (!client.IsConnected) lost.TrySetResult($"the connection to {_endpoint} was closed by the broker");
            return client;
        }
        catch (Exception e) when (e is not ConnectionProblem && !(e is OperationCanceledException && stop.IsCancellationRequested))
        {
            Abandon(client);
            throw new ConnectionProblem(ConnectionErrors.Describe(e, _endpoint, _options.Tls is { Enabled: true }, _options.Tls?.CertFile, validator?.Failure));
        }
        catch
        {
            Abandon(client);
            throw;
        }
    }

    private string DescribeLoss(MqttClientDisconnectedEventArgs args)
    {
        if (args.Reason is not (MqttClientDisconnectReason.NormalDisconnection or MqttClientDisconnectReason.UnspecifiedError))
            return $"the broker at {_endpoint} disconnected: {args.Reason}" + (string.IsNullOrWhiteSpace(args.ReasonString) ? "" : " (" + ConnectionErrors.OneLine(args.ReasonString) + ")");
        return args.Exception is null
            ? $"the connection to {_endpoint} was closed"
            : "lost the connection: " + ConnectionErrors.Describe(args.Exception, _endpoint, _options.Tls is { Enabled: true }, _options.Tls?.CertFile, null);
    }

    /// <summary>
    /// Publishes queued messages in order until the connection is lost (throws) or the loop is
    /// stopped: keeps up to the window's worth in flight, and settles each PUBACK oldest first.
    /// PUBACKs that have already arrived are settled without waiting, and the progress signal
    /// (what <see cref="FlushAsync"/> waits for) goes once per batch, not once per message.
    /// </summary>
    private async Task DrainAsync(IMqttClient client, Task<string> lost, CancellationToken stop)
    {
        var inFlight = new Queue<(OutboxEntry Entry, Task<MqttClientPublishResult> Ack)>();
        long lastSent = 0;   // the next message to send is the oldest waiting one after this
        try
        {
            while (true)
            {
                stop.ThrowIfCancellationRequested();
                if (lost.IsCompleted) throw new ConnectionProblem(lost.Result);
                var work = _work.Next;
                while (inFlight.Count < _window && _outbox.TryGetAfter(lastSent, out var entry))
                {
                    // What was in flight when a connection broke goes again one at a time, so a
                    // message that breaks the connection every time is known (poison, below).
                    if (entry.Sequence <= _recoverUntil && inFlight.Count > 0) break;
                    lastSent = entry.Sequence;
                    if (Send(client, entry.Message, entry.Sequence) is { } ack) inFlight.Enqueue((entry, ack));
                }
                PulseProgress();
                if (inFlight.Count == 0)
                {
                    await Task.WhenAny(work, lost).WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }
                var (oldest, pending) = inFlight.Peek();
                try
                {
                    if (!pending.IsCompleted) await WaitForAckAsync(pending, stop).ConfigureAwait(false);
                    Complete(pending, oldest.Message, oldest.Sequence);
                    inFlight.Dequeue();
                    // Settle the PUBACKs that arrived meanwhile in one go (the window refills after).
                    while (inFlight.TryPeek(out var next) && next.Ack.IsCompleted)
                    {
                        (oldest, pending) = next;
                        Complete(pending, oldest.Message, oldest.Sequence);
                        inFlight.Dequeue();
                    }
                }
                // The filter runs for every lost connection; it catches only when the message is dropped.
                catch (ConnectionProblem problem) when (Broken(inFlight, problem.Message) is { } dropped)
                {
                    throw new ConnectionProblem(dropped);
                }
            }
        }
        finally
        {
            PulseProgress();
            // What is still in flight stays in the outbox and goes again on the next connection;
            // its tasks end with this connection: observe them so none is left unobserved.
            foreach (var (_, ack) in inFlight) _ = ack.ContinueWith(static t => t.Exception, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// A connection broke with <paramref name="inFlight"/> unacknowledged. With one message in
    /// flight, it is counted against that message (dropped at the threshold, with the reason
    /// returned); with several, the culprit is unknown: they are sent again one at a time.
    /// </summary>
    private string? Broken(Queue<(OutboxEntry Entry, Task<MqttClientPublishResult> Ack)> inFlight, string problem)
    {
        if (inFlight.Count > 1)
        {
            _recoverUntil = Math.Max(_recoverUntil, inFlight.Max(f => f.Entry.Sequence));
            return null;
        }
        return SuspectPoison(inFlight.Peek().Entry, problem);
    }

    /// <summary>Counts a lost connection against the message in flight; drops it (and says why) at the threshold.</summary>
    private string? SuspectPoison(OutboxEntry entry, string problem)
    {
        if (entry.Sequence != _suspectSequence)
        {
            _suspectSequence = entry.Sequence;
            _suspectFailures = 0;
        }
        if (++_suspectFailures < PoisonThreshold) return null;
        Settle(entry.Sequence, delivered: false);
        return $"a message to topic \"{entry.Message.Topic}\" was dropped: publishing it broke the connection {PoisonThreshold} times in a row ({problem})";
    }

    /// <summary>Publishes one message with QoS 1 and waits for its PUBACK (the online message; sequence null).</summary>
    private async Task PublishAsync(IMqttClient client, TelemetryMessage message, long? sequence, CancellationToken stop)
    {
        if (Send(client, message, sequence) is not { } ack) return;
        if (!ack.IsCompleted) await WaitForAckAsync(ack, stop).ConfigureAwait(false);
        Complete(ack, message, sequence);
    }

    /// <summary>
    /// Hands one QoS 1 PUBLISH to the client, which writes it after those handed before (its
    /// writer is first come, first served). Null when the message cannot be sent at all (settled
    /// as rejected, with the reason in <see cref="LastError"/>). No cancellation token: a
    /// stopping loop stops waiting for the PUBACK, and closing the client ends the task.
    /// </summary>
    private Task<MqttClientPublishResult>? Send(IMqttClient client, TelemetryMessage message, long? sequence)
    {
        // A broker closes the connection on a packet above its announced maximum; refuse it here instead.
        long size = PublishPacketSize(message);
        if (_brokerMaximumPacketSize is { } maximum && size > maximum)
        {
            Settle(sequence, delivered: false);
            Problem($"a message to topic \"{message.Topic}\" is {size} bytes, more than the broker's maximum packet size {maximum}");
            return null;
        }

        var mqttMessage = new MqttApplicationMessage
        {
            Topic = message.Topic,
            Payload = new ReadOnlySequence<byte>(message.Payload),
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
            Retain = message.Retain,
        };
        try
        {
            return client.PublishAsync(mqttMessage, CancellationToken.None);
        }
        catch (Exception e) when (IsConnectionFailure(e) || e is MqttClientNotConnectedException)
        {
            return Task.FromException<MqttClientPublishResult>(e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The client library refused this one message (e.g. larger than the broker allows):
            // it would fail the same way forever, so it must not block the queue.
            Settle(sequence, delivered: false);
            Problem($"a message to topic \"{message.Topic}\" cannot be published: {ConnectionErrors.OneLine(e.Message)}");
            return null;
        }
    }

    /// <summary>Waits (bounded) for one message's PUBACK to arrive or fail; no answer in time throws <see cref="ConnectionProblem"/>.</summary>
    private async Task WaitForAckAsync(Task<MqttClientPublishResult> ack, CancellationToken stop)
    {
        // Ends with the PUBACK task, the timeout or the stop; which one is told by what is left.
        await ((Task)ack).WaitAsync(_options.OperationTimeout, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stop.ThrowIfCancellationRequested();
        if (!ack.IsCompleted) throw new ConnectionProblem($"no PUBACK from {_endpoint} within {_options.OperationTimeout.TotalSeconds:0.#} s");
    }

    /// <summary>Settles one message whose PUBACK task has ended; a lost connection throws <see cref="ConnectionProblem"/>.</summary>
    private void Complete(Task<MqttClientPublishResult> ack, TelemetryMessage message, long? sequence)
    {
        if (!ack.IsCompletedSuccessfully)
        {
            var e = ack.Exception?.InnerException ?? new OperationCanceledException();
            if (IsConnectionFailure(e) || e is MqttClientNotConnectedException)
                throw new ConnectionProblem("lost the connection: " + ConnectionErrors.Describe(e, _endpoint, _options.Tls is { Enabled: true }, _options.Tls?.CertFile, null));
            if (e is OperationCanceledException)
                throw new ConnectionProblem($"no PUBACK from {_endpoint} within {_options.OperationTimeout.TotalSeconds:0.#} s");
            Settle(sequence, delivered: false);
            Problem($"a message to topic \"{message.Topic}\" cannot be published: {ConnectionErrors.OneLine(e.Message)}");
            return;
        }

        var result = ack.Result;
        if (result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers)
        {
            Settle(sequence, delivered: true);
        }
        else
        {
            Settle(sequence, delivered: false);
            Problem($"the broker refused a message to topic \"{message.Topic}\": {result.ReasonCode}"
                + (string.IsNullOrWhiteSpace(result.ReasonString) ? "" : " (" + ConnectionErrors.OneLine(result.ReasonString) + ")"));
        }
    }

    /// <summary>Bytes of the MQTT 5 PUBLISH packet we send for <paramref name="message"/> (QoS 1, no properties).</summary>
    internal static long PublishPacketSize(TelemetryMessage message)
    {
        long remaining = 2 + System.Text.Encoding.UTF8.GetByteCount(message.Topic) + 2 + 1 + message.Payload.Length;
        int lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
        return 1 + lengthBytes + remaining;
    }

    private void Settle(long? sequence, bool delivered)
    {
        if (sequence is not { } seq) return;
        if (delivered) _outbox.Acknowledge(seq); else _outbox.Reject(seq);
        _settled = true;
    }

    /// <summary>Wakes <see cref="FlushAsync"/> when messages left the outbox since the last pulse (loop thread).</summary>
    private void PulseProgress()
    {
        if (!_settled) return;
        _settled = false;
        _progress.Pulse();
    }

    private static bool IsConnectionFailure(Exception e) =>
        e is MqttCommunicationException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException
        || e.InnerException is { } inner && IsConnectionFailure(inner);

    /// <summary>On stop: DISCONNECT normally (StopAsync, no Will) or with reason 0x04 (dispose: the broker sends the Will).</summary>
    private async Task CloseAsync(IMqttClient? client)
    {
        if (client is null) return;
        try
        {
            if (client.IsConnected && !_cleanStop && _broker.Protocol == MqttProtocol.V311)
            {
                // MQTT 3.1.1 has no "disconnect with Will": closing without DISCONNECT makes the broker send it.
                Abandon(client);
                return;
            }
            if (client.IsConnected)
            {
                var reason = _cleanStop ? MqttClientDisconnectOptionsReason.NormalDisconnection : MqttClientDisconnectOptionsReason.DisconnectWithWillMessage;
                using var timeout = new CancellationTokenSource(DisconnectTimeout);
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(reason).Build(), timeout.Token).ConfigureAwait(false);
                _disconnectedCleanly = _cleanStop;
                LogStopped(_logger, _endpoint);
            }
        }
        catch (Exception e)
        {
            Problem("disconnecting: " + ConnectionErrors.Describe(e, _endpoint, false, null, null));
        }
        finally
        {
            client.Dispose();
        }
    }

    // Closing without DISCONNECT: the broker treats it as a lost connection (and sends the Will).
    private static void Abandon(IMqttClient client)
    {
        try { client.Dispose(); } catch (Exception) { /* already broken; nothing more to release */ }
    }

    private void SetConnected(bool connected, string? error)
    {
        _connected = connected;
        if (connected)
        {
            lock (_errorLock) _lastLoggedProblem = null;
            LogConnected(_logger, _endpoint, _options.ClientId, MqttBrokerAddress.Name(_broker.Protocol), _window);
        }
        try
        {
            ConnectionStateChanged?.Invoke(new TelemetryConnectionState(connected, error));
        }
        catch (Exception e)
        {
            LogHandlerFailed(_logger, ConnectionErrors.OneLine(e.Message));
        }
    }

    /// <summary>Records a problem; logs it only when it differs from the last one logged (no log flood while retrying).</summary>
    private void Problem(string text)
    {
        text = Redact(text);
        bool log;
        lock (_errorLock)
        {
            _lastError = text;
            log = text != _lastLoggedProblem;
            _lastLoggedProblem = text;
        }
        if (log) LogProblem(_logger, text);
    }

    // Defence in depth: no text we keep or log may carry the password, whatever a library put in it.
    private string Redact(string text) =>
        string.IsNullOrEmpty(_options.Password) ? text : text.Replace(_options.Password, "***", StringComparison.Ordinal);

    /// <summary>Thrown inside the loop with a one-line description; never leaves the publisher.</summary>
    private sealed class ConnectionProblem(string message) : Exception(message);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT telemetry connected to {Endpoint} as {ClientId} (MQTT {Protocol}, up to {Window} in flight)")]
    private static partial void LogConnected(ILogger logger, string endpoint, string clientId, string protocol, int window);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT telemetry: {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT telemetry disconnected from {Endpoint}")]
    private static partial void LogStopped(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT telemetry: a connection-state handler failed: {Error}")]
    private static partial void LogHandlerFailed(ILogger logger, string error);

    // The type and stack only: the message was already logged, redacted, as a problem.
    [LoggerMessage(Level = LogLevel.Error, Message = "MQTT telemetry: unexpected {ExceptionType} (a bug); retrying. {StackTrace}")]
    private static partial void LogUnexpected(ILogger logger, string exceptionType, string stackTrace);
}
