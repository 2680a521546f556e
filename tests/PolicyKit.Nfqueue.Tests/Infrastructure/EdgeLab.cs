using System.Globalization;
using System.Text.RegularExpressions;

namespace PolicyKit.Nfqueue.Tests.Infrastructure;

/// <summary>
/// Three namespaces: a receiver (hosts joining with real kernel IGMP), the edge (running the
/// enforcer, a listener on its IGMP stack, and a multicast forwarder: smcroute, or nft dup on a
/// kernel without multicast routing, see <see cref="LabForwarding"/>) and a sender (a head-end
/// sending multicast flows). Edge–receiver 10.61.0.0/24, edge–sender 198.51.100.0/26 (the
/// broadband example's cp1-headend prefix).
/// </summary>
internal sealed partial class EdgeLab : IDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public const string ReceiverAddress = "10.61.0.2";
    public const string SenderAddress = "198.51.100.10";

    public EdgeLab()
    {
        RealParts.Require("ip", "nft", "iptables-nft", "ip6tables-nft", "socat", "dotnet");
        Lab = new Lab();
        Edge = Lab.Namespace("e");
        Receiver = Lab.Namespace("r");
        Sender = Lab.Namespace("s");
        string s = Lab.Suffix;
        EdgeToReceiver = "er" + s;
        ReceiverSide = "re" + s;
        EdgeToSender = "es" + s;
        SenderSide = "se" + s;
        Lab.Link(Edge, EdgeToReceiver, "10.61.0.1/24", Receiver, ReceiverSide, ReceiverAddress + "/24");
        Lab.Link(Edge, EdgeToSender, "198.51.100.1/26", Sender, SenderSide, SenderAddress + "/26");
        Lab.ExecOk(Receiver, "ip", "route", "add", "224.0.0.0/4", "dev", ReceiverSide);
        Lab.ExecOk(Sender, "ip", "route", "add", "224.0.0.0/4", "dev", SenderSide);
        // Multicast forwarding checks the incoming interface only (smcroute routes), not unicast RPF.
        Lab.ExecOk(Edge, "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0", $"net.ipv4.conf.{EdgeToSender}.rp_filter=0");
    }

    public Lab Lab { get; }

    public string Edge { get; }

    public string Receiver { get; }

    public string Sender { get; }

    public string EdgeToReceiver { get; }

    public string ReceiverSide { get; }

    public string EdgeToSender { get; }

    public string SenderSide { get; }

    public string InstanceId => "t" + Lab.Suffix;

    public string TableName => "policykit_" + InstanceId;

    /// <summary>Starts the enforcer in the edge and waits for "ready".</summary>
    public HostProcess StartEnforcer(string table, params string[] extra)
    {
        var p = Lab.StartHost(Edge, "enforcer", ["enforce", "--table", table, "--id", InstanceId, "--queue", "3", .. extra]);
        p.WaitFor(l => l.StartsWith("ready", StringComparison.Ordinal) || l.StartsWith("error", StringComparison.Ordinal), Wait, "ready");
        Assert.False(p.Lines.Any(l => l.StartsWith("error", StringComparison.Ordinal)),
            $"the enforcer did not start:\n{p.Transcript()}\nkernel: {KernelConfig.EnforcementOptions()}");
        return p;
    }

    /// <summary>A raw IGMP socket in the edge on the receiver link (what a multicast router daemon sees).</summary>
    public HostProcess StartListener(params string[] groups)
    {
        var args = new List<string> { "listen", "--interface", EdgeToReceiver };
        if (groups.Length > 0) args.AddRange(["--groups", string.Join(',', groups)]);
        var p = Lab.StartHost(Edge, "listener", [.. args]);
        p.WaitFor(l => l == "ready", Wait, "ready");
        return p;
    }

    /// <summary>Source-specific (or, without a source, any-source) joins by the receiver's kernel, one after the other.</summary>
    public HostProcess Join(string? source, int pauseMs, params string[] groups)
    {
        var args = new List<string> { "join", "--interface", ReceiverSide, "--group", string.Join(',', groups), "--pause-ms", pauseMs.ToString(CultureInfo.InvariantCulture) };
        if (source is not null) args.AddRange(["--source", source]);
        var p = Lab.StartHost(Receiver, "join " + string.Join(',', groups), [.. args]);
        p.WaitFor(l => l == "ready", Wait, "ready");
        return p;
    }

    /// <summary>An any-source join held by socat in the receiver (the kernel sends the reports).</summary>
    public HostProcess SocatJoin(string group) =>
        Lab.Start(Receiver, "socat " + group, "socat", "-u", $"UDP4-RECV:5000,reuseaddr,ip-add-membership={group}:{ReceiverSide}", "-");

    /// <summary>An IGMP general query from the edge: receivers answer with one current-state report holding all their groups.</summary>
    public void EdgeQuery() => Query(Edge, EdgeToReceiver);

    public void Query(string ns, string iface, int version = 3)
    {
        var p = Lab.StartHost(ns, "query", "query", "--interface", iface, "--version", version.ToString(CultureInfo.InvariantCulture));
        p.WaitFor(l => l == "sent", Wait, "query sent");
    }

    /// <summary>
    /// Forwards each group from the sender link to the receiver link, by the path this kernel allows
    /// (<see cref="LabForwarding.Path"/>), and returns it so a failure message can name it.
    /// </summary>
    public ForwardingPath StartForwarding(IReadOnlyCollection<string> groups)
    {
        var path = LabForwarding.Path;
        if (path == ForwardingPath.Smcroute) StartSmcroute(groups);
        else Lab.ExecOk(Edge, "nft", "-f", Lab.File("forwarder.nft", LabForwarding.Forwarder(EdgeToSender, EdgeToReceiver, groups)));
        return path;
    }

    /// <summary>smcroute in the edge with static routes sender → receiver for each group.</summary>
    private void StartSmcroute(IReadOnlyCollection<string> groups)
    {
        RealParts.Require("smcrouted");
        var conf = new List<string> { $"phyint {EdgeToSender} enable", $"phyint {EdgeToReceiver} enable" };
        conf.AddRange(groups.Select(g => $"mroute from {EdgeToSender} source {SenderAddress} group {g} to {EdgeToReceiver}"));
        string file = Lab.File("smcroute.conf", string.Join('\n', conf) + "\n");
        var p = Lab.Start(Edge, "smcrouted", "smcrouted", "-n", "-N", "-f", file, "-u", Path.Combine(Lab.Directory, "smc.sock"),
            "-P", Path.Combine(Lab.Directory, "smc.pid"), "-i", "pk" + Lab.Suffix, "-l", "info");
        // smcrouted logs to stderr in the foreground: wait until its routes are in the kernel.
        var deadline = DateTime.UtcNow + Wait;
        while (!Lab.ExecOk(Edge, "ip", "mroute", "show").Contains(groups.Last() + ")", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "smcrouted did not install its routes:\n" + p.Transcript() + "\n" + Lab.ExecOk(Edge, "ip", "mroute", "show"));
            Thread.Sleep(200);
        }
    }

    /// <summary>Counters in the receiver (before anything else there) of packets per group.</summary>
    public void CountAtReceiver(IEnumerable<string> groups)
    {
        string rules = string.Concat(groups.Select(g => $"\t\tip daddr {g} counter\n"));
        string file = Lab.File("count.nft", $"table inet pkcount {{\n\tchain pre {{\n\t\ttype filter hook prerouting priority -300; policy accept;\n{rules}\t}}\n}}\n");
        Lab.ExecOk(Receiver, "nft", "-f", file);
    }

    public Dictionary<string, long> ReceiverCounts()
    {
        var counts = new Dictionary<string, long>();
        foreach (Match m in CounterLine().Matches(Lab.ExecOk(Receiver, "nft", "list", "chain", "inet", "pkcount", "pre")))
            counts[m.Groups[1].Value] = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return counts;
    }

    /// <summary>Sends <paramref name="count"/> UDP packets from the sender to each group (TTL 8), one group after another.</summary>
    public void Send(IEnumerable<string> groups, int count, int pauseMs = 150)
    {
        foreach (var g in groups)
        {
            for (int i = 0; i < count; i++)
            {
                var r = Hooks.ProcessCommandRunner.Default.Run("ip", ["netns", "exec", Sender, "socat", "-u", "-",
                    $"UDP4-DATAGRAM:{g}:5000,ip-multicast-ttl=8,ip-multicast-if={SenderAddress}"], $"packet {i} to {g}\n");
                Assert.True(r.Ok, r.Error);
                Thread.Sleep(pauseMs);
            }
        }
    }

    public string ListSet(string set) => Lab.ExecOk(Edge, "nft", "list", "set", "inet", TableName, set);

    /// <summary>The membership changes the edge's IGMP stack received from the receiver: ("join", "S", "G") per listener line.</summary>
    public static List<List<(string Kind, string Source, string Group)>> ReportsFromReceiver(HostProcess listener, int from = 0)
    {
        var reports = new List<List<(string, string, string)>>();
        foreach (var line in listener.Lines.Skip(from))
        {
            if (!line.StartsWith($"igmp {ReceiverAddress} ", StringComparison.Ordinal)) continue;
            var changes = line[(line.IndexOf("changes=", StringComparison.Ordinal) + 8)..];
            reports.Add([.. ChangeItem().Matches(changes).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value))]);
        }
        return reports;
    }

    /// <summary>The listener lines from the receiver (for messages).</summary>
    public static string FromReceiver(HostProcess listener) =>
        string.Join('\n', listener.Lines.Where(l => l.StartsWith($"igmp {ReceiverAddress} ", StringComparison.Ordinal)));

    public void Dispose() => Lab.Dispose();

    [GeneratedRegex(@"ip daddr (\S+) counter packets (\d+)")]
    private static partial Regex CounterLine();

    [GeneratedRegex(@"(join|leave)\(([^,]+),([^)]+)\)")]
    private static partial Regex ChangeItem();
}
