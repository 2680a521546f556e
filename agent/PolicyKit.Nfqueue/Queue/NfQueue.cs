using System.Buffers.Binary;
using PolicyKit.Nfqueue.Netlink;

namespace PolicyKit.Nfqueue.Queue;

/// <summary>Counters of one queue (read from any thread; written only by the receiving thread).</summary>
public sealed class NfQueueCounters
{
    internal long ReceivedCount, AcceptedCount, DroppedCount, RewrittenCount, MalformedCount, OverrunCount, HandlerErrorCount, KernelErrorCount;

    public long Received => Volatile.Read(ref ReceivedCount);

    public long Accepted => Volatile.Read(ref AcceptedCount);

    public long Dropped => Volatile.Read(ref DroppedCount);

    /// <summary>Packets accepted with a new payload.</summary>
    public long Rewritten => Volatile.Read(ref RewrittenCount);

    /// <summary>Queue messages that could not be read (no verdict possible or given by default).</summary>
    public long Malformed => Volatile.Read(ref MalformedCount);

    /// <summary>Times the socket buffer overflowed (the kernel dropped messages).</summary>
    public long Overruns => Volatile.Read(ref OverrunCount);

    /// <summary>Handler exceptions (the packet then got the default verdict).</summary>
    public long HandlerErrors => Volatile.Read(ref HandlerErrorCount);

    /// <summary>Errors the kernel sent back (for a verdict, typically an unknown packet id).</summary>
    public long KernelErrors => Volatile.Read(ref KernelErrorCount);
}

/// <summary>
/// An NFQUEUE consumer over a raw netlink socket: binds one queue (copy mode packet, copy range,
/// queue max length, fail-open flag), receives queued packets with their interfaces, and gives
/// each a verdict, optionally with a replacement payload. One thread receives (<see cref="ReceiveOnce"/>);
/// verdicts are sent from that thread. Disposing unbinds the queue (packets still waiting for a
/// verdict are then dropped by the kernel).
/// </summary>
public sealed class NfQueue : IDisposable
{
    private const int AF_UNSPEC = 0;

    private readonly NetlinkSocket _socket;
    private readonly byte[] _receive;
    private readonly byte[] _send;
    private readonly byte[] _rewrite;
    private uint _sequence;
    private bool _disposed;

    private NfQueue(NfQueueOptions options, NetlinkSocket socket)
    {
        Options = options;
        _socket = socket;
        _receive = new byte[options.CopyRange + 8192];
        _send = new byte[options.CopyRange + 512];
        _rewrite = new byte[options.CopyRange + 512];
    }

    public NfQueueOptions Options { get; }

    public ushort QueueNumber => Options.QueueNumber;

    public NfQueueCounters Counters { get; } = new();

    /// <summary>What a packet gets when the handler throws or the message cannot be read but has an id.</summary>
    public PacketVerdict DefaultVerdict { get; set; } = PacketVerdict.Accept;

    /// <summary>
    /// Opens a netlink socket and binds queue <see cref="NfQueueOptions.QueueNumber"/>. Fails with a
    /// <see cref="NetlinkException"/> naming the cause: EPERM (another program holds this queue number,
    /// or no root/CAP_NET_ADMIN).
    /// </summary>
    public static NfQueue Open(NfQueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var socket = NetlinkSocket.Open(receiveBufferBytes: options.ReceiveBufferBytes);
        try
        {
            socket.SetNoEnobufs(true);
            socket.SetReceiveTimeout(options.ConfigTimeout);
            var queue = new NfQueue(options, socket);
            queue.Bind();
            socket.SetReceiveTimeout(options.ReceiveTimeout);
            return queue;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Bind()
    {
        Span<byte> buffer = stackalloc byte[256];
        var w = new NetlinkWriter(buffer);
        uint first = ++_sequence;
        ushort type = (ushort)(Nl.SubsysQueue << 8 | Nfq.MsgConfig);

        w.BeginMessage(type, Nl.FRequest | Nl.FAck, first, AF_UNSPEC, QueueNumber);
        Span<byte> cmd = stackalloc byte[4];
        cmd[0] = Nfq.CmdBind;
        cmd[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(cmd[2..], 0);
        w.Attribute(Nfq.CfgCmd, cmd);
        w.EndMessage();

        w.BeginMessage(type, Nl.FRequest | Nl.FAck, ++_sequence, AF_UNSPEC, QueueNumber);
        Span<byte> parameters = stackalloc byte[5];   // struct nfqnl_msg_config_params is packed: be32 range, u8 mode
        BinaryPrimitives.WriteUInt32BigEndian(parameters, (uint)Options.CopyRange);
        parameters[4] = Nfq.CopyPacket;
        w.Attribute(Nfq.CfgParams, parameters);
        w.AttributeBigEndian32(Nfq.CfgQueueMaxLen, (uint)Options.MaxLength);
        w.AttributeBigEndian32(Nfq.CfgFlags, Options.FailOpenWhenFull ? Nfq.FlagFailOpen : 0);
        w.AttributeBigEndian32(Nfq.CfgMask, Nfq.FlagFailOpen);
        w.EndMessage();

        try
        {
            NetlinkTransaction.Execute(_socket, w.Written, first, 2, _receive, $"bind NFQUEUE {QueueNumber}", Options.ConfigTimeout);
        }
        catch (NetlinkException e) when (e.Errno == 1)
        {
            // The kernel answers EPERM both without CAP_NET_ADMIN and when another socket owns the queue.
            throw new NetlinkException($"bind NFQUEUE {QueueNumber}", e.Errno,
                "another program (another mpol-agent?) holds this queue number, or this process lacks root/CAP_NET_ADMIN");
        }
    }

    /// <summary>
    /// Waits up to the receive timeout for queued packets and gives each the handler's verdict.
    /// Returns how many packets were handled (0 after a timeout). Must be called from one thread.
    /// </summary>
    public int ReceiveOnce(PacketHandler handler)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var status = _socket.Receive(_receive, out int length);
        if (status == ReceiveStatus.Timeout) return 0;
        if (status == ReceiveStatus.Overrun)
        {
            Counters.OverrunCount++;
            return 0;
        }
        int handled = 0;
        var reader = new NetlinkMessageReader(_receive.AsSpan(0, length));
        while (reader.TryRead(out var message))
        {
            if (message.Type == Nl.Error)
            {
                if (message.TryGetError(out int error) && error != 0) Counters.KernelErrorCount++;
                continue;
            }
            var parsed = QueuedPacketParser.Parse(message, out var packet);
            if (parsed == PacketParseStatus.NotAPacket) continue;
            if (parsed != PacketParseStatus.Ok)
            {
                Counters.MalformedCount++;
                continue;
            }
            Counters.ReceivedCount++;
            handled++;
            HandlerResult result;
            try
            {
                result = handler(packet, _rewrite);
            }
            catch (Exception)
            {
                // A bug in a handler must not stall the queue: the packet gets the default verdict.
                Counters.HandlerErrorCount++;
                result = new HandlerResult(DefaultVerdict);
            }
            if (result.RewrittenLength > _rewrite.Length) result = new HandlerResult(DefaultVerdict);
            var replacement = result.RewrittenLength >= 0 ? _rewrite.AsSpan(0, result.RewrittenLength) : default;
            SetVerdict(packet.Id, result.Verdict, replacement, result.RewrittenLength >= 0);
        }
        if (reader.Malformed) Counters.MalformedCount++;
        return handled;
    }

    /// <summary>
    /// Gives packet <paramref name="id"/> a verdict; with <paramref name="replace"/> the packet continues
    /// with <paramref name="payload"/> instead of its own bytes (the IP packet, checksums already right).
    /// Sent without an ACK: a kernel error comes back later and is counted in <see cref="NfQueueCounters.KernelErrors"/>.
    /// </summary>
    public void SetVerdict(uint id, PacketVerdict verdict, ReadOnlySpan<byte> payload = default, bool replace = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var w = new NetlinkWriter(_send);
        w.BeginMessage((ushort)(Nl.SubsysQueue << 8 | Nfq.MsgVerdict), Nl.FRequest, ++_sequence, AF_UNSPEC, QueueNumber);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)verdict);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], id);
        w.Attribute(Nfq.VerdictHdr, header);
        if (replace) w.Attribute(Nfq.Payload, payload);
        w.EndMessage();
        _socket.Send(w.Written);
        switch (verdict)
        {
            case PacketVerdict.Drop: Counters.DroppedCount++; break;
            default:
                Counters.AcceptedCount++;
                if (replace) Counters.RewrittenCount++;
                break;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            Span<byte> buffer = stackalloc byte[64];
            var w = new NetlinkWriter(buffer);
            w.BeginMessage((ushort)(Nl.SubsysQueue << 8 | Nfq.MsgConfig), Nl.FRequest, ++_sequence, AF_UNSPEC, QueueNumber);
            Span<byte> cmd = [Nfq.CmdUnbind, 0, 0, 0];
            w.Attribute(Nfq.CfgCmd, cmd);
            w.EndMessage();
            _socket.Send(w.Written);
        }
        catch (NetlinkException)
        {
            // Closing the socket unbinds the queue anyway.
        }
        _socket.Dispose();
    }
}
