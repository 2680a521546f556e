namespace PolicyKit.Packets.Tests.Support;

/// <summary>One packet as tshark dissects it: checksum verdicts (1 = good, 0 = bad) and the groups and sources it sees.</summary>
public sealed record TsharkPacket(int Number, string IpChecksum, string IgmpChecksum, string Icmpv6Checksum,
    string[] Groups, string[] Sources);

public static class Tshark
{
    public static List<TsharkPacket> Dissect(string file)
    {
        var tshark = Tools.Require("tshark", "tshark");
        var output = Tools.RunOk(tshark, "-r", file, "-o", "ip.check_checksum:TRUE", "-T", "fields", "-E", "separator=/t",
            "-e", "frame.number", "-e", "ip.checksum.status", "-e", "igmp.checksum.status", "-e", "icmpv6.checksum.status",
            "-e", "igmp.maddr", "-e", "icmpv6.mld.multicast_address", "-e", "icmpv6.mldr.mar.multicast_address",
            "-e", "igmp.saddr", "-e", "icmpv6.mldr.mar.source_address");
        var packets = new List<TsharkPacket>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            string[] List(params int[] columns) => columns.SelectMany(c => c < f.Length
                ? f[c].Split(',', StringSplitOptions.RemoveEmptyEntries) : []).Select(a => PacketAddress.Parse(a).ToString()).ToArray();
            packets.Add(new TsharkPacket(int.Parse(f[0]), f[1], f[2], f[3], List(4, 5, 6), List(7, 8)));
        }
        return packets;
    }
}
