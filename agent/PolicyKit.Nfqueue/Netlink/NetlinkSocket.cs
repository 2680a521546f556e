using System.Runtime.InteropServices;

namespace PolicyKit.Nfqueue.Netlink;

/// <summary>What one <see cref="NetlinkSocket.Receive"/> got.</summary>
public enum ReceiveStatus
{
    /// <summary>A datagram was read.</summary>
    Ok,

    /// <summary>Nothing arrived within the receive timeout (or the call was interrupted).</summary>
    Timeout,

    /// <summary>The kernel dropped messages because the socket buffer was full (ENOBUFS).</summary>
    Overrun,
}

/// <summary>
/// A raw AF_NETLINK socket (here NETLINK_NETFILTER) through libc: send a datagram to the kernel,
/// receive one with a timeout. No native library beyond libc. Not thread-safe for concurrent
/// receives; sends from another thread are fine (the kernel serialises them).
/// </summary>
public sealed unsafe class NetlinkSocket : IDisposable
{
    private int _fd;

    private NetlinkSocket(int fd, uint portId)
    {
        _fd = fd;
        PortId = portId;
    }

    /// <summary>The port id the kernel gave this socket (messages for it carry this id).</summary>
    public uint PortId { get; }

    /// <summary>Opens and binds a netlink socket of <paramref name="protocol"/> (default NETLINK_NETFILTER).</summary>
    public static NetlinkSocket Open(int protocol = NativeMethods.NETLINK_NETFILTER, int receiveBufferBytes = 0)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("netlink sockets exist only on Linux");
        int fd = NativeMethods.Socket(NativeMethods.AF_NETLINK, NativeMethods.SOCK_RAW | NativeMethods.SOCK_CLOEXEC, protocol);
        if (fd < 0) throw new NetlinkException("socket(AF_NETLINK)", Marshal.GetLastPInvokeError());
        try
        {
            var address = new NativeMethods.SockaddrNl { Family = NativeMethods.AF_NETLINK };
            if (NativeMethods.Bind(fd, &address, sizeof(NativeMethods.SockaddrNl)) != 0)
                throw new NetlinkException("bind(AF_NETLINK)", Marshal.GetLastPInvokeError());
            int length = sizeof(NativeMethods.SockaddrNl);
            if (NativeMethods.GetSockName(fd, &address, &length) != 0)
                throw new NetlinkException("getsockname(AF_NETLINK)", Marshal.GetLastPInvokeError());
            // Errors carry just the failing header, not our whole (possibly 64 KiB) message back.
            int one = 1;
            NativeMethods.SetSockOpt(fd, NativeMethods.SOL_NETLINK, NativeMethods.NETLINK_CAP_ACK, &one, sizeof(int));
            NativeMethods.SetSockOpt(fd, NativeMethods.SOL_NETLINK, NativeMethods.NETLINK_EXT_ACK, &one, sizeof(int));
            var socket = new NetlinkSocket(fd, address.Pid);
            if (receiveBufferBytes > 0) socket.SetReceiveBuffer(receiveBufferBytes);
            return socket;
        }
        catch
        {
            NativeMethods.Close(fd);
            throw;
        }
    }

    /// <summary>Sets SO_RCVBUF, forcing past rmem_max as root (SO_RCVBUFFORCE) when allowed.</summary>
    public void SetReceiveBuffer(int bytes)
    {
        int fd = Fd();
        if (NativeMethods.SetSockOpt(fd, NativeMethods.SOL_SOCKET, NativeMethods.SO_RCVBUFFORCE, &bytes, sizeof(int)) == 0) return;
        if (NativeMethods.SetSockOpt(fd, NativeMethods.SOL_SOCKET, NativeMethods.SO_RCVBUF, &bytes, sizeof(int)) != 0)
            throw new NetlinkException("setsockopt(SO_RCVBUF)", Marshal.GetLastPInvokeError());
    }

    /// <summary>Do not report ENOBUFS on overruns (the queue then drops or, with fail-open, accepts the excess).</summary>
    public void SetNoEnobufs(bool on)
    {
        int value = on ? 1 : 0;
        if (NativeMethods.SetSockOpt(Fd(), NativeMethods.SOL_NETLINK, NativeMethods.NETLINK_NO_ENOBUFS, &value, sizeof(int)) != 0)
            throw new NetlinkException("setsockopt(NETLINK_NO_ENOBUFS)", Marshal.GetLastPInvokeError());
    }

    /// <summary>How long <see cref="Receive"/> waits; <see cref="TimeSpan.Zero"/> waits forever.</summary>
    public void SetReceiveTimeout(TimeSpan timeout)
    {
        long micros = (long)(timeout.Ticks / 10);
        var tv = new NativeMethods.Timeval { Seconds = micros / 1_000_000, Microseconds = micros % 1_000_000 };
        if (NativeMethods.SetSockOpt(Fd(), NativeMethods.SOL_SOCKET, NativeMethods.SO_RCVTIMEO, &tv, sizeof(NativeMethods.Timeval)) != 0)
            throw new NetlinkException("setsockopt(SO_RCVTIMEO)", Marshal.GetLastPInvokeError());
    }

    /// <summary>Sends one datagram (one message or a batch) to the kernel.</summary>
    public void Send(ReadOnlySpan<byte> datagram)
    {
        var kernel = new NativeMethods.SockaddrNl { Family = NativeMethods.AF_NETLINK };
        fixed (byte* p = datagram)
        {
            while (true)
            {
                nint sent = NativeMethods.SendTo(Fd(), p, (nuint)datagram.Length, 0, &kernel, sizeof(NativeMethods.SockaddrNl));
                if (sent >= 0) return;
                int errno = Marshal.GetLastPInvokeError();
                if (errno == NativeMethods.EINTR) continue;
                throw new NetlinkException("sendto(netlink)", errno);
            }
        }
    }

    /// <summary>Receives one datagram into <paramref name="buffer"/> (waiting up to the receive timeout).</summary>
    public ReceiveStatus Receive(Span<byte> buffer, out int length, bool dontWait = false)
    {
        length = 0;
        fixed (byte* p = buffer)
        {
            nint got = NativeMethods.Recv(Fd(), p, (nuint)buffer.Length, dontWait ? NativeMethods.MSG_DONTWAIT : 0);
            if (got >= 0)
            {
                length = (int)got;
                return ReceiveStatus.Ok;
            }
            int errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                NativeMethods.EAGAIN or NativeMethods.EINTR => ReceiveStatus.Timeout,
                NativeMethods.ENOBUFS => ReceiveStatus.Overrun,
                _ => throw new NetlinkException("recv(netlink)", errno),
            };
        }
    }

    private int Fd()
    {
        int fd = Volatile.Read(ref _fd);
        ObjectDisposedException.ThrowIf(fd < 0, this);
        return fd;
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) NativeMethods.Close(fd);
    }
}
