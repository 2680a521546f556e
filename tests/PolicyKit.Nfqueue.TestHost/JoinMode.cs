using System.Net;
using System.Net.Sockets;

namespace PolicyKit.Nfqueue.TestHost;

/// <summary>
/// Holds a membership through the kernel's own IGMP (MCAST_JOIN_SOURCE_GROUP / MCAST_JOIN_GROUP on a
/// UDP socket) until killed — socat has no source-specific join. Prints "ready" once joined.
/// </summary>
internal static class JoinMode
{
    private const int McastJoinGroup = 42;
    private const int McastJoinSourceGroup = 46;

    public static int Run(Arguments a)
    {
        int index = Interop.IfIndex(a.Required("interface"));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var sourceText = a.Get("source");
        // Several groups (comma-separated) are joined one by one, --pause-ms apart, each its own report.
        int pause = int.Parse(a.Get("pause-ms") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var g in a.Required("group").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            // struct group_req / group_source_req: u32 interface, 4 bytes padding, sockaddr_storage group[, source].
            var request = new byte[sourceText is null ? 136 : 264];
            BitConverter.TryWriteBytes(request.AsSpan(0, 4), index);
            WriteSockaddr(request.AsSpan(8, 128), IPAddress.Parse(g));
            if (sourceText is not null) WriteSockaddr(request.AsSpan(136, 128), IPAddress.Parse(sourceText));
            socket.SetRawSocketOption(0, sourceText is null ? McastJoinGroup : McastJoinSourceGroup, request);
            Console.WriteLine("joined " + g);
            if (pause > 0) Thread.Sleep(pause);
        }
        Console.WriteLine("ready");
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    private static void WriteSockaddr(Span<byte> storage, IPAddress address)
    {
        storage.Clear();
        BitConverter.TryWriteBytes(storage, (ushort)2); // AF_INET, host order
        address.GetAddressBytes().CopyTo(storage[4..]);
    }
}
