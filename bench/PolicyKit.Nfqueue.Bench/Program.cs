using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Engine;
using PolicyKit.Engine.Compiled;
using PolicyKit.Nfqueue.Bench;
using PolicyKit.Nfqueue.Enforcement;
using PolicyKit.Nfqueue.Flows;
using PolicyKit.Nfqueue.Hooks;
using PolicyKit.Tables.Format;

// Measures NFQUEUE enforcement on this machine (root; network namespaces of its own):
//   reports/s and new flows/s handled through the queue, join latency with and without the
//   enforcer, and the two flow-set writers. See README.md.
int reports = Arg("--reports", 50_000);
int flows = Arg("--flows", 20_000);
int samples = Arg("--latency", 2_000);
int writes = Arg("--writes", 5_000);

using var ns = new Namespaces();
string edge = ns.Add("e"), sender = ns.Add("s");
string edgeIf = "be" + ns.Suffix, senderIf = "bs" + ns.Suffix;
Namespaces.Run("ip", "link", "add", edgeIf, "netns", edge, "type", "veth", "peer", "name", senderIf, "netns", sender);
Namespaces.Run("ip", "-n", edge, "addr", "add", "10.70.0.1/24", "dev", edgeIf);
Namespaces.Run("ip", "-n", sender, "addr", "add", "10.70.0.2/24", "dev", senderIf);
Namespaces.Run("ip", "-n", edge, "link", "set", edgeIf, "up");
Namespaces.Run("ip", "-n", sender, "link", "set", senderIf, "up");
Namespaces.Run("ip", "-n", sender, "route", "add", "224.0.0.0/4", "dev", senderIf);

var table = Table($$"""
    groups tv { 239.0.0.0/8; }
    filter joins { permit groups tv; }
    device bench platform ios-xe {
        mroute-limit 1000000 warn 900000;
        interface "{{edgeIf}}" { igmp { access joins; } }
    }
    """);
uint host = IgmpReport.V4("10.70.0.2");
var runner = new ProcessCommandRunner(["ip", "netns", "exec", edge]);
var engineOptions = new EngineOptions { MembershipCapacity = 1 << 18, RouteCapacity = 1 << 16 };

Console.WriteLine($"# NFQUEUE enforcement on {Environment.ProcessorCount} cores, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}");

// ── Join latency: a report from the sender to a raw IGMP socket in the edge, with and without the enforcer.
using var raw = Namespaces.In(sender, () => new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw));
using var listener = Namespaces.In(edge, () =>
{
    var s = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Igmp) { ReceiveTimeout = 1000 };
    s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IPAddress.Parse("224.0.0.22"), IfIndex(edge, edgeIf)));
    return s;
});
var allowed = IgmpReport.Build(host, [(IgmpReport.V4("10.1.0.1"), IgmpReport.V4("239.1.0.1")), (IgmpReport.V4("10.1.0.1"), IgmpReport.V4("239.1.0.2"))]);
var mixed = IgmpReport.Build(host, [(IgmpReport.V4("10.1.0.1"), IgmpReport.V4("239.1.0.1")), (IgmpReport.V4("10.1.0.1"), IgmpReport.V4("238.1.0.1"))]);
var baseline = Latency(allowed, samples);

var gate = new object();
var engine = new AdmissionEngine(table, engineOptions);
var enforcer = new NfqueueEnforcer(new EnforcerOptions { InstanceId = "b" + ns.Suffix, QueueNumber = 1, Ipv6 = false, QueueMaxLength = 4096 },
    engine, gate, observer: null, engineOptions, runner);
Namespaces.In(edge, () => { enforcer.Start(); return 0; });
Latency(allowed, 200);     // warm-up (JIT)
var through = Latency(allowed, samples);
var rewritten = Latency(mixed, samples);
Console.WriteLine();
Console.WriteLine("| join latency (report sent → raw IGMP socket in the edge) | p50 µs | p90 µs | p99 µs |");
Console.WriteLine("|---|---:|---:|---:|");
Row("no enforcer (kernel only)", baseline);
Row("through the enforcer, all records admitted", through);
Row("through the enforcer, one of two records denied (rewritten)", rewritten);
Console.WriteLine($"added per join (p50): {Percentile(through, 50) - Percentile(baseline, 50):0} µs; rewritten: {Percentile(rewritten, 50) - Percentile(baseline, 50):0} µs");
listener.Dispose();

// ── Reports/s: 4 records each (2 admitted, 2 denied → rewritten), groups cycling over 64k, a window of 512 in flight.
var pool = new byte[4096][];
for (int i = 0; i < pool.Length; i++)
{
    uint g = IgmpReport.V4("239.2.0.0") + (uint)(i * 2 % 65536);
    pool[i] = IgmpReport.Build(host, [(IgmpReport.V4("10.1.0.1"), g), (IgmpReport.V4("10.1.0.1"), g + 1),
        (IgmpReport.V4("10.1.0.1"), IgmpReport.V4("238.2.0.0") + (uint)i), (IgmpReport.V4("10.1.0.2"), IgmpReport.V4("238.3.0.0") + (uint)i)]);
}
var target = new IPEndPoint(IPAddress.Parse("224.0.0.22"), 0);
long before = enforcer.Counters.Reports;
var clock = Stopwatch.StartNew();
for (int i = 0; i < reports; i++)
{
    while (i - (enforcer.Counters.Reports - before) > 512) Thread.SpinWait(50);
    raw.SendTo(pool[i % pool.Length], target);
}
WaitUntil(() => enforcer.Counters.Reports - before >= reports);
double reportRate = (enforcer.Counters.Reports - before) / clock.Elapsed.TotalSeconds;

// ── New flows/s: the first UDP packet of `flows` distinct (S,G), each admitted and written to the allow set.
using var udp = Namespaces.In(sender, () =>
{
    var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 8);
    s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.HostToNetworkOrder(IfIndex(sender, senderIf)));
    return s;
});
long flowsBefore = enforcer.Counters.FlowsAdmitted + enforcer.Counters.FlowsDenied;
var payload = new byte[1316];
clock.Restart();
for (int i = 0; i < flows; i++)
{
    while (i - (enforcer.Counters.FlowsAdmitted + enforcer.Counters.FlowsDenied - flowsBefore) > 256) Thread.SpinWait(50);
    udp.SendTo(payload, new IPEndPoint(Group(IgmpReport.V4("239.10.0.0") + (uint)i), 5000));
}
WaitUntil(() => enforcer.Counters.FlowsAdmitted + enforcer.Counters.FlowsDenied - flowsBefore >= flows);
double flowRate = (enforcer.Counters.FlowsAdmitted + enforcer.Counters.FlowsDenied - flowsBefore) / clock.Elapsed.TotalSeconds;
var queueStats = runner.Run("cat", ["/proc/net/netfilter/nfnetlink_queue"]).Output;
Console.WriteLine();
Console.WriteLine("| through NFQUEUE (one enforcer thread) | per second |");
Console.WriteLine("|---|---:|");
Console.WriteLine($"| IGMPv3 reports, 4 records, 2 denied (rewritten) | {reportRate:N0} |");
Console.WriteLine($"| new flows (engine state + allow-set element over netlink) | {flowRate:N0} |");
Console.WriteLine($"queue: rewritten={enforcer.QueueCounters!.Rewritten} overruns={enforcer.QueueCounters.Overruns} set-errors={enforcer.Counters.SetWriteErrors}; /proc/net/netfilter/nfnetlink_queue: {queueStats}");
enforcer.Stop();

// ── Flow-set writers: elements added per second, each acknowledged.
var hookOptions = new HookOptions { InstanceId = "w" + ns.Suffix };
var script = runner.Run("nft", ["-f", "-"], new HookPlan(hookOptions, false).NftScript());
if (!script.Ok) throw new InvalidOperationException(script.Error);
using (var netlink = Namespaces.In(edge, () => new NetlinkFlowSetWriter(hookOptions.TableName)))
{
    double rate = Writes(netlink, writes, "eth0");
    using var nft = new NftProcessFlowSetWriter(hookOptions.TableName, ["ip", "netns", "exec", edge]);
    double nftRate = Writes(nft, Math.Min(writes, 2000), "eth1");   // other keys: an element already there gets no echo
    Console.WriteLine();
    Console.WriteLine("| flow-set writer (add element, acknowledged) | elements/s | µs each |");
    Console.WriteLine("|---|---:|---:|");
    Console.WriteLine($"| nf_tables netlink batch (NetlinkFlowSetWriter) | {rate:N0} | {1e6 / rate:0.0} |");
    Console.WriteLine($"| persistent `nft -e -i` (NftProcessFlowSetWriter) | {nftRate:N0} | {1e6 / nftRate:0.0} |");
}
return 0;

static double Writes(IFlowSetWriter writer, int count, string iface)
{
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < count; i++)
    {
        var group = Address.V4(0xef140000u + (uint)i);
        writer.Add(FlowSet.Allow, new FlowKey(iface, Address.Parse("10.1.0.1"), group), TimeSpan.FromSeconds(60));
    }
    return count / clock.Elapsed.TotalSeconds;
}

double[] Latency(byte[] report, int count)
{
    var results = new double[count];
    var buffer = new byte[2048];
    var to = new IPEndPoint(IPAddress.Parse("224.0.0.22"), 0);
    for (int i = 0; i < count; i++)
    {
        long t0 = Stopwatch.GetTimestamp();
        raw.SendTo(report, to);
        while (true)
        {
            int n = listener.Receive(buffer);
            if (n >= 20 && buffer[12] == 10 && buffer[13] == 70 && buffer[14] == 0 && buffer[15] == 2) break;   // from the sender
        }
        results[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
    }
    Array.Sort(results);
    return results;
}

static IPAddress Group(uint value)
{
    var bytes = new byte[4];
    System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
    return new IPAddress(bytes);
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p / 100))];

static void Row(string what, double[] sorted) =>
    Console.WriteLine($"| {what} | {Percentile(sorted, 50):0} | {Percentile(sorted, 90):0} | {Percentile(sorted, 99):0} |");

static void WaitUntil(Func<bool> done)
{
    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
    while (!done() && DateTime.UtcNow < deadline) Thread.Sleep(1);
}

static int IfIndex(string ns, string name) =>
    int.Parse(ProcessCommandRunner.Default.Run("ip", ["netns", "exec", ns, "cat", $"/sys/class/net/{name}/ifindex"]).Output, CultureInfo.InvariantCulture);

static CompiledTable Table(string policy)
{
    string dir = Directory.CreateTempSubdirectory("pknfqbench").FullName;
    string path = Path.Combine(dir, "bench.mpol");
    File.WriteAllText(path, policy);
    var result = PolicyCompiler.Check(path, new CompilationOptions { AllowUnsupported = true });
    if (result.Diagnostics.Any(d => d.IsError)) throw new InvalidOperationException(string.Join("\n", result.Diagnostics.Select(d => d.Message)));
    var bytes = AgentTableEmitter.Emit(result.Model!, result.Model!.FindDevice("bench")!).Bytes!;
    Directory.Delete(dir, true);
    return CompiledTable.Build(TableReader.Read(bytes));
}

static int Arg(string name, int fallback)
{
    var args = Environment.GetCommandLineArgs();
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
