using PolicyKit.Compiler.Emit.Frr;
using static PolicyKit.Compiler.Tests.Backends.Frr.FrrCompile;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>The exact FRR lines each construct becomes (FrrAcceptanceTests proves FRR accepts them).</summary>
public sealed class FrrScenarioTests
{
    private static string Router => Config(FrrTestPolicies.FrrRouter, "r1");

    private static string Linux => Config(FrrTestPolicies.LinuxEdge, "edge-1", allowUnsupported: true);

    private static string Unsupported => Config(FrrTestPolicies.FrrUnsupportedForms, "r2", allowUnsupported: true);

    [Fact]
    public void AcceptRegisterIsARegisterAcceptListOverSources()
    {
        // The except of the sources set is denied ahead of the set.
        HasBlock(Router,
            "ip prefix-list PK-R1.ACCEPT-REGISTER seq 5 deny 10.10.99.0/24 le 32",
            "ip prefix-list PK-R1.ACCEPT-REGISTER seq 10 permit 10.10.0.0/16 le 32");
        HasLine(Router, "ip pim register-accept-list PK-R1.ACCEPT-REGISTER");
    }

    [Fact]
    public void RpGroupsAndSsmRangeArePrefixListsMatchingEveryGroupInside()
    {
        HasBlock(Router,
            "ip prefix-list PK-R1-RP-GROUPS seq 5 deny 239.193.0.0/16 le 32",
            "ip prefix-list PK-R1-RP-GROUPS seq 10 permit 239.192.0.0/14 le 32");
        HasLine(Router, "ip pim rp 192.0.2.1 prefix-list PK-R1-RP-GROUPS");
        HasBlock(Router,
            "ip prefix-list PK-R1-SSM seq 5 permit 232.0.0.0/8 le 32",
            "ip prefix-list PK-R1-SSM seq 10 permit 233.252.0.0/14 le 32");
        HasLine(Router, "ip pim ssm prefix-list PK-R1-SSM");
    }

    [Fact]
    public void DefaultSsmRangeNeedsNoLine() =>
        LacksLineContaining(Config("device r platform frr { interface \"eth0\"; }", "r"), "ssm");

    [Fact]
    public void BoundaryIsBoundaryOilWithAPrefixList()
    {
        HasBlock(Router,
            "ip prefix-list PK-R1.ETH1.BOUNDARY seq 5 deny 239.0.0.0/8 le 32",
            "ip prefix-list PK-R1.ETH1.BOUNDARY seq 10 permit any");
        HasBlock(Router,
            "interface eth1",
            " description core",
            " ip pim",
            " no ip pim bsm",
            " no ip pim unicast-bsm",
            " ip multicast boundary oil PK-R1.ETH1.BOUNDARY",
            "exit");
    }

    [Fact]
    public void SeveralBoundariesOnOneInterfaceBecomeTheGroupsAllOfThemPermit()
    {
        // edge-boundary permits everything but 239/8 and Auto-RP; tv-only permits tv and the guide
        // (in 239/8): together only tv.
        HasBlock(Router,
            "ip prefix-list PK-ETH0-BOUNDARY seq 5 permit 232.10.0.0/16 le 32",
            "!");
        HasBlock(Router,
            "interface eth0",
            " description receivers",
            " ip pim",
            " ip pim passive",
            " ip igmp",
            " ip multicast boundary oil PK-ETH0-BOUNDARY",
            "exit");
    }

    [Fact]
    public void PimOffIsNoIpPim() => HasBlock(Router, "interface eth2", " no ip pim", "exit");

    [Fact]
    public void MsdpPeersAndMeshGroups()
    {
        HasLine(Router, "ip msdp peer 198.51.100.1 source 192.0.2.1");
        HasBlock(Router,
            "ip msdp mesh-group core source 192.0.2.1",
            "ip msdp mesh-group core member 10.0.0.2");
        HasLine(Router, "ip msdp mesh-group core member 10.0.0.3");
        LacksLineContaining(Router, "ip msdp peer 10.0.0.2");
    }

    [Fact]
    public void MaxPrefixRestartAndWarningOnlyAreInTheAddressFamily()
    {
        HasBlock(Router,
            " address-family ipv4 unicast",
            "  bgp dampening 10 500 1500 40",
            "  neighbor 198.51.100.9 activate",
            "  neighbor 198.51.100.9 maximum-prefix 500 80 restart 15",
            "  neighbor 198.51.100.9 prefix-list PK-CUSTOMER-IN in",
            "  neighbor 198.51.100.9 prefix-list PK-EXPORT-OUT out",
            "  neighbor 203.0.113.7 activate",
            "  neighbor 203.0.113.7 maximum-prefix 100",
            " exit-address-family");
        HasBlock(Router,
            " address-family ipv6 unicast",
            "  bgp dampening 10 500 1500 40",
            "  neighbor 2001:db8::9 activate",
            "  neighbor 2001:db8::9 maximum-prefix 1000 warning-only",
            "  neighbor 2001:db8::9 prefix-list PK-STD.BOGON-FILTER-IN-V6 in",
            " exit-address-family");
    }

    [Fact]
    public void SessionProtection()
    {
        HasBlock(Router,
            "router bgp 64496",
            " bgp router-id 192.0.2.254",
            " no bgp default ipv4-unicast",
            " bgp log-neighbor-changes");
        HasBlock(Router,
            " neighbor 198.51.100.9 remote-as 64502",
            " neighbor 198.51.100.9 description peer AS 64502",
            " neighbor 198.51.100.9 password secret-BGP_P1",
            " neighbor 198.51.100.9 ttl-security hops 1",
            " neighbor 198.51.100.9 timers 30 90");
        HasLine(Router, " neighbor 2001:db8::9 timers 0 0");
        HasLine(Router, " neighbor 203.0.113.7 ttl-security hops 2");
    }

    [Fact]
    public void PrefixFilterExceptFallsThroughExactly()
    {
        // customer: 198.18.0.0/15 le 24 except exactly 198.18.5.0/24; no rule after it, so the
        // excepted route meets the implicit deny.
        HasBlock(Router,
            "ip prefix-list PK-CUSTOMER-IN seq 5 deny 198.18.5.0/24",
            "ip prefix-list PK-CUSTOMER-IN seq 10 permit 198.18.0.0/15 le 24",
            "!");
    }

    [Fact]
    public void BmpTargetsBlock()
    {
        HasBlock(Router,
            " bmp targets noc",
            "  bmp connect 192.0.2.10 port 11019 min-retry 100 max-retry 1000",
            "  bmp monitor ipv4 unicast pre-policy",
            "  bmp monitor ipv4 unicast post-policy",
            "  bmp monitor ipv6 unicast pre-policy",
            "  bmp monitor ipv6 unicast post-policy",
            "  bmp stats interval 60000",
            " exit");
        HasBlock(Router,
            " bmp targets local-agent",
            "  ! no address: the station (mpol-agent) runs on this box",
            "  bmp connect 127.0.0.1 port 11020 min-retry 100 max-retry 1000",
            "  bmp monitor ipv4 unicast post-policy",
            "  bmp monitor ipv6 unicast post-policy",
            " exit",
            "exit");
        HasLine(Router, "! Daemons (/etc/frr/daemons): pimd, bgpd (with the BMP module: bgpd_options=\"-A 127.0.0.1 -M bmp\"); load with vtysh -b or frr-reload.");
    }

    [Fact]
    public void LinuxBmpOverMutualTlsGoesThroughALocalSocat()
    {
        HasBlock(Linux,
            " bmp targets noc",
            "  ! TLS: FRR's BMP speaks plain TCP, so it connects to a local socat that carries the session to 192.0.2.10 port 11019 over mutual TLS.",
            "  ! Run on this box (e.g. as a systemd service), with the router's client certificate signed by the station's CA:",
            "  !   socat TCP-LISTEN:41019,bind=127.0.0.1,reuseaddr,fork OPENSSL-CONNECT:192.0.2.10:11019,cafile=/etc/frr/pki/noc-ca.pem,cert=/etc/frr/pki/edge-1-bmp-client.crt,key=/etc/frr/pki/edge-1-bmp-client.key,verify=1,openssl-min-proto-version=TLS1.2,ciphers=ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305",
            "  !   note: TLS 1.3 suites are OpenSSL's defaults (all AEAD); socat 1.7 cannot narrow them",
            "  bmp connect 127.0.0.1 port 41019 min-retry 100 max-retry 1000",
            "  bmp monitor ipv4 unicast pre-policy",
            "  bmp monitor ipv4 unicast post-policy",
            "  bmp stats interval 30000",
            " exit");
        // The station's own key is never mentioned; the router presents its own certificate.
        Assert.DoesNotContain("bmp-noc.key", Linux);
        Assert.DoesNotContain("UNSUPPORTED on frr: bmp over tls", Linux);
    }

    [Fact]
    public void LinuxFrrConfHoldsOnlyTheRoutingConstructs()
    {
        string config = Linux;
        // Routing: written.
        HasLine(config, "ip pim rp 10.255.0.1 prefix-list PK-EDGE-1-RP-GROUPS");
        HasLine(config, "ip pim register-accept-list PK-EDGE-1.ACCEPT-REGISTER");
        HasLine(config, "ip msdp peer 192.0.2.1 source 10.255.0.1");
        HasBlock(config, "interface eth1", " description encoders", " ip pim", " ip pim passive", " no ip pim bsm", " no ip pim unicast-bsm", "exit");
        HasLine(config, " ip multicast boundary oil PK-EDGE-1.ETH0.BOUNDARY");
        // IGMP as FRR has it: on, querier version 3; the minimum version, access list, limits,
        // query dropping and control list belong to the agent and the nftables ruleset.
        HasBlock(config, " ip igmp", " ip igmp version 3");
        foreach (var fragment in new[] { "limit", "access", "route-limit", "sap", "group-range", "control", "source-filter" })
            LacksLineContaining(config, fragment);
        // Said in the header, by construct name.
        HasLine(config, "!   in the nftables ruleset: sap-listen, group-range, igmp queries drop, igmp control filter, source-filter, control-plane, rule log, pim neighbor filter by address, boundary by source");
        HasLine(config, "!   in the mpol-agent table: mroute-limit, igmp limit (router-wide), igmp default-limit, igmp minimum version, igmp access filter, igmp interface limit with except, state-limit with costs");
        // The forms FRR cannot write but nftables rules can are left to the ruleset, by name.
        HasBlock(config, "interface eth2", " description border", " ip pim",
            " ! pim neighbor filter (test.mpol:42): pim neighbor filter by address — in the nftables ruleset of this box, not in FRR",
            " ! boundary (test.mpol:41): boundary by source — in the nftables ruleset of this box, not in FRR",
            "exit");
        Assert.DoesNotContain("UNSUPPORTED on frr: boundary by source", config);
        // Routing constructs Linux cannot express are still marked in this file.
        HasLine(config, "! UNSUPPORTED on frr: msdp sa-filter (test.mpol:45): FRR 8.4 MSDP has no SA filter");
    }

    [Fact]
    public void UnsupportedFormsAreMarkedAndNeverWrittenInPart()
    {
        string config = Unsupported;
        foreach (var construct in new[]
        {
            "mroute-limit", "register-rate-limit", "boundary by source", "pim neighbor filter by address", "ipv6 multicast routing",
            "boundary filter-auto-rp", "accept-register by group", "msdp connect-source by interface name", "msdp sa-limit",
            "msdp md5 authentication", "msdp sa-filter", "bgp tcp-ao authentication", "bmp over tls", "bmp monitor loc-rib",
        })
        {
            Assert.Contains($"! UNSUPPORTED on frr: {construct} (", config);
        }
        // A boundary over sources is not approximated by its group rules.
        HasBlock(config, "interface eth0", " ip pim",
            " ! pim neighbor filter (test.mpol:19): not written — pim neighbor filter by address is UNSUPPORTED on frr (see above)",
            " ! boundary (test.mpol:18): not written — boundary by source is UNSUPPORTED on frr (see above)",
            "exit");
        // IPv6 has no pimd here: the IPv4 half of a mixed boundary and RP range is still exact.
        HasBlock(config,
            "ip prefix-list PK-R2.ETH1.BOUNDARY seq 5 deny 239.0.0.0/8 le 32",
            "ip prefix-list PK-R2.ETH1.BOUNDARY seq 10 permit any");
        HasLine(config, "ip prefix-list PK-R2-RP-GROUPS seq 5 permit 239.0.0.0/8 le 32");
        // filter-auto-rp: the group boundary stands, the Auto-RP rewrite is what is missing.
        HasBlock(config,
            " ! filter-auto-rp: FRR has no Auto-RP; the groups are bounded, Auto-RP mappings are not rewritten",
            " ip multicast boundary oil PK-R2.ETH2.BOUNDARY");
        // accept-register over groups would be looser over sources alone: not written at all.
        LacksLineContaining(config, "register-accept-list");
        // An interface name cannot source an FRR MSDP session; the other peer uses the RP address.
        LacksLineContaining(config, "ip msdp peer 198.51.100.1");
        HasLine(config, "ip msdp peer 198.51.100.2 source 192.0.2.1");
        // TLS required, FRR cannot: no plain-TCP fallback.
        HasBlock(config,
            " bmp targets noc",
            "  ! no bmp connect: station noc requires TLS, which FRR's BMP cannot do (UNSUPPORTED above)",
            "  bmp monitor ipv4 unicast pre-policy",
            "  ! monitor loc-rib: not written (UNSUPPORTED above)",
            " exit");
        LacksLineContaining(config, "bmp connect");
        LacksLineContaining(config, "password");
    }

    [Fact]
    public void WithoutAllowUnsupportedTheUnsupportedFormsAreErrors()
    {
        var result = Compile(FrrTestPolicies.FrrUnsupportedForms);
        Assert.True(result.HasErrors);
        Assert.Empty(result.Files);
        var constructs = result.Diagnostics.Where(d => d.Code == "MP4001").Select(d => d.Message).ToList();
        Assert.Contains(constructs, m => m.StartsWith("boundary by source cannot be expressed on frr", StringComparison.Ordinal));
        Assert.Contains(constructs, m => m.StartsWith("accept-register by group cannot be expressed on frr", StringComparison.Ordinal));
    }

    [Fact]
    public void RedactedSecretsNeverReachTheFile()
    {
        string config = Config(FrrTestPolicies.FrrRouter, "r1", redact: true);
        HasLine(config, " neighbor 198.51.100.9 password <redacted:environment:BGP_P1>");
        Assert.DoesNotContain("secret-BGP_P1", config);
    }

    [Fact]
    public void OutputIsDeterministic()
    {
        Assert.Equal(Router, Router);
        Assert.Equal(Linux, Linux);
        Assert.DoesNotContain('\r', Router);
    }

    /// <summary>A line break in a description is refused before any backend (MP1030, Robustness/ConfigInjectionTests): what reaches FRR is one line.</summary>
    [Fact]
    public void DescriptionsCannotInjectCommands()
    {
        var result = PolicyCompiler.Check("test.mpol", new CompilationOptions(), new InMemoryPolicyFileReader(new Dictionary<string, string>
        {
            ["test.mpol"] = "device r platform frr { interface \"eth0\" { description \"x\\nip pim rp 10.0.0.1\"; } }",
        }));
        Assert.Contains(result.Diagnostics, d => d.Code == "MP1030");
        string config = Config("device r platform frr { interface \"eth0\" { description \"x   ip pim rp 10.0.0.1\"; } }", "r");
        HasLine(config, " description x   ip pim rp 10.0.0.1");
        Assert.DoesNotContain(FrrCompile.Lines(config), l => l.StartsWith("ip pim rp", StringComparison.Ordinal));
    }

    [Fact]
    public void TlsWrapperPortsAreDerivedFromTheStationPortAndNeverCollide()
    {
        string policy = """
            device r platform linux {
                bgp as 64496 { neighbor 192.0.2.9 as 64500; }
                bmp station a { address 192.0.2.10; tls mutual { ca file("ca.pem"); cert file("a.crt"); key file("a.key"); } }
                bmp station b { address 192.0.2.11; tls mutual { ca file("ca.pem"); cert file("b.crt"); key file("b.key"); } }
                bmp station c { address 192.0.2.12; port 40000; tls mutual { ca file("ca.pem"); cert file("c.crt"); key file("c.key"); } }
            }
            """;
        string config = Config(policy, "r");
        HasLine(config, "  bmp connect 127.0.0.1 port 41019 min-retry 100 max-retry 1000");
        HasLine(config, "  bmp connect 127.0.0.1 port 41020 min-retry 100 max-retry 1000");
        HasLine(config, "  bmp connect 127.0.0.1 port 10000 min-retry 100 max-retry 1000");
    }

    [Fact]
    public void PrefixRangesPrintInFrrForm()
    {
        var p8 = Model.IpPrefix.Parse("10.0.0.0/8");
        Assert.Equal("10.0.0.0/8", new PrefixRange(p8, 8, 8).ToString());
        Assert.Equal("10.0.0.0/8 le 32", new PrefixRange(p8, 8, 32).ToString());
        Assert.Equal("10.0.0.0/8 ge 16", new PrefixRange(p8, 16, 32).ToString());
        Assert.Equal("10.0.0.0/8 ge 16 le 24", new PrefixRange(p8, 16, 24).ToString());
        Assert.Equal("10.0.0.0/8 ge 24 le 24", new PrefixRange(p8, 24, 24).ToString());
        Assert.Equal("any", PrefixRange.All(Model.IpFamily.V4).ToString());
        Assert.Equal("192.0.2.1/32", PrefixRange.Block(Model.IpPrefix.Parse("192.0.2.1")).ToString());
    }

    [Fact]
    public void ExceptionsFallThroughToLaterRules()
    {
        // permit 10/8 (every route inside) except 10.1/16; then deny 10.1.2/24; then permit any:
        // 10.1.2.0/24 and longer are denied, the rest of 10.1/16 permitted by the last rule.
        var p = Model.IpPrefix.Parse;
        var rules = new List<RangeRule>
        {
            new(Model.RuleAction.Permit, [PrefixRange.Block(p("10.0.0.0/8"))], [PrefixRange.Block(p("10.1.0.0/16"))]),
            new(Model.RuleAction.Deny, [PrefixRange.Block(p("10.1.2.0/24"))], []),
            new(Model.RuleAction.Permit, [PrefixRange.All(Model.IpFamily.V4)], []),
        };
        Assert.Equal(
            [
                "deny 10.1.2.0/24 le 32",
                "permit 10.1.0.0/16 le 32",
                "permit 10.0.0.0/8 le 32",
                "permit any",
            ],
            PrefixListCompiler.Entries(rules, Model.IpFamily.V4));
    }

    [Fact]
    public void AnEmptyListDeniesEverything() =>
        Assert.Equal(["deny any"], PrefixListCompiler.Entries([], Model.IpFamily.V4));
}
