using System.Runtime.InteropServices;
using PolicyKit.Engine;
using PolicyKit.Engine.Compiled;
using PolicyKit.Nfqueue.Enforcement;
using PolicyKit.Nfqueue.Hooks;
using PolicyKit.Tables.Format;

namespace PolicyKit.Nfqueue.TestHost;

/// <summary>Runs an enforcer until SIGTERM/SIGINT; prints "ready", every decision, and "stopped" as lines.</summary>
internal static class EnforceMode
{
    public static int Run(Arguments a)
    {
        var table = CompiledTable.Build(TableReader.Read(File.ReadAllBytes(a.Required("table"))));
        var engineOptions = new EngineOptions { MembershipTimeout = TimeSpan.FromSeconds(a.Seconds("membership-timeout", 260)) };
        var engine = new AdmissionEngine(table, engineOptions);
        var map = new Dictionary<string, string>();
        foreach (var m in a.All("map"))
        {
            int eq = m.IndexOf('=', StringComparison.Ordinal);
            map[m[..eq]] = m[(eq + 1)..];
        }
        var options = new EnforcerOptions
        {
            InstanceId = a.Required("id"),
            QueueNumber = ushort.Parse(a.Get("queue") ?? "0", System.Globalization.CultureInfo.InvariantCulture),
            FailMode = a.Has("fail-closed") ? FailMode.Closed : FailMode.Open,
            InterfaceMap = map,
            Interfaces = a.Get("interfaces") is { } list ? list.Split(',') : [],
            AllowTimeout = TimeSpan.FromSeconds(a.Seconds("allow-timeout", 60)),
            DenyTimeout = TimeSpan.FromSeconds(a.Seconds("deny-timeout", 10)),
            AdmitFlows = !a.Has("no-flows"),
            EnforceMemberships = !a.Has("no-joins"),
            Ipv6 = !a.Has("ipv4-only"),
        };
        var gate = new object();
        using var stop = new ManualResetEventSlim();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
        var enforcer = new NfqueueEnforcer(options, engine, gate, new PrintingObserver(), engineOptions);
        try
        {
            enforcer.Start();
        }
        catch (Exception e) when (e is HookException or Netlink.NetlinkException)
        {
            Console.WriteLine("error " + e.Message);
            return 1;
        }
        foreach (var left in enforcer.RecoveredLeftovers) Console.WriteLine("recovered " + left);
        Console.WriteLine($"ready queue={(enforcer.Hooks!.UsesNftQueue ? "nft" : "iptables")} table={options.ToHookOptions().TableName}");
        while (!stop.Wait(200))
        {
            if (enforcer.Failure is { } f)
            {
                Console.WriteLine("error " + f.Message);
                break;
            }
        }
        enforcer.Stop();
        var c = enforcer.Counters;
        Console.WriteLine($"stopped reports={c.Reports} rewritten={c.ReportsRewritten} dropped={c.ReportsDropped} flows-admitted={c.FlowsAdmitted} flows-denied={c.FlowsDenied} set-errors={c.SetWriteErrors}");
        return 0;
    }

    /// <summary>One line per decision: "join IF (S,G) admit|deny REASON", "leave …", "flow IF (S,G) …", "output IF (S,G) …", "query IF HOST dropped|passed".</summary>
    private sealed class PrintingObserver : IEnforcementObserver
    {
        public void OnMembership(in MembershipOutcome o) =>
            Console.WriteLine($"{(o.Change == Packets.Membership.ChangeKind.Join ? "join" : "leave")} {o.Interface} ({o.Source},{o.Group}) v{o.Version} {Verdict(o.Decision)}");

        public void OnFlow(in FlowOutcome o) => Console.WriteLine($"flow {o.Interface} ({o.Source},{o.Group}) {Verdict(o.Decision)}");

        public void OnOutput(in OutputOutcome o) => Console.WriteLine($"output {o.Interface} ({o.Source},{o.Group}) {Verdict(o.Decision)}");

        public void OnQuery(in QueryOutcome o) => Console.WriteLine($"query {o.Interface} {o.Host} v{o.Version} {(o.Dropped ? "dropped" : "passed")}");

        public void OnProblem(in EnforcementProblem p) => Console.WriteLine($"problem {p.Interface} {p.What}");

        private static string Verdict(in Decision d) => d.IsWouldDeny ? "admit audit-would-deny " + Decision.ReasonText(d.Reason) : d.IsAdmit ? "admit" : "deny " + Decision.ReasonText(d.Reason);
    }
}
