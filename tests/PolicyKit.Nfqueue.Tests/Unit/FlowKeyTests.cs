using PolicyKit.Engine;
using PolicyKit.Nfqueue.Enforcement;
using PolicyKit.Nfqueue.Flows;
using PolicyKit.Tables.Model;

namespace PolicyKit.Nfqueue.Tests.Unit;

public class FlowKeyTests
{
    [Fact]
    public void An_ipv4_key_is_the_interface_name_in_16_bytes_then_source_and_group_in_network_order()
    {
        var key = new FlowKey("eth1", Address.Parse("198.51.100.10"), Address.Parse("232.1.0.1"));
        var bytes = new byte[64];
        int n = NetlinkFlowSetWriter.EncodeKey(key, bytes);
        Assert.Equal(24, n);
        Assert.Equal("eth1"u8.ToArray(), bytes[..4]);
        Assert.All(bytes[4..16], b => Assert.Equal(0, b));
        Assert.Equal(new byte[] { 198, 51, 100, 10, 232, 1, 0, 1 }, bytes[16..24]);
        Assert.Equal("allow4", FlowKey.SetName(FlowSet.Allow, key.Family));
        Assert.Equal("outdeny6", FlowKey.SetName(FlowSet.OutputDeny, AddressFamily.V6));
    }

    [Fact]
    public void An_ipv6_key_is_48_bytes()
    {
        var key = new FlowKey("veth0", Address.Parse("2001:db8::1"), Address.Parse("ff3e::8000:1"));
        var bytes = new byte[64];
        Assert.Equal(48, NetlinkFlowSetWriter.EncodeKey(key, bytes));
        Assert.Equal(0x20, bytes[16]);
        Assert.Equal(0xff, bytes[32]);
        Assert.Equal(0x01, bytes[47]);
    }

    [Theory]
    [InlineData("averyveryverylongname")]
    [InlineData("")]
    public void A_name_that_is_no_linux_interface_name_is_refused(string name)
    {
        var key = new FlowKey(name, Address.Parse("10.0.0.1"), Address.Parse("232.1.0.1"));
        Assert.Throws<ArgumentException>(() => NetlinkFlowSetWriter.EncodeKey(key, new byte[64]));
    }

    [Fact]
    public void Mixed_families_are_refused()
    {
        var key = new FlowKey("eth0", Address.Parse("2001:db8::1"), Address.Parse("232.1.0.1"));
        Assert.Throws<ArgumentException>(() => NetlinkFlowSetWriter.EncodeKey(key, new byte[64]));
    }

    [Theory]
    [InlineData("10.8.0.2", true)]
    [InlineData("10.8.0.255", true)]
    [InlineData("10.8.1.2", false)]
    [InlineData("2001:db8:0:1::5", true)]
    [InlineData("2001:db8:0:2::5", false)]
    public void A_source_in_one_of_the_interface_subnets_is_connected(string source, bool connected)
    {
        var iface = new ResolvedInterface(3, "eth0", "eth0", new InterfaceId(0),
            [(Address.Parse("10.8.0.1"), 24), (Address.Parse("2001:db8:0:1::1"), 64)]);
        Assert.Equal(connected, iface.IsConnected(Address.Parse(source)));
    }

    [Theory]
    [InlineData("224.0.0.22", true)]
    [InlineData("224.0.0.255", true)]
    [InlineData("224.0.1.1", false)]
    [InlineData("ff02::16", true)]
    [InlineData("ff01::1", true)]
    [InlineData("ff05::1:3", false)]
    public void Link_local_groups_are_recognised(string group, bool linkLocal)
    {
        Assert.Equal(linkLocal, Addresses.IsLinkLocalMulticast(Address.Parse(group)));
    }
}
