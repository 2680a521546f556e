using System.Net.Security;
using System.Net.Sockets;
using System.ComponentModel;
using System.Security.Authentication;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Monitoring;

namespace PolicyKit.Bmp.Station;

/// <summary>
/// One accepted connection: on a TLS port the handshake (or the strict refusal of plaintext,
/// told by the first byte: a TLS record starts 0x16, BMP v3 starts 0x03), then the read loop
/// that feeds its <see cref="RouterMonitor"/>. Whatever happens here ends this session only.
/// </summary>
internal sealed class BmpSession
{
    private const byte TlsHandshakeRecord = 0x16;

    private readonly BmpStation _station;
    private readonly BmpStation.Listener _listener;
    private readonly Socket _socket;

    public BmpSession(BmpStation station, long id, BmpStation.Listener listener, Socket socket, string remote, string local)
    {
        _station = station;
        _listener = listener;
        _socket = socket;
        Id = id;
        Remote = remote;
        Local = local;
        Monitor = new RouterMonitor(station.Table, station.Options, station, id, remote, local);
    }

    public long Id { get; }

    public string Remote { get; }

    public string Local { get; }

    public RouterMonitor Monitor { get; }

    public Task Run { get; set; } = Task.CompletedTask;

    /// <summary>Closes the socket: a pending read ends, the session closes.</summary>
    public void Abort()
    {
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
        var time = options.Time;
        Stream? stream = null;
        FileStream? record = null;
        string reason = "closed by the router";
        bool error = false;
        bool opened = false;
        try
        {
            stream = new NetworkStream(_socket, ownsSocket: true);
            if (_listener.Profile is not null)
            {
                var secured = await SecureAsync(stream, token).ConfigureAwait(false);
                if (secured is null) return;
                stream = secured;
            }
            opened = true;
            _station.Publish(new BmpSessionOpenedEvent(time.GetUtcNow(), Remote, Id, Remote, Local, Monitor.Tls, Monitor.ClientSubject));
            if (options.RecordDirectory is { } directory)
            {
                Directory.CreateDirectory(directory);
                string file = Path.Combine(directory, $"session-{Id}-{Sanitize(Remote)}.bmp");
                record = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
            }

            var buffer = new byte[options.ReadBufferSize];
            int limit = options.MaxMessageLength + options.ReadBufferSize;
            int filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One message longer than the buffer: grow up to the longest message allowed (framing rejects longer ones).
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limit));
                }
                int n = await stream.ReadAsync(buffer.AsMemory(filled), token).ConfigureAwait(false);
                if (n == 0)
                {
                    reason = Monitor.Terminated ? "terminated by the router" : "closed by the router";
                    break;
                }
                if (record is not null)
                {
                    record.Write(buffer, filled, n);
                    record.Flush(); // the recording is complete up to what was processed, even if the agent stops
                }
                filled += n;
                int used = Monitor.Consume(buffer.AsSpan(0, filled), out string? framing);
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
                    if (filled == 0 && buffer.Length > options.ReadBufferSize) buffer = new byte[options.ReadBufferSize];
                }
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
            record?.Dispose();
            try
            {
                stream?.Dispose();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
            }
            _socket.Dispose();
            _station.Closed(this);
            if (opened)
                _station.Publish(new BmpSessionClosedEvent(time.GetUtcNow(), Monitor.Router, Id, Remote, reason, error, Monitor.Messages, Monitor.Bytes));
        }
    }

    /// <summary>The TLS stream, or null when the connection was refused (reported and counted).</summary>
    private async Task<Stream?> SecureAsync(Stream stream, CancellationToken token)
    {
        var options = _station.Options;
        var profile = Volatile.Read(ref _listener.Profile)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(options.HandshakeTimeout);
        var first = new byte[1];
        int peeked;
        try
        {
            peeked = await _socket.ReceiveAsync(first, SocketFlags.Peek, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            Refuse(ref _station.TlsHandshakeFailures, "no data within the handshake timeout");
            return null;
        }
        if (peeked == 0) return null;
        if (first[0] != TlsHandshakeRecord)
        {
            if (profile.Options.Strict)
            {
                Refuse(ref _station.PlaintextRefused, "plaintext on a strict TLS port (BMP over TLS only)");
                return null;
            }
            return stream; // non-strict: plaintext BMP allowed on the TLS port
        }
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        string? refusal = null;
        try
        {
            await ssl.AuthenticateAsServerAsync(profile.ServerOptions(r => refusal = r), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or Win32Exception)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (token.IsCancellationRequested) return null;
            string why = refusal ?? (e is OperationCanceledException ? "TLS handshake timed out" : "TLS handshake failed: " + Inner(e));
            Refuse(ref _station.TlsHandshakeFailures, why);
            return null;
        }
        Monitor.SetTransport(true, ssl.RemoteCertificate?.Subject);
        return ssl;
    }

    private static string Inner(Exception e)
    {
        var messages = new List<string>();
        for (var x = e; x is not null; x = x.InnerException) messages.Add(x.Message.ReplaceLineEndings(" "));
        return string.Join(" / ", messages.Distinct());
    }

    private void Refuse(ref long counter, string reason)
    {
        Interlocked.Increment(ref counter);
        _station.Publish(new BmpConnectionRefusedEvent(_station.Options.Time.GetUtcNow(), Remote, Remote, Local, reason));
    }

    private static string Sanitize(string text) => string.Concat(text.Select(c => char.IsLetterOrDigit(c) || c == '.' ? c : '_'));
}
