using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Emit.IosXr;
using PolicyKit.Compiler.Tests.Diagnostics;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// The IOS XR backend, scenario by scenario: small policies with one ios-xr device, compiled in
/// memory, and the exact XR lines each protection must produce (blocks are matched line by line,
/// indentation included).
/// </summary>
public sealed class IosXrEmitterTests
{
    private const string Includes = """
        include "std/msdp-bcp.mpol";
        include "std/bogons.mpol";
        include "std/igmp-control.mpol";
        include "std/multicast-ranges.mpol";

        """;

    /// <summary>Checks the policy (no errors allowed) and emits its only device for ios-xr; secrets are "S-NAME".</summary>
    private static string Emit(string policy, bool allowUnsupported = false)
    {
        var options = PolicyAssert.Options with { AllowUnsupported = allowUnsupported };
        var check = PolicyAssert.Check(Includes + policy, options: options);
        PolicyAssert.NoErrors(check);
        var device = Assert.Single(check.Model!.Devices);
        var emitter = Emitters.Find("ios-xr");
        Assert.IsType<IosXrEmitter>(emitter);
        Assert.True(emitter.Serves(device.Platform));
        var bag = new DiagnosticBag();
        var file = emitter.Emit(check.Model, device, new EmitOptions { Environment = name => "S-" + name }, bag);
        // The placeholder secrets ("S-NAME") are short on purpose: their MP4004 (easy to guess) is expected;
        // so is the info MP4032 listing the places the file binds (OwnershipDiagnosticTests).
        Assert.DoesNotContain(bag.ToList(), d => d.Code is not ("MP4004" or "MP4032"));
        Assert.Equal("ios-xr.cfg", file.FileName);
        return file.Content;
    }

    /// <summary>The lines appear in the output consecutively, exactly as given.</summary>
    private static string WithoutSequence(string line) => System.Text.RegularExpressions.Regex.Replace(line, "^( +)[0-9]+ ", "$1N ");

    private static void HasBlock(string output, string block)
    {
        // Entry numbers aside ("10 deny …" → "N deny …"): they are content hashes (SequenceNumbers), tested on their own.
        var lines = output.Split('\n').Select(WithoutSequence).ToArray();
        var wanted = block.ReplaceLineEndings("\n").Split('\n').Select(WithoutSequence).ToArray();
        for (int i = 0; i + wanted.Length <= lines.Length; i++)
        {
            if (lines.AsSpan(i, wanted.Length).SequenceEqual(wanted)) return;
        }
        Assert.Fail($"expected these lines together:\n{block}\n--- in the output:\n{output}");
    }

    private static void HasNoLine(string output, string line) =>
        Assert.DoesNotContain(line, output.Split('\n'));

    [Fact]
    public void Igmp_limit_with_except_counts_neither_the_except_groups_nor_link_local()
    {
        string output = Emit("""
            groups channel-guide { 239.255.255.254; }
            device xr-1 platform ios-xr {
                igmp default-limit 1 except channel-guide;
                interface "GigabitEthernet0/0/0/1" { igmp { limit 125 except channel-guide; } }
            }
            """);
        HasBlock(output, """
            ipv4 access-list PK-CHANNEL-GUIDE-COUNTED
             22568538 deny ipv4 host 239.255.255.254 any
             68534261 deny ipv4 224.0.0.0 0.0.0.255 any
             161420546 permit ipv4 any any
            !
            """);
        HasBlock(output, """
            router igmp
             maximum groups-per-interface 1 PK-CHANNEL-GUIDE-COUNTED
             interface GigabitEthernet0/0/0/1
              maximum groups-per-interface 125 PK-CHANNEL-GUIDE-COUNTED
             !
            !
            """);
    }

    [Fact]
    public void Igmp_receiver_port_gets_version_access_group_and_one_ingress_acl()
    {
        string output = Emit("""
            groups tv { 239.1.0.0/16; }
            device xr-1 platform ios-xr {
                interface "GigabitEthernet0/0/0/2" {
                    description "receivers";
                    igmp { version >= 3; permit groups tv; queries drop; control std.igmp-control; }
                }
            }
            """);
        HasBlock(output, """
            ipv4 access-list PK-GI0-0-0-2-IN
             26523632 deny igmp any any host-query
             51944248 deny igmp any any host-report
             67007286 deny igmp any any v2-report
             68978032 deny igmp any any dvmrp
             69818639 deny igmp any any pim
             101744326 permit igmp any host 224.0.0.22 v3-report
             114963234 permit igmp any any mtrace
             137376612 permit igmp any any mtrace-response
             151855287 permit igmp any 224.0.0.0 15.255.255.255 host-report
             165709922 permit igmp any 224.0.0.0 15.255.255.255 v2-leave
             167357905 permit igmp any 224.0.0.0 15.255.255.255 v2-report
             280406261 deny igmp any any
             361420546 permit ipv4 any any
            !
            """);
        HasBlock(output, """
            ipv4 access-list PK-GI0-0-0-2-IGMP
             10 permit ipv4 239.1.0.0 0.0.255.255 any
            !
            """);
        HasBlock(output, """
            interface GigabitEthernet0/0/0/2
             description receivers
             ipv4 access-group PK-GI0-0-0-2-IN ingress
            !
            """);
        HasBlock(output, """
            router igmp
             interface GigabitEthernet0/0/0/2
              version 3
              access-group PK-GI0-0-0-2-IGMP
             !
            !
            """);
    }

    [Fact]
    public void Msdp_sa_filter_in_both_directions_with_limit_and_password()
    {
        string output = Emit("""
            device xr-1 platform ios-xr {
                msdp {
                    originator-id "Loopback0";
                    peer 198.51.100.1 as 64510 {
                        description "ISP2 transit";
                        sa-filter both std.msdp-sa-bcp;
                        sa-limit 20000;
                        auth md5 secret env("MSDP_ISP2");
                    }
                }
            }
            """);
        HasBlock(output, """
            router msdp
             originator-id Loopback0
             peer 198.51.100.1
              remote-as 64510
              description ISP2 transit
              password clear S-MSDP_ISP2
              sa-filter in list PK-STD_MSDP-SA-BCP-SA
              sa-filter out list PK-STD_MSDP-SA-BCP-SA
              maximum external-sa 20000
             !
            !
            """);
        // The guide's list 111 as (S,G): groups in the destination, sources in the source; one run
        // of denies, written in the order of their numbers (content hashes, SequenceNumbers).
        HasBlock(output, """
            ipv4 access-list PK-STD_MSDP-SA-BCP-SA
             2692134 deny ipv4 any host 224.0.1.35
             5567370 deny ipv4 172.16.0.0 0.15.255.255 any
             7640230 deny ipv4 any host 224.0.1.2
             37981461 deny ipv4 127.0.0.0 0.255.255.255 any
             39693548 deny ipv4 any host 224.0.1.60
             49204978 deny ipv4 any host 224.0.1.39
             51372603 deny ipv4 any 239.0.0.0 0.255.255.255
             52367414 deny ipv4 10.0.0.0 0.255.255.255 any
             54156534 deny ipv4 192.168.0.0 0.0.255.255 any
             54738633 deny ipv4 any host 224.0.2.2
             56264598 deny ipv4 any host 224.0.1.22
             56987296 deny ipv4 any 232.0.0.0 0.255.255.255
             62779354 deny ipv4 any host 224.0.1.40
             86495332 deny ipv4 any host 224.0.1.24
             96012019 deny ipv4 any host 224.0.1.3
             161420546 permit ipv4 any any
            !
            """);
    }

    [Fact]
    public void Bogon_filter_is_a_route_policy_over_prefix_sets_and_max_prefix_sits_in_the_address_family()
    {
        string output = Emit("""
            device xr-1 platform ios-xr {
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 {
                        max-prefix 1000 warn 90% restart 30m;
                        auth md5 secret env("P1");
                        prefix-filter in std.bogon-filter-in;
                    }
                    neighbor 2001:db8::1 as 64501 {
                        max-prefix 500 warning-only;
                        auth md5 secret env("P2");
                        prefix-filter in std.bogon-filter-in;
                    }
                }
            }
            """);
        HasBlock(output, """
            prefix-set PK-STD_BOGON-FILTER-IN-1
              0.0.0.0/8 le 32,
              10.0.0.0/8 le 32,
            """);
        HasBlock(output, """
              224.0.0.0/4 le 32,
              240.0.0.0/4 le 32
            end-set
            !
            """);
        HasBlock(output, """
            route-policy PK-STD_BOGON-FILTER-IN
              if destination in PK-STD_BOGON-FILTER-IN-1 then
                drop
              else
                pass
              endif
            end-policy
            !
            route-policy PK-STD_BOGON-FILTER-IN-V6
              if destination in PK-STD_BOGON-FILTER-IN-V6-1 then
                drop
              else
                pass
              endif
            end-policy
            !
            """);
        HasBlock(output, """
             neighbor 198.51.100.1
              remote-as 64500
              password clear S-P1
              address-family ipv4 unicast
               route-policy PK-STD_BOGON-FILTER-IN in
               route-policy PK_PASS out
               maximum-prefix 1000 90 restart 30
              !
             !
            """);
        HasBlock(output, """
              address-family ipv6 unicast
               route-policy PK-STD_BOGON-FILTER-IN-V6 in
               route-policy PK_PASS out
               maximum-prefix 500 warning-only
              !
            """);
        // XR activates a neighbor family only if the router has it.
        HasBlock(output, """
            router bgp 64496
             address-family ipv4 unicast
             !
             address-family ipv6 unicast
             !
            """);
    }

    [Fact]
    public void Prefix_filter_keeps_first_match_order_across_permits_and_denies()
    {
        string output = Emit("""
            prefixes customer { 203.0.113.0/24 le 26; }
            prefixes private { 10.0.0.0/8 le 32; }
            filter customer-in {
                deny prefixes private;
                permit prefixes customer;
            }
            device xr-1 platform ios-xr {
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { auth md5 secret env("P1"); prefix-filter in customer-in; }
                }
            }
            """);
        HasBlock(output, """
            route-policy PK-CUSTOMER-IN
              if destination in PK-CUSTOMER-IN-1 then
                drop
              elseif destination in PK-CUSTOMER-IN-2 then
                pass
              else
                drop
              endif
            end-policy
            """);
        HasBlock(output, """
            prefix-set PK-CUSTOMER-IN-2
              203.0.113.0/24 le 26
            end-set
            """);
    }

    [Fact]
    public void Tcp_ao_is_a_key_chain_a_tcp_ao_keychain_and_the_neighbor_ao_with_gtsm_and_timers()
    {
        string output = Emit("""
            device xr-1 platform ios-xr {
                bgp as 64496 {
                    router-id 192.0.2.254;
                    neighbor 198.51.100.1 as 64500 {
                        description "peer one";
                        auth tcp-ao keychain peer1;
                        ttl-security hops 1;
                        hold-time 90s;
                    }
                    damping half-life 15m reuse 750 suppress 2000 max-suppress 60m;
                }
                keychain peer1 {
                    key 1 secret env("K1") valid 2026-09-01..2026-11-28;
                    key 2 secret env("K2") valid 2026-11-20..2027-02-15;
                }
            }
            """);
        HasBlock(output, """
            key chain PK-PEER1
             key 1
              accept-lifetime 00:00:00 september 1 2026 23:59:59 november 28 2026
              key-string clear S-K1
              send-lifetime 00:00:00 september 1 2026 23:59:59 november 28 2026
              cryptographic-algorithm AES-128-CMAC-96
             !
             key 2
              accept-lifetime 00:00:00 november 20 2026 23:59:59 february 15 2027
              key-string clear S-K2
              send-lifetime 00:00:00 november 20 2026 23:59:59 february 15 2027
              cryptographic-algorithm AES-128-CMAC-96
             !
            !
            tcp ao
             keychain PK-PEER1
              key 1 SendID 1 ReceiveID 1
              key 2 SendID 2 ReceiveID 2
             !
            !
            """);
        HasBlock(output, """
            router bgp 64496
             bgp router-id 192.0.2.254
             address-family ipv4 unicast
              bgp dampening 15 750 2000 60
             !
             neighbor 198.51.100.1
              remote-as 64500
              description peer one
              ao PK-PEER1 include-tcp-options disable
              ttl-security
              timers 30 90
              address-family ipv4 unicast
               route-policy PK_PASS in
               route-policy PK_PASS out
              !
             !
            !
            """);
    }

    [Fact]
    public void Pim_protections_live_under_router_pim_and_boundaries_under_multicast_routing()
    {
        string output = Emit("""
            groups corp { 239.192.0.0/16; }
            sources core { 10.20.0.0/29; }
            sources lans { 10.10.0.0/16; }
            device xr-1 platform ios-xr {
                mroute-limit 2000 warn 1600;
                ssm-range 232.0.0.0/8, 233.252.0.0/14;
                rp { address 192.0.2.1 groups corp; accept-register sources lans groups corp; }
                interface "HundredGigE0/0/0/0" {
                    boundary deny groups std.auto-rp, std.scoped-v4;
                    pim { neighbors core; bsr-border; }
                }
                interface "Bundle-Ether10.100" { pim { neighbors none; } }
            }
            """);
        HasBlock(output, """
            router pim
             address-family ipv4
              maximum routes 2000 threshold 1600
              ssm range PK-XR-1-SSM
              rp-address 192.0.2.1 PK-XR-1-RP-GROUPS
              accept-register PK-XR-1-REGISTER
              interface HundredGigE0/0/0/0
               neighbor-filter PK-CORE-NEIGHBORS
               bsr-border
              !
              interface Bundle-Ether10.100
               neighbor-filter PK-BE10_100-PIM-NONE
              !
             !
            !
            """);
        HasBlock(output, """
            ipv4 access-list PK-XR-1-SSM
             10 permit ipv4 232.0.0.0 0.255.255.255 any
             20 permit ipv4 233.252.0.0 0.3.255.255 any
            !
            """);
        HasBlock(output, """
            ipv4 access-list PK-XR-1-REGISTER
             10 permit ipv4 10.10.0.0 0.0.255.255 239.192.0.0 0.0.255.255
            !
            """);
        HasBlock(output, """
            ipv4 access-list PK-BE10_100-PIM-NONE
             10 deny ipv4 any any
            !
            """);
        HasBlock(output, """
            ipv4 access-list PK-HU0-0-0-0-BOUNDARY
             60896782 deny ipv4 host 224.0.1.40 any
             81721394 deny ipv4 host 224.0.1.39 any
             90098147 deny ipv4 239.0.0.0 0.255.255.255 any
             161420546 permit ipv4 any any
            !
            """);
        HasBlock(output, """
            multicast-routing
             address-family ipv4
              interface HundredGigE0/0/0/0
               boundary PK-HU0-0-0-0-BOUNDARY
              !
             !
            !
            """);
    }

    [Fact]
    public void Default_ssm_range_needs_no_line_and_sap_listen_off_is_no_sap_listen()
    {
        string output = Emit("""
            device xr-1 platform ios-xr {
                sap-listen off;
                ssm-range std.ssm-v4;
                mroute-limit 100;
            }
            """);
        Assert.DoesNotContain("ssm range", output);
        HasBlock(output, "no sap listen\n!");
        HasBlock(output, """
            router pim
             address-family ipv4
              maximum routes 100
             !
            !
            """);
    }

    [Fact]
    public void Bmp_station_is_a_global_server_activated_per_neighbor()
    {
        string output = Emit("""
            device xr-1 platform ios-xr {
                bgp as 64496 { neighbor 198.51.100.1 as 64500 { auth md5 secret env("P1"); } }
                bmp station noc { address 192.0.2.10; port 11019; tls off; stats-interval 60s; }
            }
            """);
        HasBlock(output, """
             neighbor 198.51.100.1
              remote-as 64500
              password clear S-P1
              bmp-activate server 1
            """);
        HasBlock(output, """
            bmp server 1
             host 192.0.2.10 port 11019
             stats-reporting-period 60
            !
            """);
    }

    [Fact]
    public void Ttl_security_beyond_one_hop_is_reported_and_marked_never_written_as_one_hop()
    {
        const string policy = """
            device xr-1 platform ios-xr {
                bgp as 64496 { neighbor 198.51.100.1 as 64500 { auth md5 secret env("P1"); ttl-security hops 2; } }
            }
            """;
        var check = PolicyAssert.Check(Includes + policy);
        var d = Assert.Single(check.Diagnostics, d => d.Code == "MP4001");
        Assert.True(d.IsError);
        Assert.Contains("bgp ttl-security multi-hop", d.Message);

        string output = Emit(policy, allowUnsupported: true);
        Assert.Contains("! UNSUPPORTED on ios-xr: bgp ttl-security multi-hop", output);
        HasNoLine(output, "  ttl-security");
    }

    [Theory]
    [InlineData("interface \"Gi0/0/0/1\" { state-limit out 125; }", "state-limit")]
    [InlineData("group-range deny groups std.scoped-v4;", "group-range")]
    [InlineData("control-plane { rate-limit pim 100 pps; }", "control-plane")]
    [InlineData("igmp limit 100 except 239.255.255.254;", "igmp limit (router-wide) with except")]
    [InlineData("msdp { redistribute filter std.msdp-sa-bcp; peer 192.0.2.7 as 64511 { sa-filter both std.msdp-sa-bcp; sa-limit 10; auth md5 secret env(\"M\"); } }", "msdp redistribute filter")]
    [InlineData("interface \"Gi0/0/0/1\" { boundary deny groups std.auto-rp filter-auto-rp; }", "boundary filter-auto-rp")]
    public void What_xr_cannot_express_is_MP4001(string statement, string construct)
    {
        var check = PolicyAssert.Check(Includes + $"device xr-1 platform ios-xr {{ {statement} }}");
        Assert.Contains(check.Diagnostics, d => d.Code == "MP4001" && d.IsError && d.Message.StartsWith(construct + " cannot be expressed on ios-xr", StringComparison.Ordinal));
    }

    [Fact]
    public void Names_stay_within_xr_limits_and_output_is_deterministic()
    {
        const string policy = """
            groups a-very-long-group-set-name-for-the-channel-guide { 239.255.255.254; }
            device xr-1 platform ios-xr {
                interface "TwentyFiveGigE0/0/0/24.1234" { igmp { limit 2 except a-very-long-group-set-name-for-the-channel-guide; } }
            }
            """;
        string first = Emit(policy);
        Assert.Equal(first, Emit(policy));
        Assert.DoesNotContain('\r', first);
        foreach (var line in first.Split('\n').Where(l => l.StartsWith("ipv4 access-list ", StringComparison.Ordinal)))
        {
            Assert.True(line["ipv4 access-list ".Length..].Length <= 32, line);
        }
        Assert.Contains("maximum groups-per-interface 2 PK-A-VERY-LONG-GROUP-SE-", first);
    }

    [Fact]
    public void Redacted_output_holds_no_secret()
    {
        var check = PolicyAssert.Check(Includes + """
            device xr-1 platform ios-xr {
                bgp as 64496 { neighbor 198.51.100.1 as 64500 { auth md5 secret env("P1"); } }
            }
            """);
        var device = Assert.Single(check.Model!.Devices);
        var file = new IosXrEmitter().Emit(check.Model, device, new EmitOptions { Redact = true, Environment = _ => "LEAK" }, new DiagnosticBag());
        Assert.DoesNotContain("LEAK", file.Content);
        Assert.Contains("password clear <redacted:environment:P1>", file.Content);
        Assert.False(file.ContainsSecrets);
    }
}
