namespace PolicyKit.Packets.Tests.Support;

/// <summary>
/// Two network namespaces joined by a veth pair, named with a unique suffix (PID + random) so
/// parallel test runs never collide: the "edge" end where captures run, and the "host" end
/// where a receiver joins groups with real kernel IGMP/MLD. Deleted on dispose, with every
/// process the test started in them.
/// </summary>
public sealed class VethPair : IDisposable
{
    private readonly List<BackgroundProcess> _processes = [];
    private readonly string _ip;

    public VethPair()
    {
        Tools.RequireRoot();
        _ip = Tools.Require("ip", "iproute2");
        var suffix = $"{Environment.ProcessId % 100000}{Random.Shared.Next(100, 999)}";
        EdgeNs = $"pkpe{suffix}";
        HostNs = $"pkph{suffix}";
        EdgeIf = $"pke{suffix}";
        HostIf = $"pkh{suffix}";
        Tools.RunOk(_ip, "netns", "add", EdgeNs);
        try
        {
            Tools.RunOk(_ip, "netns", "add", HostNs);
            Tools.RunOk(_ip, "link", "add", EdgeIf, "netns", EdgeNs, "type", "veth", "peer", "name", HostIf, "netns", HostNs);
            foreach (var (ns, iface, address) in new[] { (EdgeNs, EdgeIf, "10.77.0.1/24"), (HostNs, HostIf, "10.77.0.2/24") })
            {
                // No duplicate address detection: the link-local address (MLD's source) is usable at once.
                Sysctl(ns, "net.ipv6.conf.all.accept_dad", "0");
                Sysctl(ns, "net.ipv6.conf.default.accept_dad", "0");
                Tools.RunOk(_ip, "-n", ns, "addr", "add", address, "dev", iface);
                Tools.RunOk(_ip, "-n", ns, "link", "set", iface, "up");
            }
            // Fast unsolicited report retransmission (default 1 s / 10 s) keeps the test short.
            foreach (var key in new[] { "ipv4.conf.{0}.igmpv3_unsolicited_report_interval", "ipv4.conf.{0}.igmpv2_unsolicited_report_interval",
                         "ipv6.conf.{0}.mldv2_unsolicited_report_interval", "ipv6.conf.{0}.mldv1_unsolicited_report_interval" })
                Sysctl(HostNs, "net." + string.Format(key, HostIf), "100");
            var link = Tools.RunOk(_ip, "-n", EdgeNs, "-o", "link", "show", EdgeIf);
            EdgeIfIndex = int.Parse(link[..link.IndexOf(':')]);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string EdgeNs { get; }
    public string HostNs { get; }
    public string EdgeIf { get; }
    public string HostIf { get; }
    public int EdgeIfIndex { get; }

    public void Sysctl(string ns, string key, string value) => Tools.RunOk(_ip, "netns", "exec", ns, "sysctl", "-qw", $"{key}={value}");

    /// <summary>Starts a program inside a namespace (ip netns exec execs it: the PID is the program's).</summary>
    public BackgroundProcess Start(string ns, string program, params string[] args)
    {
        var p = new BackgroundProcess(_ip, ["netns", "exec", ns, program, .. args]);
        _processes.Add(p);
        return p;
    }

    public void Dispose()
    {
        foreach (var p in _processes) p.Dispose();
        Tools.Run(_ip, ["netns", "del", HostNs]);
        Tools.Run(_ip, ["netns", "del", EdgeNs]);
    }
}
