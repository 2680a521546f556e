using PolicyKit.Nfqueue.Tests.Infrastructure;

namespace PolicyKit.Nfqueue.Tests.Live;

/// <summary>
/// New flows through the enforcer, end to end: a sender sends to more (S,G) than the policy admits,
/// the edge forwards them to the receiver (smcroute static routes, or nft dup on a kernel without
/// multicast routing: <see cref="LabForwarding"/>), and counters in the receiver show which flows
/// got through; the admitted and refused flows are in the edge's nft sets.
/// </summary>
public sealed class FlowEnforcementTests : IDisposable, IClassFixture<LabForwardingReport>
{
    private readonly EdgeLab _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public void Flows_beyond_the_route_limit_are_dropped_and_the_admitted_ones_are_in_the_allow_set()
    {
        string policy = $$"""
            groups tv { 239.2.0.0/16; }
            device edge1 platform ios-xe {
                mroute-limit 4 warn 3;
                interface "{{_lab.EdgeToSender}}" { }
                interface "{{_lab.EdgeToReceiver}}" { }
            }
            """;
        string table = Policies.FromText(policy, "edge1", _lab.Lab.Directory);
        string[] groups = [.. Enumerable.Range(1, 6).Select(i => $"239.2.0.{i}")];
        var path = _lab.StartForwarding(groups);
        _lab.CountAtReceiver(groups);
        var enforcer = _lab.StartEnforcer(table, "--ipv4-only");

        _lab.Send(groups, count: 3);
        enforcer.WaitFor(l => l.StartsWith($"flow {_lab.EdgeToSender} ({EdgeLab.SenderAddress},239.2.0.6)", StringComparison.Ordinal), EdgeLab.Wait, "the sixth flow decided");

        var counts = _lab.ReceiverCounts();
        Assert.True(groups.Take(4).All(g => counts[g] > 0) && groups.Skip(4).All(g => counts[g] == 0),
            $"the first four flows (route limit 4) reach the receiver (forwarded by {path}), the others do not: " + string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}")) + "\n" + enforcer.Transcript());
        Assert.Contains(enforcer.Lines, l => l == $"flow {_lab.EdgeToSender} ({EdgeLab.SenderAddress},239.2.0.5) deny route-limit");

        string allow = _lab.ListSet("allow4");
        foreach (var g in groups.Take(4)) Assert.Contains($"\"{_lab.EdgeToSender}\" . {EdgeLab.SenderAddress} . {g} timeout", allow);
        string deny = _lab.ListSet("deny4");
        foreach (var g in groups.Skip(4)) Assert.Contains($"\"{_lab.EdgeToSender}\" . {EdgeLab.SenderAddress} . {g} timeout", deny);
        Assert.DoesNotContain("239.2.0.5", allow);

        // Later packets of admitted flows take the kernel fast path: the agent saw each flow only while it was new.
        int decisions = enforcer.Lines.Count(l => l.StartsWith("flow ", StringComparison.Ordinal));
        _lab.Send(groups.Take(4), count: 5, pauseMs: 20);
        Thread.Sleep(500);
        Assert.Equal(decisions, enforcer.Lines.Count(l => l.StartsWith("flow ", StringComparison.Ordinal)));
        Assert.True(groups.Take(4).All(g => _lab.ReceiverCounts()[g] >= 8), $"the admitted flows keep flowing (forwarded by {path})");
    }

    /// <summary>
    /// The broadband example's newer DSLAM port (GigabitEthernet0/0/2): 250 Mbps out for CP1's channels,
    /// MPEG-2 HD at 18 Mbps each, so 13 HD channels fit and the 14th does not. Receivers there join
    /// 14 HD channels (all admitted: the IGMP count backstop is 470); the head-end sends all 14.
    /// </summary>
    [Fact]
    public void Broadband_example_cost_limit_out_forwards_13_hd_channels_and_refuses_the_14th_on_that_port()
    {
        string table = Policies.Example("broadband-edge", "pe-agg-1", _lab.Lab.Directory);
        string[] groups = [.. Enumerable.Range(1, 14).Select(i => $"232.1.64.{i}")];
        var path = _lab.StartForwarding(groups);
        _lab.CountAtReceiver(groups);
        var enforcer = _lab.StartEnforcer(table, "--ipv4-only",
            "--map", $"{_lab.EdgeToReceiver}=GigabitEthernet0/0/2", "--map", $"{_lab.EdgeToSender}=TenGigabitEthernet0/1/0");

        _lab.Join(EdgeLab.SenderAddress, 50, groups);
        foreach (var g in groups)
            enforcer.WaitFor(l => l.StartsWith($"join {_lab.EdgeToReceiver} ({EdgeLab.SenderAddress},{g}) v3 admit", StringComparison.Ordinal), EdgeLab.Wait, $"join {g}");

        _lab.Send(groups, count: 2);
        enforcer.WaitFor(l => l.StartsWith($"output {_lab.EdgeToReceiver} ({EdgeLab.SenderAddress},232.1.64.14)", StringComparison.Ordinal), EdgeLab.Wait, "the 14th output decided");
        Assert.Contains(enforcer.Lines, l => l == $"output {_lab.EdgeToReceiver} ({EdgeLab.SenderAddress},232.1.64.14) deny state-limit");
        Assert.Contains(enforcer.Lines, l => l == $"output {_lab.EdgeToReceiver} ({EdgeLab.SenderAddress},232.1.64.13) admit");

        var counts = _lab.ReceiverCounts();
        Assert.True(groups.Take(13).All(g => counts[g] > 0) && counts["232.1.64.14"] == 0,
            $"13 HD channels fit in 250 Mbps (forwarded by {path}): " + string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}")) + "\n" + enforcer.Transcript());
        Assert.Contains($"\"{_lab.EdgeToReceiver}\" . {EdgeLab.SenderAddress} . 232.1.64.14", _lab.ListSet("outdeny4"));
        // The state itself is admitted (the route limit is 4000): the flow is refused on that port only.
        Assert.Contains($"\"{_lab.EdgeToSender}\" . {EdgeLab.SenderAddress} . 232.1.64.14", _lab.ListSet("allow4"));
    }
}
