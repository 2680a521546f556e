using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;
using MQTTnet.Exceptions;

namespace PolicyKit.Telemetry;

/// <summary>
/// An MQTT channel over another one (MQTTnet's TCP or TLS channel) that lets one system call
/// carry many packets. MQTTnet writes every packet with its own socket write (two with packet
/// fragmentation) and reads every PUBACK with two or three socket reads; with hundreds of
/// messages in flight those system calls, each a loopback TCP segment, were most of the
/// publisher's CPU (issue 17).
/// <list type="bullet">
/// <item>Writes are copied into a pending buffer and handed to one writer, which writes
/// everything pending in one write to the inner channel; what arrives while that write is in the
/// kernel goes in the next one. A complete packet is never held back waiting for more: the
/// writer is started as soon as a packet is complete and nothing is being written.</item>
/// <item>Reads fill a buffer with whatever the inner channel has (many PUBACKs at once), and
/// MQTTnet's small reads (a 2-byte fixed header, a 2-byte PUBACK body) are served from it.</item>
/// </list>
/// Order is kept: bytes go out in the order they were handed in. A failed write fails every later
/// write and read with the same cause and closes the inner channel, so the client sees a lost
/// connection (as it would have on its own write). Pending bytes are bounded: past
/// <see cref="HighWater"/> a write waits until the writer has taken them. A DISCONNECT is the
/// last packet: its write returns only when it has reached the inner channel, so a failure to
/// send it is the sender's to see, as before.
/// </summary>
internal sealed class CoalescingChannel : IMqttChannel
{
    /// <summary>Pending bytes above which a write waits for the writer (a broker that stopped reading must not grow memory without bound).</summary>
    internal const int HighWater = 1 << 20;

    private const int ReadBufferSize = 16 * 1024;
    private const byte DisconnectPacketType = 14;  // MQTT control packet type in the first byte's high nibble

    // MQTTnet reads a PUBACK as 2 + 2 bytes: completed tasks for small counts, shared, allocate nothing.
    private static readonly Task<int>[] SmallCounts = [.. Enumerable.Range(0, 17).Select(Task.FromResult)];

    private readonly IMqttChannel _inner;
    private readonly Lock _gate = new();
    private byte[] _pending = new byte[4096];   // bytes handed in, not yet taken by the writer
    private int _pendingLength;
    private byte[] _writing = new byte[4096];   // the writer's batch (swapped with _pending)
    private bool _writerRunning;
    private Task _writer = Task.CompletedTask;
    private TaskCompletionSource? _room;        // writes waiting for the pending buffer to drain
    private Exception? _failure;                // the first write failure; every later operation fails with it
    private bool _disposed;
    private bool _atPacketStart = true;         // the next write begins a packet (its first byte is the packet type)

    private readonly byte[] _readBuffer = new byte[ReadBufferSize];
    private int _readOffset;                    // reader only (MQTTnet reads from one loop)
    private int _readLength;

    public CoalescingChannel(IMqttChannel inner)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    }

    public X509Certificate2 ClientCertificate => _inner.ClientCertificate;
    public EndPoint RemoteEndPoint => _inner.RemoteEndPoint;
    public EndPoint LocalEndPoint => _inner.LocalEndPoint;
    public bool IsSecureConnection => _inner.IsSecureConnection;

    /// <summary>Writes to the inner channel so far (for tests: how many packets shared a write).</summary>
    internal long InnerWrites => Interlocked.Read(ref _innerWrites);
    private long _innerWrites;

    /// <summary>Reads from the inner channel so far (for tests: how many packets shared a read).</summary>
    internal long InnerReads { get; private set; }

    public Task ConnectAsync(CancellationToken cancellationToken) => _inner.ConnectAsync(cancellationToken);

    /// <summary>Lets the writer finish what was handed in (the DISCONNECT packet among it), then disconnects the inner channel.</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        await WhenWrittenAsync(cancellationToken).ConfigureAwait(false);
        await _inner.DisconnectAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
    {
        bool disconnect;
        lock (_gate)
        {
            if (_failure is { } failure) return Task.FromException(Failed(failure));
            if (_disposed) return Task.FromException(new MqttCommunicationException("The TCP connection is closed."));
            disconnect = _atPacketStart && isEndOfPacket && !buffer.FirstSpan.IsEmpty && buffer.FirstSpan[0] >> 4 == DisconnectPacketType;
            _atPacketStart = isEndOfPacket;
            Append(buffer);
            if (!isEndOfPacket) return Task.CompletedTask;   // the rest of the packet follows at once
            if (!_writerRunning)
            {
                _writerRunning = true;
                _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
            }
            if (disconnect) return WhenWrittenAsync(cancellationToken);
            if (_pendingLength < HighWater) return Task.CompletedTask;
            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _room.Task.WaitAsync(cancellationToken);
        }
    }

    public Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        if (_readOffset < _readLength)
        {
            int n = CopyBuffered(buffer, offset, count);
            return n < SmallCounts.Length ? SmallCounts[n] : Task.FromResult(n);
        }
        return FillAndReadAsync(buffer, offset, count, cancellationToken);
    }

    public void Dispose()
    {
        TaskCompletionSource? room;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            room = _room;
            _room = null;
        }
        room?.TrySetException(new MqttCommunicationException("The TCP connection is closed."));
        _inner.Dispose();
    }

    private async Task<int> FillAndReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        int read;
        InnerReads++;
        try
        {
            // A large body goes straight into the caller's buffer: nothing to gain from a copy.
            read = count >= _readBuffer.Length
                ? await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false)
                : await _inner.ReadAsync(_readBuffer, 0, _readBuffer.Length, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (WriteFailure() is { } failure)
        {
            throw Failed(failure);   // the read broke because a write did: say why
        }
        if (read == 0)
        {
            if (WriteFailure() is { } failure) throw Failed(failure);
            return 0;
        }
        if (count >= _readBuffer.Length) return read;
        _readOffset = 0;
        _readLength = read;
        return CopyBuffered(buffer, offset, count);
    }

    private int CopyBuffered(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(count, _readLength - _readOffset);
        Buffer.BlockCopy(_readBuffer, _readOffset, buffer, offset, n);
        _readOffset += n;
        return n;
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            int length;
            TaskCompletionSource? room;
            lock (_gate)
            {
                if (_pendingLength == 0 || _failure is not null || _disposed)
                {
                    _writerRunning = false;
                    return;
                }
                (_pending, _writing) = (_writing, _pending);
                length = _pendingLength;
                _pendingLength = 0;
                room = _room;
                _room = null;
            }
            room?.TrySetResult();
            try
            {
                Interlocked.Increment(ref _innerWrites);
                await _inner.WriteAsync(new ReadOnlySequence<byte>(_writing, 0, length), true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Fail(e);
                return;
            }
        }
    }

    /// <summary>Completes when everything handed in so far has been written (or the channel failed: then throws the cause).</summary>
    private async Task WhenWrittenAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task writer;
            lock (_gate)
            {
                if (_failure is { } failure) throw Failed(failure);
                if (!_writerRunning) return;
                writer = _writer;
            }
            await writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Fail(Exception e)
    {
        TaskCompletionSource? room;
        lock (_gate)
        {
            _failure ??= e;
            _writerRunning = false;
            room = _room;
            _room = null;
        }
        room?.TrySetException(Failed(e));
        // Close the socket: the client's receive loop ends, and it reports the connection lost
        // (with this cause, from ReadAsync) and fails every PUBLISH waiting for its PUBACK.
        _inner.Dispose();
    }

    private Exception? WriteFailure()
    {
        lock (_gate) return _failure;
    }

    private static MqttCommunicationException Failed(Exception cause) => new(cause);

    private void Append(ReadOnlySequence<byte> buffer)
    {
        int needed = _pendingLength + (int)buffer.Length;
        if (needed > _pending.Length)
        {
            var grown = new byte[Math.Max(needed, _pending.Length * 2)];
            Buffer.BlockCopy(_pending, 0, grown, 0, _pendingLength);
            _pending = grown;
        }
        buffer.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength = needed;
    }
}
