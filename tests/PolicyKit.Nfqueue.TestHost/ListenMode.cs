using System.Net;
using System.Net.Sockets;
using PolicyKit.Packets.Membership;

namespace PolicyKit.Nfqueue.TestHost;

/// <summary>
/// Prints what reaches the IGMP stack of this namespace, the way a multicast routing daemon
/// (mrouted, pimd, smcroute, FRR pimd) receives it: a raw IGMP socket, joined to 224.0.0.22
/// (IGMPv3 reports) and to the given groups (IGMPv2 reports go to the group itself). Raw sockets
/// get packets after the netfilter input hooks, so a report the enforcer dropped or rewrote shows
/// here as the kernel finally delivered it. Lines: "ready", then one per message:
/// "igmp FROM KIND vN records=R changes=join(S,G);leave(S,G);…" (S is * for (*,G)).
/// </summary>
internal static class ListenMode
{
    public static int Run(Arguments a)
    {
        string iface = a.Required("interface");
        int index = Interop.IfIndex(iface);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Igmp);
        var groups = new List<string> { "224.0.0.22" };
        if (a.Get("groups") is { } list) groups.AddRange(list.Split(',', StringSplitOptions.RemoveEmptyEntries));
        foreach (var g in groups) socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IPAddress.Parse(g), index));
        Console.WriteLine("ready");
        var buffer = new byte[65536];
        while (true)
        {
            int n = socket.Receive(buffer);
            var status = MembershipDecoder.Decode(buffer.AsSpan(0, n), out var m);
            if (status != PolicyKit.Packets.DecodeStatus.Ok)
            {
                Console.WriteLine($"igmp ? malformed {status}");
                continue;
            }
            var changes = new List<string>();
            foreach (var c in m.Changes) changes.Add($"{(c.Kind == ChangeKind.Join ? "join" : "leave")}({c.Source},{c.Group})");
            Console.WriteLine($"igmp {m.Source} {m.Kind} v{m.Version} records={m.RecordCount} changes={string.Join(';', changes)}");
        }
    }
}
