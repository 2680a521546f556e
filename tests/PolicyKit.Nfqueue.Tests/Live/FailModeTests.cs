using PolicyKit.Nfqueue.Tests.Infrastructure;

namespace PolicyKit.Nfqueue.Tests.Live;

/// <summary>
/// The enforcer killed (SIGKILL, by PID): its hooks stay, so the fail mode decides — fail-open lets
/// joins and new flows pass unchecked, fail-closed drops them; the next start removes the leftovers
/// (crash recovery) and a clean stop removes every hook.
/// </summary>
public sealed class FailModeTests : IDisposable, IClassFixture<LabForwardingReport>
{
    private readonly EdgeLab _lab = new();

    public void Dispose() => _lab.Dispose();

    private string Policy() => $$"""
        groups tv { 239.3.0.0/16; }
        filter joins { permit groups tv; }
        device edge1 platform ios-xe {
            interface "{{_lab.EdgeToReceiver}}" { igmp { access joins; limit 100; } }
            interface "{{_lab.EdgeToSender}}" { }
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_killed_enforcer_fails_open_or_closed_as_configured_and_the_next_start_recovers(bool failClosed)
    {
        string table = Policies.FromText(Policy(), "edge1", _lab.Lab.Directory);
        string[] flows = ["239.3.1.1", "239.3.1.2"];
        var path = _lab.StartForwarding(flows);
        _lab.CountAtReceiver(flows);
        string[] mode = failClosed ? ["--fail-closed", "--ipv4-only"] : ["--ipv4-only"];
        var enforcer = _lab.StartEnforcer(table, mode);
        var listener = _lab.StartListener();

        // Working: a join passes through the enforcer, a flow is admitted.
        _lab.Join(null, 0, "239.3.0.1");
        enforcer.WaitFor(l => l.StartsWith($"join {_lab.EdgeToReceiver} (-,239.3.0.1) v3 admit", StringComparison.Ordinal), EdgeLab.Wait, "a join while running");
        _lab.Send([flows[0]], count: 2);
        enforcer.WaitFor(l => l.StartsWith($"flow {_lab.EdgeToSender} ({EdgeLab.SenderAddress},{flows[0]}) admit", StringComparison.Ordinal), EdgeLab.Wait, "a flow while running");

        // Where the queue rules live depends on the kernel (nft queue statement, else iptables-nft): the enforcer says.
        bool viaIptables = enforcer.Lines.Any(l => l.StartsWith("ready queue=iptables", StringComparison.Ordinal));
        enforcer.Signal(HostProcess.SIGKILL);
        Assert.True(enforcer.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains($"table inet {_lab.TableName}", _lab.Lab.ExecOk(_lab.Edge, "nft", "list", "tables"));
        if (viaIptables) Assert.Contains($"PK_{_lab.InstanceId}", _lab.Lab.ExecOk(_lab.Edge, "iptables-nft", "-t", "mangle", "-S"));

        // Down: a new join and a new flow.
        int mark = listener.LineCount;
        _lab.Join(null, 0, "239.3.0.2");
        _lab.Send([flows[1]], count: 3);
        if (failClosed)
        {
            Thread.Sleep(2500);   // the kernel sends the join report twice within a second
            Assert.DoesNotContain(EdgeLab.ReportsFromReceiver(listener, mark).SelectMany(r => r), c => c.Group == "239.3.0.2");
            Assert.True(_lab.ReceiverCounts()[flows[1]] == 0, $"fail-closed: the new flow is dropped (forwarded by {path})");
        }
        else
        {
            listener.WaitFor(l => l.StartsWith($"igmp {EdgeLab.ReceiverAddress} ", StringComparison.Ordinal) && l.Contains("239.3.0.2", StringComparison.Ordinal),
                EdgeLab.Wait, "the join passing unchecked", mark);
            Assert.True(_lab.ReceiverCounts()[flows[1]] > 0, $"fail-open: the new flow passes unchecked (forwarded by {path})");
        }
        // The admitted flow stays in the kernel fast path either way (its allow element outlives the agent).
        int before = (int)_lab.ReceiverCounts()[flows[0]];
        _lab.Send([flows[0]], count: 2, pauseMs: 20);
        Assert.True(_lab.ReceiverCounts()[flows[0]] >= before + 2, $"the admitted flow stays on the kernel fast path (forwarded by {path})");

        // The next start removes what the killed one left, then works; a clean stop leaves nothing.
        var next = _lab.StartEnforcer(table, mode);
        if (viaIptables) Assert.Contains(next.Lines, l => l == $"recovered iptables-nft: -A PREROUTING -j PK_{_lab.InstanceId}");
        Assert.Contains(next.Lines, l => l == $"recovered nft: table inet {_lab.TableName}");
        next.Signal(HostProcess.SIGTERM);
        next.WaitFor(l => l.StartsWith("stopped", StringComparison.Ordinal), EdgeLab.Wait, "stopped");
        Assert.True(next.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("PK_", _lab.Lab.ExecOk(_lab.Edge, "iptables-nft", "-t", "mangle", "-S"));
        Assert.DoesNotContain("PK_", _lab.Lab.ExecOk(_lab.Edge, "ip6tables-nft", "-t", "mangle", "-S"));
        Assert.DoesNotContain("policykit_", _lab.Lab.ExecOk(_lab.Edge, "nft", "list", "tables"));
    }
}
