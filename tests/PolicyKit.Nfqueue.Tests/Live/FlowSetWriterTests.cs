using PolicyKit.Engine;
using PolicyKit.Nfqueue.Flows;
using PolicyKit.Nfqueue.Hooks;
using PolicyKit.Nfqueue.Netlink;
using PolicyKit.Nfqueue.Tests.Infrastructure;
using PolicyKit.Tables.Model;

namespace PolicyKit.Nfqueue.Tests.Live;

/// <summary>The nf_tables netlink writer against the kernel: what it adds, nft lists.</summary>
public sealed class FlowSetWriterTests : IDisposable
{
    private readonly Lab _lab = new();
    private readonly string _ns;
    private readonly string _table;

    public FlowSetWriterTests()
    {
        RealParts.Require("ip", "nft");
        _ns = _lab.Namespace("w");
        var options = new HookOptions { InstanceId = "w" + _lab.Suffix };
        _table = options.TableName;
        var r = new ProcessCommandRunner(["ip", "netns", "exec", _ns]).Run("nft", ["-f", "-"], new HookPlan(options, false).NftScript());
        Assert.True(r.Ok, r.Error);
    }

    public void Dispose() => _lab.Dispose();

    private string List(string set) => _lab.ExecOk(_ns, "nft", "list", "set", "inet", _table, set);

    [Fact]
    public void Added_elements_are_in_the_kernel_with_their_timeout_and_delete_and_flush_remove_them()
    {
        using var writer = InNamespace.Run(_ns, () => new NetlinkFlowSetWriter(_table));
        writer.Add(FlowSet.Allow, new FlowKey("eth1", Address.Parse("198.51.100.10"), Address.Parse("232.1.0.1")), TimeSpan.FromSeconds(30));
        writer.Add(FlowSet.Allow, new FlowKey("eth1", Address.Parse("198.51.100.10"), Address.Parse("232.1.0.2")), TimeSpan.FromSeconds(30));
        writer.Add(FlowSet.Deny, new FlowKey("eth2", Address.Parse("10.0.0.1"), Address.Parse("239.1.1.1")), TimeSpan.FromSeconds(5));
        writer.Add(FlowSet.Allow, new FlowKey("eth3", Address.Parse("2001:db8::10"), Address.Parse("ff3e::1")), TimeSpan.FromSeconds(30));
        // Adding an element that is there already is not an error (several packets of a new flow may be queued).
        writer.Add(FlowSet.Allow, new FlowKey("eth1", Address.Parse("198.51.100.10"), Address.Parse("232.1.0.1")), TimeSpan.FromSeconds(30));

        string allow = List("allow4");
        Assert.Contains("\"eth1\" . 198.51.100.10 . 232.1.0.1 timeout 30s", allow);
        Assert.Contains("\"eth1\" . 198.51.100.10 . 232.1.0.2 timeout 30s", allow);
        Assert.Contains("\"eth2\" . 10.0.0.1 . 239.1.1.1 timeout 5s", List("deny4"));
        Assert.Contains("\"eth3\" . 2001:db8::10 . ff3e::1 timeout 30s", List("allow6"));

        writer.Delete(FlowSet.Allow, new FlowKey("eth1", Address.Parse("198.51.100.10"), Address.Parse("232.1.0.2")));
        writer.Delete(FlowSet.Allow, new FlowKey("eth9", Address.Parse("1.2.3.4"), Address.Parse("232.9.9.9")));   // not there: no error
        allow = List("allow4");
        Assert.Contains("232.1.0.1", allow);
        Assert.DoesNotContain("232.1.0.2", allow);

        writer.Flush(FlowSet.Allow, AddressFamily.V4);
        Assert.DoesNotContain("232.1.0.1", List("allow4"));
        Assert.Contains("ff3e::1", List("allow6"));
    }

    [Fact]
    public void Elements_expire_after_their_timeout()
    {
        using var writer = InNamespace.Run(_ns, () => new NetlinkFlowSetWriter(_table));
        writer.Add(FlowSet.Deny, new FlowKey("eth1", Address.Parse("10.0.0.1"), Address.Parse("239.1.1.1")), TimeSpan.FromSeconds(1));
        Assert.Contains("239.1.1.1", List("deny4"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (List("deny4").Contains("239.1.1.1", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the element did not expire");
            Thread.Sleep(200);
        }
    }

    [Fact]
    public void A_table_that_is_not_there_is_a_clear_error()
    {
        using var writer = InNamespace.Run(_ns, () => new NetlinkFlowSetWriter("policykit_nosuch"));
        var e = Assert.Throws<NetlinkException>(() => writer.Add(FlowSet.Allow, new FlowKey("eth1", Address.Parse("10.0.0.1"), Address.Parse("232.1.0.1")), TimeSpan.FromSeconds(5)));
        Assert.Equal(2, e.Errno);   // ENOENT
        Assert.Contains("policykit_nosuch", e.Message);
        Assert.Contains("allow4", e.Message);
    }
}
