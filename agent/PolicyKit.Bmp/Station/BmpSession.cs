using System.Buffers;
using System.Buffers.Binary;
using System.ComponentModel;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Monitoring;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Station;

/// <summary>
/// One accepted connection, from accept to close. While <i>pending</i> it costs a small pooled
/// buffer and a timer: on a TLS port the handshake (or the strict refusal of plaintext, told by
/// the first byte: a TLS record starts 0x16, BMP v3 starts 0x03) within
/// <see cref="BmpStationOptions.HandshakeTimeout"/>, then a complete first BMP message — an
/// Initiation (RFC 7854 §4.3: it MUST come first) of at most <see cref="MaxFirstMessage"/> bytes —
/// within <see cref="BmpStationOptions.FirstMessageTimeout"/>. Only then does the station make it
/// a session (a slot, a <see cref="RouterMonitor"/>, a full read buffer rented from the pool) and
/// the read loop feeds the monitor, closing the session after
/// <see cref="BmpStationOptions.IdleTimeout"/> of silence. Whatever happens here ends this
/// connection only.
/// </summary>
internal sealed class BmpSession
{
    /// <summary>The longest first message (an Initiation: a few TLVs of text) a pending connection may send.</summary>
    public const int MaxFirstMessage = 64 * 1024;

    private const byte TlsHandshakeRecord = 0x16;
    private const int PendingBuffer = 4096;

    private readonly BmpStation _station;
    private readonly BmpStation.Listener _listener;
    private readonly Socket _socket;
    private int _aborted;

    public BmpSession(BmpStation station, long id, BmpStation.Listener listener, Socket socket, IPAddress source, string remote, string local, long accepted)
    {
        Accepted = accepted;
        _station = station;
        _listener = listener;
        _socket = socket;
        Id = id;
        Source = source;
        Remote = remote;
        Local = local;
    }

    public long Id { get; }

    /// <summary>When it was accepted (station ticks).</summary>
    public long Accepted { get; }

    /// <summary>The connection's source address (limits per source count by it).</summary>
    public IPAddress Source { get; }

    public string Remote { get; }

    public string Local { get; }

    /// <summary>Set once the connection is a session; released when it closed (its RIB is garbage then).</summary>
    public RouterMonitor? Monitor { get; private set; }

    public void ReleaseMonitor() => Monitor = null;

    public Task Run { get; set; } = Task.CompletedTask;

    /// <summary>
    /// How far a pending connection got: 0 nothing received, 1 bytes received (a ClientHello or an
    /// Initiation under way), 2 the station answered a complete ClientHello, 3 TLS done. The station
    /// makes room by dropping stalled, idle and partly-sent connections, never answered or done ones.
    /// </summary>
    public int Progress => Volatile.Read(ref _progress);

    private int _progress;

    /// <summary>Whether the client has sent bytes not read yet (the kernel's count; false once closed).</summary>
    public bool HasData
    {
        get
        {
            try
            {
                return _socket.Available > 0;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }
    }

    internal void Advanced(int stage)
    {
        if (Volatile.Read(ref _progress) < stage) Volatile.Write(ref _progress, stage);
    }

    /// <summary>Why the station aborted it (evicted while pending, the station stopping), or null.</summary>
    public string? AbortReason { get; private set; }

    /// <summary>Closes the socket: a pending read ends, the connection closes.</summary>
    public void Abort(string reason)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0) return;
        AbortReason = reason;
        try
        {
            _socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async Task RunAsync(CancellationToken token)
    {
        var options = _station.Options;
        Stream? stream = null;
        byte[]? first = null;
        int firstLength = 0;
        try
        {
            _socket.NoDelay = true;
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            stream = new NetworkStream(_socket, ownsSocket: true);
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(token))
            {
                deadline.CancelAfter(options.HandshakeTimeout);
                if (_listener.Profile is not null)
                {
                    stream = await SecureAsync(stream, deadline.Token, token).ConfigureAwait(false);
                    if (stream is null) return;
                }
                deadline.CancelAfter(options.FirstMessageTimeout);
                (first, firstLength) = await ReadFirstMessageAsync(stream, deadline.Token, token).ConfigureAwait(false);
                if (first is null) return;
            }
            Monitor = new RouterMonitor(_station.Table, options, _station, Id, Remote, Local, stream is SslStream, _tlsSubject, _station.Origins);
            if (!_station.Promote(this)) return;
            await SessionAsync(stream, first, firstLength, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Pending and dropped: evicted, the station stopping, or the client gone. Counted where the cause is known.
            if (AbortReason is null && !token.IsCancellationRequested) _station.CountPendingLost();
        }
#pragma warning disable CA1031 // a bug in one connection must not take the station down: reported, the connection closed
        catch (Exception e)
        {
            _station.Refuse(this, "internal", $"internal error {e.GetType().Name}: {e.Message}", ref _station.InternalErrors);
        }
#pragma warning restore CA1031
        finally
        {
            if (first is not null) ArrayPool<byte>.Shared.Return(first);
            try
            {
                stream?.Dispose();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
            }
            _socket.Dispose();
            _station.Closed(this);
        }
    }

    private string? _tlsSubject;

    /// <summary>The session proper: the first message, then read, feed, repeat; the reason it ended goes in the closed event.</summary>
    private async Task SessionAsync(Stream stream, byte[] first, int firstLength, CancellationToken token)
    {
        var options = _station.Options;
        var monitor = Monitor!;
        var time = options.Time;
        FileStream? record = null;
        string reason = "closed by the router";
        bool error = false;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(options.ReadBufferSize, firstLength));
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(token);
        try
        {
            if (options.RecordDirectory is { } directory)
            {
                Directory.CreateDirectory(directory);
                string file = Path.Combine(directory, $"session-{Id}-{Sanitize(Remote)}.bmp");
                record = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
            }
            Buffer.BlockCopy(first, 0, buffer, 0, firstLength);
            int filled = firstLength;
            Record(record, buffer, 0, filled);
            int limit = options.MaxMessageLength + options.ReadBufferSize;
            while (true)
            {
                int used = monitor.Consume(buffer.AsSpan(0, filled), out string? framing);
                if (framing is not null)
                {
                    Interlocked.Increment(ref _station.FramingErrors);
                    reason = "framing lost: " + framing;
                    error = true;
                    break;
                }
                if (used > 0)
                {
                    Buffer.BlockCopy(buffer, used, buffer, 0, filled - used);
                    filled -= used;
                    if (filled == 0 && buffer.Length > options.ReadBufferSize * 2)
                    {
                        // A long message grew the buffer: give the big one back.
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(options.ReadBufferSize);
                    }
                }
                if (filled == buffer.Length)
                {
                    // One message longer than the buffer: grow up to the longest message allowed (framing rejects longer ones).
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit));
                    Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                if (options.IdleTimeout > TimeSpan.Zero) idle.CancelAfter(options.IdleTimeout);
                int n;
                try
                {
                    n = await stream.ReadAsync(buffer.AsMemory(filled), idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    reason = $"idle for {options.IdleTimeout.TotalSeconds:0} s (no BMP message; enable the router's statistics reports)";
                    error = true;
                    Interlocked.Increment(ref _station.IdleClosed);
                    break;
                }
                if (n == 0)
                {
                    reason = monitor.Terminated ? "terminated by the router" : "closed by the router";
                    break;
                }
                Record(record, buffer, filled, n);
                filled += n;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            reason = token.IsCancellationRequested ? "station stopping" : "connection lost: " + e.Message.ReplaceLineEndings(" ");
        }
#pragma warning disable CA1031 // a bug in one session must not take the station down: reported, the session closed
        catch (Exception e)
        {
            reason = $"internal error {e.GetType().Name}: {e.Message}";
            error = true;
        }
#pragma warning restore CA1031
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            record?.Dispose();
            _station.PublishEssential(new BmpSessionClosedEvent(time.GetUtcNow(), monitor.Router, Id, Remote, reason, error, monitor.Messages, monitor.Bytes));
        }
    }

    /// <summary>Appends what was read to the recording, flushed: complete up to what was processed, even if the agent stops.</summary>
    private static void Record(FileStream? record, byte[] buffer, int offset, int count)
    {
        if (record is null) return;
        record.Write(buffer, offset, count);
        record.Flush();
    }

    /// <summary>
    /// Reads the first BMP message into a pooled buffer: a valid common header of an Initiation no
    /// longer than <see cref="MaxFirstMessage"/>, then its body. Null (refused, counted) otherwise.
    /// Reads only what the header announces, so nothing of the session is consumed early.
    /// </summary>
    private async Task<(byte[]? Buffer, int Length)> ReadFirstMessageAsync(Stream stream, CancellationToken deadline, CancellationToken stop)
    {
        var pool = ArrayPool<byte>.Shared;
        byte[] buffer = pool.Rent(PendingBuffer);
        int filled = 0;
        int length = BmpWire.CommonHeaderLength;
        try
        {
            while (filled < length)
            {
                int n;
                try
                {
                    n = await stream.ReadAsync(buffer.AsMemory(filled, length - filled), deadline).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested && AbortReason is null)
                {
                    _station.Refuse(this, "first-message-timeout", $"no complete BMP Initiation within {_station.Options.FirstMessageTimeout.TotalSeconds:0} s ({filled} bytes received)", ref _station.FirstMessageFailures);
                    pool.Return(buffer);
                    return (null, 0);
                }
                if (n == 0)
                {
                    _station.CountPendingLost();
                    pool.Return(buffer);
                    return (null, 0);
                }
                Advanced(1);
                filled += n;
                if (filled == BmpWire.CommonHeaderLength && length == BmpWire.CommonHeaderLength)
                {
                    string? problem = CheckFirstHeader(buffer, out length);
                    if (problem is not null)
                    {
                        _station.Refuse(this, "first-message-invalid", problem, ref _station.FirstMessageFailures);
                        pool.Return(buffer);
                        return (null, 0);
                    }
                    if (length > buffer.Length)
                    {
                        var bigger = pool.Rent(length);
                        Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
                        pool.Return(buffer);
                        buffer = bigger;
                    }
                }
            }
            return (buffer, filled);
        }
        catch
        {
            pool.Return(buffer);
            throw;
        }
    }

    /// <summary>Null when the header opens a BMP v3 Initiation of a length a pending connection may send; else why not.</summary>
    internal static string? CheckFirstHeader(ReadOnlySpan<byte> header, out int length)
    {
        length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(header[1..]), int.MaxValue);
        if (header[0] == TlsHandshakeRecord) return "a TLS handshake on a plain BMP port";
        if (header[0] != BmpWire.Version) return $"not BMP: version {header[0]}, expected 3";
        if (header[5] != (byte)BmpMessageType.Initiation) return $"the first message is type {header[5]}, not an Initiation (RFC 7854 §4.3)";
        if (length < BmpWire.CommonHeaderLength || length > MaxFirstMessage) return $"an Initiation of {length} bytes (at most {MaxFirstMessage})";
        return null;
    }

    /// <summary>The TLS stream, or null when the connection was refused (reported and counted).</summary>
    private async Task<Stream?> SecureAsync(Stream stream, CancellationToken deadline, CancellationToken stop)
    {
        var profile = Volatile.Read(ref _listener.Profile)!;
        var first = new byte[1];
        int peeked;
        try
        {
            peeked = await _socket.ReceiveAsync(first, SocketFlags.Peek, deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested && AbortReason is null)
        {
            _station.Refuse(this, "tls-handshake-timeout", "no data within the handshake timeout", ref _station.TlsHandshakeFailures);
            return null;
        }
        if (peeked == 0)
        {
            _station.CountPendingLost();
            return null;
        }
        Advanced(1);
        if (first[0] != TlsHandshakeRecord)
        {
            if (profile.Options.Strict)
            {
                _station.Refuse(this, "plaintext-on-tls-port", "plaintext on a strict TLS port (BMP over TLS only)", ref _station.PlaintextRefused);
                return null;
            }
            return stream; // non-strict: plaintext BMP allowed on the TLS port
        }
        var ssl = new SslStream(new AnsweredStream(stream, () => Advanced(2)), leaveInnerStreamOpen: false);
        string? refusal = null;
        try
        {
            await ssl.AuthenticateAsServerAsync(profile.ServerOptions(r => refusal = r), deadline).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or Win32Exception or ObjectDisposedException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (stop.IsCancellationRequested || AbortReason is not null) return null;
            bool timedOut = e is OperationCanceledException;
            string why = refusal ?? (timedOut ? "TLS handshake timed out" : "TLS handshake failed: " + Inner(e));
            _station.Refuse(this, refusal is not null ? "tls-client-certificate" : timedOut ? "tls-handshake-timeout" : "tls-handshake-failed", why, ref _station.TlsHandshakeFailures);
            return null;
        }
        _tlsSubject = ssl.RemoteCertificate?.Subject;
        Advanced(3);
        return ssl;
    }

    private static string Inner(Exception e)
    {
        var messages = new List<string>();
        for (var x = e; x is not null; x = x.InnerException) messages.Add(x.Message.ReplaceLineEndings(" "));
        return string.Join(" / ", messages.Distinct());
    }

    private static string Sanitize(string text) => string.Concat(text.Select(c => char.IsLetterOrDigit(c) || c == '.' ? c : '_'));
}
