using PolicyKit.Nfqueue.Hooks;

namespace PolicyKit.Nfqueue.Tests.Unit;

public class HookPlanTests
{
    private static string Joined(HookPlan plan) => string.Join("\n", plan.IptablesCommands().Select(c => c.Tool + " " + string.Join(' ', c.Arguments)));

    [Fact]
    public void Without_the_nft_queue_statement_the_queue_rules_are_an_iptables_nft_chain_of_our_own()
    {
        var plan = new HookPlan(new HookOptions { InstanceId = "edge7", QueueNumber = 12 }, nftQueue: false);
        string text = Joined(plan);
        Assert.Contains("iptables-nft -w -t mangle -N PK_edge7", text);
        Assert.Contains("iptables-nft -w -t mangle -A PK_edge7 -p igmp -j NFQUEUE --queue-num 12 --queue-bypass", text);
        Assert.Contains("iptables-nft -w -t mangle -A PK_edge7 -d 224.0.0.0/24 -j RETURN", text);
        Assert.Contains("iptables-nft -w -t mangle -A PK_edge7 -d 224.0.0.0/4 -j NFQUEUE --queue-num 12 --queue-bypass", text);
        Assert.Contains("iptables-nft -w -t mangle -I PREROUTING 1 -j PK_edge7", text);
        foreach (int type in HookPlan.MldTypes) Assert.Contains($"ip6tables-nft -w -t mangle -A PK_edge7 -p ipv6-icmp --icmpv6-type {type} -j NFQUEUE", text);
        // Marked packets (admitted flows, looped-back copies) come back out before any queue rule.
        var rules = plan.IptablesCommands().Where(c => c.Tool == "iptables-nft" && c.Arguments.Contains("-A")).ToList();
        Assert.Contains("--mark", rules[0].Arguments);
        Assert.DoesNotContain("queue num", plan.NftScript());
    }

    [Fact]
    public void Fail_closed_leaves_out_the_bypass()
    {
        var plan = new HookPlan(new HookOptions { InstanceId = "x", QueueNumber = 3, FailMode = FailMode.Closed }, nftQueue: false);
        Assert.DoesNotContain("--queue-bypass", Joined(plan));
        Assert.Contains("NFQUEUE --queue-num 3", Joined(plan));
        var nft = new HookPlan(new HookOptions { InstanceId = "x", QueueNumber = 3, FailMode = FailMode.Closed }, nftQueue: true).NftScript();
        Assert.Contains("queue num 3\n", nft);
        Assert.DoesNotContain("bypass", nft);
    }

    [Fact]
    public void Interfaces_restrict_the_jumps_and_ipv4_only_has_no_ip6tables()
    {
        var plan = new HookPlan(new HookOptions { InstanceId = "x", Interfaces = ["eth1", "eth2"], Ipv6 = false }, nftQueue: false);
        string text = Joined(plan);
        Assert.Contains("-I PREROUTING 1 -i eth1 -j PK_x", text);
        Assert.Contains("-I PREROUTING 1 -i eth2 -j PK_x", text);
        Assert.DoesNotContain("ip6tables", text);
        Assert.DoesNotContain("-I PREROUTING 1 -j PK_x", text);
    }

    [Fact]
    public void With_the_nft_queue_statement_everything_is_in_the_table_and_no_iptables_is_run()
    {
        var plan = new HookPlan(new HookOptions { InstanceId = "x", QueueNumber = 5, Interfaces = ["eth1"] }, nftQueue: true);
        Assert.Empty(plan.IptablesCommands());
        string nft = plan.NftScript();
        Assert.Contains("iifname { \"eth1\" } ip protocol igmp queue num 5 bypass", nft);
        Assert.Contains("ip daddr 224.0.0.0/4 ip daddr != 224.0.0.0/24 queue num 5 bypass", nft);
    }

    [Fact]
    public void The_table_has_the_flow_sets_and_the_chains_before_mangle()
    {
        string nft = new HookPlan(new HookOptions { InstanceId = "x", Mark = 0x200 }, nftQueue: false).NftScript();
        Assert.StartsWith("table inet policykit_x {", nft);
        foreach (var set in new[] { "allow4", "deny4", "outdeny4" }) Assert.Contains($"set {set} {{ type ifname . ipv4_addr . ipv4_addr; flags timeout; }}", nft);
        foreach (var set in new[] { "allow6", "deny6", "outdeny6" }) Assert.Contains($"set {set} {{ type ifname . ipv6_addr . ipv6_addr; flags timeout; }}", nft);
        Assert.Contains("type filter hook prerouting priority -160;", nft);
        Assert.Contains("iifname . ip saddr . ip daddr @deny4 counter drop", nft);
        Assert.Contains("iifname . ip saddr . ip daddr @allow4 counter meta mark set meta mark | 0x00000200", nft);
        Assert.Contains("chain outputs {\n\t\ttype filter hook postrouting priority -160; policy accept;\n\t\toifname . ip saddr . ip daddr @outdeny4 counter drop\n", nft);
        Assert.Contains("chain local {\n\t\ttype filter hook postrouting priority -160;", nft);
        Assert.DoesNotContain("hook forward", nft);
    }

    [Theory]
    [InlineData("Agent")]                 // upper case
    [InlineData("a-b")]                   // dash
    [InlineData("")]
    [InlineData("abcdefghijklmnopq")]     // 17 characters
    public void Bad_instance_ids_are_refused(string id)
    {
        var e = Assert.Throws<ArgumentException>(() => new HookPlan(new HookOptions { InstanceId = id }, false));
        Assert.Contains("instance id", e.Message);
    }

    [Fact]
    public void A_mark_of_more_than_one_bit_and_an_interface_name_with_a_slash_are_refused()
    {
        Assert.Contains("single bit", Assert.Throws<ArgumentException>(() => new HookOptions { Mark = 3 }.Validate()).Message);
        Assert.Contains("GigabitEthernet0/0/1", Assert.Throws<ArgumentException>(() => new HookOptions { Interfaces = ["GigabitEthernet0/0/1"] }.Validate()).Message);
    }
}
