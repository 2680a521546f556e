using PolicyKit.Compiler.Plan;
using static PolicyKit.Compiler.Tests.Fidelity.FidelityCompile;

namespace PolicyKit.Compiler.Tests.Convergence;

/// <summary>
/// Issue 16: re-applying a compiled configuration only added — a rule removed from the policy
/// stayed on the router. A plan against the running configuration (a fixture in the platform's
/// own text: the site's config, a filter of its own, and v1 as PolicyKit wrote it), applied by a
/// small model of the platform's semantics, gives exactly v2 and leaves the site's config intact.
/// </summary>
public sealed class PlanConvergenceTests
{
    // v1 → v2: a join rule removed, a BGP prefix inserted, the BGP neighbor changed.
    private const string V1 = """
        sources s { 10.1.0.0/16; 10.3.0.0/16; 10.5.0.0/16; }
        prefixes p { 198.18.0.0/24; 198.18.2.0/24; 198.18.4.0/24; }
        filter cust { permit prefixes p; }
        filter joins { deny groups 239.255.0.0/16; permit groups 239.1.0.0/16; permit groups 239.2.0.0/16; }
        device r platform PLATFORM {
            interface "IFNAME" { igmp { access joins; } }
            rp { address 192.0.2.1 groups 239.192.0.0/16; accept-register sources s; }
            bgp as 64500 { neighbor 192.0.2.9 as 64501 { max-prefix 10; prefix-filter in cust; } }
        }
        """;

    private static string V2 => V1
        .Replace(" permit groups 239.2.0.0/16;", "", StringComparison.Ordinal)
        .Replace("198.18.2.0/24;", "198.18.2.0/24; 198.18.3.0/24;", StringComparison.Ordinal)
        .Replace("192.0.2.9", "192.0.2.10", StringComparison.Ordinal);

    private static readonly Dictionary<string, (string Interface, string Site)> Platforms = new()
    {
        ["ios-xe"] = ("GigabitEthernet1", """
            hostname r
            interface GigabitEthernet2
             ip address 10.0.0.1 255.255.255.0
             ip access-group SITE-MGMT in
            ip access-list extended SITE-MGMT
             10 permit tcp any any eq 22
            ip prefix-list SITE-DEFAULT seq 5 permit 0.0.0.0/0
            router ospf 1
             network 10.0.0.0 0.0.0.255 area 0
            """),
        ["ios-xr"] = ("GigabitEthernet0/0/0/1", """
            hostname r
            interface GigabitEthernet0/0/0/2
             ipv4 address 10.0.0.1 255.255.255.0
             ipv4 access-group SITE-MGMT ingress
            ipv4 access-list SITE-MGMT
             10 permit tcp any any eq 22
            router ospf 1
             area 0
              interface GigabitEthernet0/0/0/2
            """),
        ["junos"] = ("ge-0/0/1", """
            set system host-name r
            set interfaces ge-0/0/2 unit 0 family inet address 10.0.0.1/24
            set interfaces ge-0/0/2 unit 0 family inet filter input SITE-MGMT
            set firewall family inet filter SITE-MGMT term ssh from protocol tcp
            set firewall family inet filter SITE-MGMT term ssh then accept
            set protocols ospf area 0 interface ge-0/0/2.0
            """),
    };

    private static string Compiled(string policy, string platform) =>
        OutputOf(policy.Replace("PLATFORM", platform, StringComparison.Ordinal).Replace("IFNAME", Platforms[platform].Interface, StringComparison.Ordinal), platform);

    /// <summary>The router's running configuration after v1 was applied: the site's config and v1's statements.</summary>
    private static string Running(string platform)
    {
        var v1 = PlatformModel.Apply(platform, Platforms[platform].Site, Plan(platform, Platforms[platform].Site, Compiled(V1, platform)).Commands);
        return Render(v1);
    }

    private static DeploymentPlan.Result Plan(string platform, string running, string compiled) => DeploymentPlan.Make(platform, running, compiled);

    /// <summary>Statements kept by the model (context \u001f text) back to indented text, each under its block's headers.</summary>
    private static string Render(IEnumerable<string> keys)
    {
        var text = new System.Text.StringBuilder();
        foreach (var key in keys)
        {
            var parts = key.Split(" \u001f ");
            for (int i = 0; i < parts.Length; i++) text.Append(' ', i).Append(parts[i]).Append('\n');
        }
        return text.ToString();
    }

    [Theory]
    [InlineData("ios-xe")]
    [InlineData("ios-xr")]
    [InlineData("junos")]
    public void Applying_the_plan_gives_v2_and_leaves_the_site_config_intact(string platform)
    {
        string running = Running(platform);
        string v2 = Compiled(V2, platform);
        var plan = Plan(platform, running, v2);
        Assert.Empty(plan.Conflicts);
        var applied = PlatformModel.Apply(platform, running, plan.Commands);
        var after = applied.ToHashSet(StringComparer.Ordinal);

        var expected = PlatformModel.Statements(platform, Platforms[platform].Site);
        expected.UnionWith(PlatformModel.Statements(platform, v2));
        string commands = string.Join("\n", plan.Commands);
        Assert.True(expected.SetEquals(after),
            $"plan:\n{commands}\n\nmissing after apply:\n{string.Join("\n", expected.Except(after))}\n\nleft over:\n{string.Join("\n", after.Except(expected))}");

        // The removed rule, the old neighbor and nothing of the site are touched; the plan of v2 against v2 is empty.
        Assert.DoesNotContain(plan.Commands, c => c.Contains("SITE-", StringComparison.Ordinal) || c.Contains("ospf", StringComparison.Ordinal));
        Assert.Empty(Plan(platform, Render(applied), v2).Commands);
    }

    [Theory]
    [InlineData("ios-xe", "interface GigabitEthernet1\n ip igmp access-group SITE-JOINS\n", "SITE-JOINS")]
    [InlineData("junos", "set interfaces lo0 unit 0 family inet filter input SITE-LO0\n", "SITE-LO0")]
    public void A_setting_that_holds_a_site_object_is_a_conflict_not_a_replacement(string platform, string site, string siteObject)
    {
        string policy = V1.Replace("bgp as", "control-plane { rate-limit pim 100 pps; }\n    bgp as", StringComparison.Ordinal);
        var plan = Plan(platform, Platforms[platform].Site + "\n" + site, Compiled(policy, platform));
        var (running, compiled) = Assert.Single(plan.Conflicts);
        Assert.Contains(siteObject, running.Text, StringComparison.Ordinal);
        Assert.Contains("PK-", compiled.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_composed_loopback_filter_runs_after_PolicyKits_and_the_plan_converges_to_the_list()
    {
        // The site protects lo0 with its own filter; v1 took that place (takeover), v2 composes with it.
        const string SiteLo0 = """
            set firewall family inet filter SITE-LO0 term ssh from protocol tcp
            set firewall family inet filter SITE-LO0 term ssh then accept
            set interfaces lo0 unit 0 family inet filter input SITE-LO0
            """;
        string policy = V1.Replace("bgp as", "control-plane { rate-limit pim 100 pps; }\n    bgp as", StringComparison.Ordinal);
        string v2 = Compiled(policy.Replace("device r platform PLATFORM {", "device r platform PLATFORM {\n    compose loopback-filter \"SITE-LO0\";", StringComparison.Ordinal), "junos");
        var lines = v2.Split('\n');
        Assert.Equal(
            ["delete interfaces lo0 unit 0 family inet filter input", "delete interfaces lo0 unit 0 family inet filter input-list",
             "set interfaces lo0 unit 0 family inet filter input-list PK-R-LO0", "set interfaces lo0 unit 0 family inet filter input-list SITE-LO0"],
            lines.Where(l => l.Contains("interfaces lo0", StringComparison.Ordinal)));
        // PolicyKit's filter decides only what it polices: no catch-all term, so the rest reaches the site's.
        Assert.DoesNotContain(lines, l => l.Contains("PK-R-LO0 term accept-rest", StringComparison.Ordinal));

        string running = Platforms["junos"].Site + "\n" + SiteLo0;
        var plan = Plan("junos", running, v2);
        Assert.Empty(plan.Conflicts);
        int deleted = plan.Commands.ToList().IndexOf("delete interfaces lo0 unit 0 family inet filter input");
        int listed = plan.Commands.ToList().IndexOf("set interfaces lo0 unit 0 family inet filter input-list PK-R-LO0");
        int site = plan.Commands.ToList().IndexOf("set interfaces lo0 unit 0 family inet filter input-list SITE-LO0");
        int defined = plan.Commands.ToList().FindIndex(c => c.StartsWith("set firewall family inet filter PK-R-LO0 ", StringComparison.Ordinal));
        Assert.True(defined >= 0 && defined < listed && deleted >= 0 && listed < site, string.Join("\n", plan.Commands));
        Assert.DoesNotContain(plan.Commands, c => c.Contains("filter SITE-LO0 ", StringComparison.Ordinal));

        var applied = PlatformModel.Apply("junos", running, plan.Commands);
        Assert.DoesNotContain("set interfaces lo0 unit 0 family inet filter input SITE-LO0", applied);
        Assert.Contains("set firewall family inet filter SITE-LO0 term ssh then accept", applied);
        Assert.Empty(Plan("junos", Render(applied), v2).Commands);

        // Taken over instead of composed: the plan may replace the site's filter in its place.
        string takeover = Compiled(policy.Replace("device r platform PLATFORM {", "device r platform PLATFORM {\n    takeover \"SITE-LO0\";", StringComparison.Ordinal), "junos");
        Assert.NotEmpty(Plan("junos", running, takeover).Conflicts);
        var taken = DeploymentPlan.Make("junos", running, takeover, [new DeploymentPlan.Takeover("SITE-LO0", null)]);
        Assert.Empty(taken.Conflicts);
        Assert.Contains("set interfaces lo0 unit 0 family inet filter input PK-R-LO0", taken.Commands);
    }

    // IOS-XE numbers AS-path lists: PolicyKit's are those only its route-maps use.
    private const string AsPathV1 = """
        prefixes p { 198.18.0.0/24; }
        filter cust { permit prefixes p; }
        device r platform ios-xe {
            bgp as 64500 { neighbor 192.0.2.9 as 64501 { max-prefix 10; prefix-filter in cust; as-path reject private-asns; as-path max-length 50; } }
        }
        """;

    [Fact]
    public void Ios_xe_as_path_lists_only_PolicyKits_route_maps_use_are_owned_and_converge()
    {
        const string Site = "hostname r\nip prefix-list SITE-DEFAULT seq 5 permit 0.0.0.0/0\n";
        string v1 = OutputOf(AsPathV1, "ios-xe");
        string v2 = OutputOf(AsPathV1.Replace(" as-path max-length 50;", "", StringComparison.Ordinal), "ios-xe");
        Assert.Contains("ip as-path access-list 2 ", v1, StringComparison.Ordinal);
        Assert.DoesNotContain("ip as-path access-list 2 ", v2, StringComparison.Ordinal);
        string running = Render(PlatformModel.Apply("ios-xe", Site, Plan("ios-xe", Site, v1).Commands));

        var plan = Plan("ios-xe", running, v2);
        Assert.Empty(plan.Conflicts);
        Assert.Contains(plan.Commands, c => c.StartsWith("no ip as-path access-list 2 permit ", StringComparison.Ordinal));
        var after = PlatformModel.Apply("ios-xe", running, plan.Commands).ToHashSet(StringComparer.Ordinal);
        var expected = PlatformModel.Statements("ios-xe", Site);
        expected.UnionWith(PlatformModel.Statements("ios-xe", v2));
        Assert.True(expected.SetEquals(after), $"plan:\n{string.Join("\n", plan.Commands)}\n\nleft over:\n{string.Join("\n", after.Except(expected))}\n\nmissing:\n{string.Join("\n", expected.Except(after))}");
    }

    [Fact]
    public void An_as_path_list_number_the_sites_route_map_uses_is_a_conflict()
    {
        const string Site = "hostname r\nip as-path access-list 1 permit ^65000_\nroute-map SITE-IN permit 10\n match as-path 1\n";
        var plan = Plan("ios-xe", Site, OutputOf(AsPathV1, "ios-xe"));
        var (running, compiled) = Assert.Single(plan.Conflicts);
        Assert.Equal("ip as-path access-list 1 permit ^65000_", running.Text);
        Assert.StartsWith("ip as-path access-list 1 permit ", compiled.Text, StringComparison.Ordinal);
        // The site's list that nothing of PolicyKit's uses is the site's even when no route-map uses it.
        Assert.Single(Plan("ios-xe", "hostname r\nip as-path access-list 1 permit ^65000_\n", OutputOf(AsPathV1, "ios-xe")).Conflicts);
    }

    /// <summary>
    /// IOS-XE applies each command as it is typed: after every command of the v1→v2 plan, every
    /// owned statement that v1 and v2 both have (an ACL entry, a prefix-list entry, an access
    /// group) is on the router — no protection the policy keeps is ever absent.
    /// </summary>
    [Fact]
    public void Ios_xe_plan_never_removes_a_kept_protection_at_any_step()
    {
        string running = Running("ios-xe");
        var kept = PlatformModel.Statements("ios-xe", Compiled(V1, "ios-xe"));
        kept.IntersectWith(PlatformModel.Statements("ios-xe", Compiled(V2, "ios-xe")));
        kept.RemoveWhere(k => !k.Contains("PK-", StringComparison.Ordinal));
        Assert.NotEmpty(kept);
        var commands = Plan("ios-xe", running, Compiled(V2, "ios-xe")).Commands;
        Assert.Contains(commands, c => c.TrimStart().StartsWith("no ", StringComparison.Ordinal));
        for (int step = 0; step <= commands.Count; step++)
        {
            var state = PlatformModel.Apply("ios-xe", running, commands.Take(step).ToList()).ToHashSet(StringComparer.Ordinal);
            var missing = kept.Where(k => !state.Contains(k)).ToList();
            Assert.True(missing.Count == 0, $"after command {step} ({(step > 0 ? commands[step - 1] : "none")}) these kept protections are absent:\n{string.Join("\n", missing)}");
        }
    }

    /// <summary>
    /// A definition of PolicyKit's beside one of the site (class-map, policy-map, community-list, IPsec
    /// profile, key chain, a Junos BGP group and what stands in it) is another object, not a place
    /// PolicyKit's would take: no conflict (it was MP4030 before), and not a place MP4032 lists.
    /// </summary>
    [Theory]
    [InlineData("ios-xe", "class-map match-all SITE-COPP\n match access-group name SITE-COPP\npolicy-map SITE-COPP\n class SITE-COPP\n  drop\n",
        "class-map match-all PK-R-COPP\n match access-group name PK-R-COPP\npolicy-map PK-R-COPP\n class PK-R-COPP\n  drop\n")]
    [InlineData("junos", "set security authentication-key-chains key-chain SITE-BGP key 1 algorithm ao\n",
        "set security authentication-key-chains key-chain PK-R-BGP key 1 algorithm ao\n")]
    [InlineData("ios-xe", "ip community-list standard SITE-C permit 65535:0\ncrypto ipsec profile SITE-P\n set transform-set T\n",
        "ip community-list standard PK-C permit 65535:0\ncrypto ipsec profile PK-P\n set transform-set T\n")]
    [InlineData("ios-xr", "tcp ao\n keychain SITE-K\n  key 1 SendID 1 ReceiveID 1\n", "tcp ao\n keychain PK-K\n  key 1 SendID 1 ReceiveID 1\n")]
    [InlineData("junos", "set protocols bgp group SITE-G type external\nset protocols bgp group SITE-G neighbor 192.0.2.9 import SITE-IN\n",
        "set protocols bgp group PK-G type external\nset protocols bgp group PK-G neighbor 192.0.2.9 import PK-IN\n")]
    public void A_definition_beside_the_sites_own_is_no_conflict(string platform, string running, string compiled)
    {
        var plan = DeploymentPlan.Make(platform, running, compiled);
        Assert.Empty(plan.Conflicts);
        Assert.Empty(DeploymentPlan.Bindings(platform, compiled));
        Assert.DoesNotContain(plan.Commands, c => c.Contains("SITE-", StringComparison.Ordinal));
    }
}
