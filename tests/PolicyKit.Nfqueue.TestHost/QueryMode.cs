using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using PolicyKit.Packets;

namespace PolicyKit.Nfqueue.TestHost;

/// <summary>Sends one IGMP query (general, or group-specific with --group) out of an interface; v3 asks for a 1 s response.</summary>
internal static class QueryMode
{
    public static int Run(Arguments a)
    {
        int index = Interop.IfIndex(a.Required("interface"));
        var group = IPAddress.Parse(a.Get("group") ?? "0.0.0.0");
        int version = int.Parse(a.Get("version") ?? "3", System.Globalization.CultureInfo.InvariantCulture);
        byte[] query = new byte[version == 3 ? 12 : 8];
        query[0] = 0x11;
        query[1] = version == 3 ? (byte)10 : (byte)10; // max response 1 s
        group.GetAddressBytes().CopyTo(query, 4);
        if (version == 3)
        {
            query[8] = 2;   // QRV
            query[9] = 125; // QQIC
        }
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(2), InternetChecksum.Compute(query));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Igmp);
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.HostToNetworkOrder(index));
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 1);
        socket.SendTo(query, new IPEndPoint(group.Equals(IPAddress.Any) ? IPAddress.Parse("224.0.0.1") : group, 0));
        Console.WriteLine("sent");
        return 0;
    }
}
