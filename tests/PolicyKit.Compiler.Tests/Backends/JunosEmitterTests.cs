using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Emit.Junos;
using PolicyKit.Compiler.Tests.Diagnostics;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// The Junos backend, scenario by scenario: small policies with one junos device, compiled in
/// memory, and the exact set-form lines each protection must produce (blocks are matched line by
/// line, in order).
/// </summary>
public sealed class JunosEmitterTests
{
    private const string Includes = """
        include "std/msdp-bcp.mpol";
        include "std/bogons.mpol";
        include "std/igmp-control.mpol";
        include "std/multicast-ranges.mpol";

        """;

    /// <summary>Checks the policy (no errors allowed) and emits its only device for junos; secrets are "S-NAME".</summary>
    private static string Emit(string policy, bool allowUnsupported = false)
    {
        var options = PolicyAssert.Options with { AllowUnsupported = allowUnsupported };
        var check = PolicyAssert.Check(Includes + policy, options: options);
        PolicyAssert.NoErrors(check);
        var device = Assert.Single(check.Model!.Devices);
        var emitter = Emitters.Find("junos");
        Assert.IsType<JunosEmitter>(emitter);
        Assert.True(emitter.Serves(device.Platform));
        var bag = new DiagnosticBag();
        var file = emitter.Emit(check.Model, device, new EmitOptions { Environment = name => "S-" + name }, bag);
        // The placeholder secrets ("S-NAME") are short on purpose: their MP4004 (easy to guess) is expected;
        // so is MP4031 where a loopback filter is written without takeover or compose, and the info MP4032
        // listing the places the file binds (OwnershipDiagnosticTests).
        Assert.DoesNotContain(bag.ToList(), d => d.Code is not ("MP4004" or "MP4031" or "MP4032"));
        Assert.Equal("junos.conf", file.FileName);
        AssertSetForm(file.Content);
        return file.Content;
    }

    /// <summary>
    /// Every line is a comment, blank, or one complete set statement, with "\n" endings and no
    /// trailing space; or the delete of an owned (PK-) object, right before that object's set lines.
    /// </summary>
    private static void AssertSetForm(string output)
    {
        Assert.DoesNotContain('\r', output);
        var lines = output.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith("delete ", StringComparison.Ordinal))
            {
                Assert.Contains(" PK-", line);
                Assert.True(i + 1 < lines.Length && lines[i + 1].StartsWith("set " + line["delete ".Length..], StringComparison.Ordinal),
                    $"a delete not followed by the object's set lines: '{line}'");
                continue;
            }
            Assert.True(line.Length == 0 || line.StartsWith("# ", StringComparison.Ordinal) || line == "#" || line.StartsWith("set ", StringComparison.Ordinal),
                $"not a set statement or a comment: '{line}'");
            Assert.True(line == line.TrimEnd(), $"trailing space: '{line}'");
            Assert.DoesNotContain("{", line.StartsWith('#') ? "" : line);
        }
    }

    /// <summary>The lines appear in the output consecutively, exactly as given.</summary>
    private static void HasBlock(string output, string block)
    {
        var lines = output.Split('\n');
        var wanted = block.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i + wanted.Length <= lines.Length; i++)
        {
            if (lines.AsSpan(i, wanted.Length).SequenceEqual(wanted)) return;
        }
        Assert.Fail($"expected these lines together:\n{block}\n--- in the output:\n{output}");
    }

    private static void HasNoLine(string output, string fragment) =>
        Assert.DoesNotContain(output.Split('\n'), l => !l.StartsWith('#') && l.Contains(fragment, StringComparison.Ordinal));

    // ── IGMP limits ──

    [Fact]
    public void Igmp_limit_is_a_group_limit_per_interface_with_the_default_on_the_others()
    {
        string output = Emit("""
            groups tv { 232.1.0.0/16; }
            sources headend { 198.51.100.0/26; }
            filter tv-joins { permit sources headend groups tv; }
            device bng-1 platform junos {
                igmp default-limit 2;
                interface "ge-0/0/1.0" {
                    igmp { version >= 3; access tv-joins; limit 125; }
                }
                interface "ge-0/0/2" { description "subscriber 1002"; }
            }
            """);
        HasBlock(output, """
            # Interface ge-0/0/1.0
            set protocols igmp interface ge-0/0/1.0 version 3
            set protocols igmp interface ge-0/0/1.0 group-limit 125
            set protocols igmp interface ge-0/0/1.0 group-policy PK-TV-JOINS-IGMP
            """);
        // An interface named without a unit is unit 0; the device default applies to it.
        HasBlock(output, """
            # Interface ge-0/0/2.0
            set interfaces ge-0/0/2 unit 0 description "subscriber 1002"
            set protocols igmp interface ge-0/0/2.0 group-limit 2
            """);
        // The access filter: SSM channels match source and group; what no rule permits is rejected.
        HasBlock(output, """
            set policy-options policy-statement PK-TV-JOINS-IGMP term r1 from route-filter 232.1.0.0/16 orlonger
            set policy-options policy-statement PK-TV-JOINS-IGMP term r1 from source-address-filter 198.51.100.0/26 orlonger
            set policy-options policy-statement PK-TV-JOINS-IGMP term r1 then accept
            set policy-options policy-statement PK-TV-JOINS-IGMP term implicit-deny then reject
            """);
    }

    [Fact]
    public void Igmp_limit_except_is_reported_unsupported_and_not_written()
    {
        const string policy = """
            groups channel-guide { 239.255.255.254; }
            device bng-1 platform junos {
                igmp default-limit 1 except channel-guide;
                interface "ge-0/0/1.0" { igmp { limit 125 except channel-guide; } }
            }
            """;
        var check = PolicyAssert.Check(Includes + policy);
        Assert.Contains(check.Diagnostics, d => d.Code == "MP4001" && d.Message.StartsWith("igmp interface limit with except cannot be expressed on junos", StringComparison.Ordinal));
        Assert.Contains(check.Diagnostics, d => d.Code == "MP4001" && d.Message.StartsWith("igmp default-limit with except cannot be expressed on junos", StringComparison.Ordinal));

        string output = Emit(policy, allowUnsupported: true);
        Assert.Contains("# UNSUPPORTED on junos: igmp interface limit with except", output, StringComparison.Ordinal);
        Assert.Contains("# UNSUPPORTED on junos: igmp default-limit with except", output, StringComparison.Ordinal);
        HasNoLine(output, "group-limit");
    }

    [Fact]
    public void Igmp_receiver_port_filter_drops_queries_old_reports_and_runs_the_control_list()
    {
        string output = Emit("""
            device bng-1 platform junos {
                interface "ge-0/0/3.0" {
                    igmp { version >= 3; queries drop; control std.igmp-control; }
                }
            }
            """);
        // IGMP types are the first byte of the IGMP header (Trio flexible match).
        HasBlock(output, """
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-queries from protocol igmp
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-queries from flexible-match-range match-start layer-4
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-queries from flexible-match-range byte-offset 0
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-queries from flexible-match-range bit-length 8
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-queries from flexible-match-range range 0x11
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-queries then discard
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-v1-reports from protocol igmp
            """);
        HasBlock(output, """
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-v2-reports from flexible-match-range range 0x16
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-v2-reports then discard
            """);
        HasBlock(output, """
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-control-4 from destination-address 224.0.0.22/32
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-control-4 from protocol igmp
            """);
        // The list's own "deny any" ends the IGMP part; everything else passes.
        HasBlock(output, """
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-control-10 from protocol igmp
            set firewall family inet filter PK-GE-0-0-3-0-IN term igmp-control-10 then discard
            set firewall family inet filter PK-GE-0-0-3-0-IN term accept-rest then accept
            """);
        HasBlock(output, """
            set protocols igmp interface ge-0/0/3.0 version 3
            set interfaces ge-0/0/3 unit 0 family inet filter input PK-GE-0-0-3-0-IN
            """);
    }

    // ── MSDP ──

    [Fact]
    public void Msdp_sa_filter_both_ways_is_one_policy_imported_and_exported()
    {
        string output = Emit("""
            device rp-1 platform junos {
                rp { address 192.0.2.1; }
                msdp {
                    peer 198.51.100.1 as 64510 {
                        description "ISP2";
                        sa-filter both std.msdp-sa-bcp;
                        sa-limit 5000;
                        auth md5 secret env("MSDP_ISP2");
                    }
                }
            }
            """);
        HasBlock(output, """
            # peer 198.51.100.1: ISP2
            # local address 192.0.2.1: the RP address (write connect-source to choose)
            set protocols msdp peer 198.51.100.1 local-address 192.0.2.1
            set protocols msdp peer 198.51.100.1 authentication-key "S-MSDP_ISP2"
            set protocols msdp peer 198.51.100.1 import PK-STD-MSDP-SA-BCP-SA
            set protocols msdp peer 198.51.100.1 export PK-STD-MSDP-SA-BCP-SA
            set protocols msdp peer 198.51.100.1 active-source-limit maximum 5000
            """);
        // Groups are route-filters, sources source-address-filters, in the BCP list's order.
        HasBlock(output, """
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r2 from route-filter 224.0.1.39/32 exact
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r2 from route-filter 224.0.1.40/32 exact
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r2 then reject
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r3 from route-filter 239.0.0.0/8 orlonger
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r3 then reject
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r4 from source-address-filter 10.0.0.0/8 orlonger
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r4 from source-address-filter 127.0.0.0/8 orlonger
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r4 from source-address-filter 172.16.0.0/12 orlonger
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r4 from source-address-filter 192.168.0.0/16 orlonger
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r4 then reject
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r5 from route-filter 232.0.0.0/8 orlonger
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r5 then reject
            set policy-options policy-statement PK-STD-MSDP-SA-BCP-SA term r6 then accept
            """);
        // The list ends in "permit any": no implicit-deny term after it, and the policy is defined once.
        HasNoLine(output, "PK-STD-MSDP-SA-BCP-SA term implicit-deny");
        Assert.Single(output.Split('\n'), l => l.EndsWith("PK-STD-MSDP-SA-BCP-SA term r6 then accept", StringComparison.Ordinal));
        // This router is the RP: it runs MSDP.
        HasBlock(output, "set protocols pim rp local address 192.0.2.1");
    }

    [Fact]
    public void Msdp_sa_limit_above_the_red_threshold_sets_the_threshold_to_the_maximum()
    {
        string output = Emit("""
            device rp-1 platform junos {
                bgp as 64500 { router-id 192.0.2.1; }
                msdp { peer 198.51.100.1 as 64510 { sa-filter both std.msdp-sa-bcp; sa-limit 30000; auth md5 secret env("M"); } }
            }
            """);
        HasBlock(output, """
            set protocols msdp peer 198.51.100.1 active-source-limit maximum 30000
            set protocols msdp peer 198.51.100.1 active-source-limit threshold 30000
            """);
        Assert.Contains("# local address 192.0.2.1: the BGP router-id", output, StringComparison.Ordinal);
    }

    // ── BGP ──

    [Fact]
    public void Max_prefix_with_restart_tears_down_and_retries_after_the_idle_timeout()
    {
        string output = Emit("""
            device border-1 platform junos {
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { max-prefix 1000 warn 90% restart 30m; auth md5 secret env("P1"); }
                    neighbor 198.51.100.2 as 64501 { max-prefix 200; auth md5 secret env("P2"); }
                    neighbor 198.51.100.3 as 64502 { max-prefix 300 warn 80% warning-only; auth md5 secret env("P3"); }
                }
            }
            """);
        HasBlock(output, """
            set protocols bgp group PK-EBGP neighbor 198.51.100.1 family inet unicast prefix-limit maximum 1000
            set protocols bgp group PK-EBGP neighbor 198.51.100.1 family inet unicast prefix-limit teardown 90 idle-timeout 30
            """);
        // Without restart the session stays down until it is cleared by hand.
        HasBlock(output, """
            set protocols bgp group PK-EBGP neighbor 198.51.100.2 family inet unicast prefix-limit maximum 200
            set protocols bgp group PK-EBGP neighbor 198.51.100.2 family inet unicast prefix-limit teardown idle-timeout forever
            """);
        // warning-only: no teardown, Junos logs above the maximum.
        HasBlock(output, "set protocols bgp group PK-EBGP neighbor 198.51.100.3 family inet unicast prefix-limit maximum 300");
        HasNoLine(output, "198.51.100.3 family inet unicast prefix-limit teardown");
        HasBlock(output, """
            set protocols bgp group PK-EBGP type external
            set protocols bgp group PK-EBGP neighbor 198.51.100.1 peer-as 64500
            set protocols bgp group PK-EBGP neighbor 198.51.100.1 authentication-key "S-P1"
            """);
    }

    [Fact]
    public void Bogon_prefix_filter_is_an_import_policy_of_route_filters()
    {
        string output = Emit("""
            prefixes customer { 203.0.113.0/24 le 26; 100.64.0.0/10 ge 12 le 24; 10.0.0.0/8 le 24; except 10.1.0.0/16; }
            filter customer-in { permit prefixes customer; }
            device border-1 platform junos {
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { prefix-filter in std.bogon-filter-in; prefix-filter out customer-in; auth md5 secret env("P1"); }
                }
            }
            """);
        HasBlock(output, """
            set policy-options policy-statement PK-STD-BOGON-FILTER-IN term r1 from route-filter 0.0.0.0/8 orlonger
            set policy-options policy-statement PK-STD-BOGON-FILTER-IN term r1 from route-filter 10.0.0.0/8 orlonger
            """);
        HasBlock(output, """
            set policy-options policy-statement PK-STD-BOGON-FILTER-IN term r1 from route-filter 240.0.0.0/4 orlonger
            set policy-options policy-statement PK-STD-BOGON-FILTER-IN term r1 then reject
            set policy-options policy-statement PK-STD-BOGON-FILTER-IN term r2 from route-filter ::/8 orlonger
            """);
        HasBlock(output, """
            set policy-options policy-statement PK-STD-BOGON-FILTER-IN term r2 from route-filter ff00::/8 orlonger
            set policy-options policy-statement PK-STD-BOGON-FILTER-IN term r2 then reject
            set policy-options policy-statement PK-STD-BOGON-FILTER-IN term r3 then accept
            """);
        HasBlock(output, """
            set protocols bgp group PK-EBGP neighbor 198.51.100.1 import PK-STD-BOGON-FILTER-IN
            set protocols bgp group PK-EBGP neighbor 198.51.100.1 export PK-CUSTOMER-IN-OUT
            """);
        // Length ranges: le → upto, ge..le → prefix-length-range; the except is cut out exactly; an
        // export permit leaves the route to BGP's default export.
        HasBlock(output, """
            set policy-options policy-statement PK-CUSTOMER-IN-OUT term r1 from route-filter 203.0.113.0/24 upto /26
            set policy-options policy-statement PK-CUSTOMER-IN-OUT term r1 from route-filter 100.64.0.0/10 prefix-length-range /12-/24
            set policy-options policy-statement PK-CUSTOMER-IN-OUT term r1 from route-filter 10.0.0.0/16 upto /24
            """);
        HasBlock(output, """
            set policy-options policy-statement PK-CUSTOMER-IN-OUT term r1 from route-filter 10.128.0.0/9 upto /24
            set policy-options policy-statement PK-CUSTOMER-IN-OUT term r1 then next policy
            set policy-options policy-statement PK-CUSTOMER-IN-OUT term implicit-deny then reject
            """);
        HasNoLine(output, "route-filter 10.1.0.0/16");
    }

    [Fact]
    public void Nested_route_filters_get_terms_of_their_own()
    {
        // Junos checks only the longest matching route-filter of a term: 10.1.0.0/16 exact would
        // hide 10.0.0.0/8 upto /24 for 10.1.2.0/24, so the two are separate terms.
        string output = Emit("""
            prefixes mixed { 10.0.0.0/8 le 24; 10.1.0.0/16; }
            filter mixed-in { permit prefixes mixed; }
            device border-1 platform junos {
                bgp as 64496 { neighbor 198.51.100.1 as 64500 { prefix-filter in mixed-in; auth md5 secret env("P1"); } }
            }
            """);
        HasBlock(output, """
            set policy-options policy-statement PK-MIXED-IN term r1-1 from route-filter 10.0.0.0/8 upto /24
            set policy-options policy-statement PK-MIXED-IN term r1-1 then accept
            set policy-options policy-statement PK-MIXED-IN term r1-2 from route-filter 10.1.0.0/16 exact
            set policy-options policy-statement PK-MIXED-IN term r1-2 then accept
            set policy-options policy-statement PK-MIXED-IN term implicit-deny then reject
            """);
    }

    [Fact]
    public void Damping_is_a_profile_named_by_an_import_policy_ahead_of_the_prefix_filter()
    {
        string output = Emit("""
            device border-1 platform junos {
                bgp as 64496 {
                    router-id 192.0.2.254;
                    neighbor 198.51.100.1 as 64500 { prefix-filter in std.bogon-filter-in; auth md5 secret env("P1"); }
                    damping half-life 15m reuse 750 suppress 2000 max-suppress 60m;
                }
            }
            """);
        HasBlock(output, """
            set policy-options damping PK-BORDER-1-DAMPING half-life 15
            set policy-options damping PK-BORDER-1-DAMPING reuse 750
            set policy-options damping PK-BORDER-1-DAMPING suppress 2000
            set policy-options damping PK-BORDER-1-DAMPING max-suppress 60
            """);
        HasBlock(output, "set policy-options policy-statement PK-BORDER-1-DAMPING term damping then damping PK-BORDER-1-DAMPING");
        HasBlock(output, """
            set routing-options autonomous-system 64496
            set routing-options router-id 192.0.2.254
            set protocols bgp damping
            """);
        HasBlock(output, """
            set protocols bgp group PK-EBGP neighbor 198.51.100.1 import PK-BORDER-1-DAMPING
            set protocols bgp group PK-EBGP neighbor 198.51.100.1 import PK-STD-BOGON-FILTER-IN
            """);
    }

    [Fact]
    public void Gtsm_raises_the_ttl_and_drops_low_ttl_bgp_in_the_loopback_filter()
    {
        string output = Emit("""
            device border-1 platform junos {
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { ttl-security hops 1; auth md5 secret env("P1"); hold-time 90s; }
                    neighbor 203.0.113.9 as 64501 { ttl-security hops 3; auth md5 secret env("P2"); }
                }
            }
            """);
        HasBlock(output, """
            set protocols bgp group PK-EBGP neighbor 198.51.100.1 ttl 255
            set protocols bgp group PK-EBGP neighbor 198.51.100.1 hold-time 90
            """);
        HasBlock(output, "set protocols bgp group PK-EBGP neighbor 203.0.113.9 multihop ttl 255");
        HasBlock(output, """
            set firewall family inet filter PK-BORDER-1-LO0 term gtsm-198-51-100-1 from source-address 198.51.100.1/32
            set firewall family inet filter PK-BORDER-1-LO0 term gtsm-198-51-100-1 from protocol tcp
            set firewall family inet filter PK-BORDER-1-LO0 term gtsm-198-51-100-1 from port bgp
            set firewall family inet filter PK-BORDER-1-LO0 term gtsm-198-51-100-1 from ttl-except 255
            set firewall family inet filter PK-BORDER-1-LO0 term gtsm-198-51-100-1 then discard
            """);
        HasBlock(output, "set firewall family inet filter PK-BORDER-1-LO0 term gtsm-203-0-113-9 from ttl-except 253-255");
        HasBlock(output, """
            set firewall family inet filter PK-BORDER-1-LO0 term accept-rest then accept
            """);
        HasBlock(output, "set interfaces lo0 unit 0 family inet filter input PK-BORDER-1-LO0");
    }

    [Fact]
    public void Tcp_ao_keychain_rolls_over_by_start_time()
    {
        string output = Emit("""
            device border-1 platform junos {
                bgp as 64496 { neighbor 198.51.100.1 as 64500 { auth tcp-ao keychain peer1; } }
                keychain peer1 {
                    key 1 secret env("K1") valid 2026-09-01..2026-11-28;
                    key 2 secret env("K2") valid 2026-11-20..2027-02-15;
                }
            }
            """);
        HasBlock(output, """
            set security authentication-key-chains key-chain PK-PEER1 key 1 secret "S-K1"
            set security authentication-key-chains key-chain PK-PEER1 key 1 start-time 2026-09-01.00:00
            set security authentication-key-chains key-chain PK-PEER1 key 1 algorithm ao
            set security authentication-key-chains key-chain PK-PEER1 key 1 ao-attribute send-id 1
            set security authentication-key-chains key-chain PK-PEER1 key 1 ao-attribute recv-id 1
            set security authentication-key-chains key-chain PK-PEER1 key 1 ao-attribute cryptographic-algorithm aes-128-cmac-96
            set security authentication-key-chains key-chain PK-PEER1 key 2 secret "S-K2"
            set security authentication-key-chains key-chain PK-PEER1 key 2 start-time 2026-11-20.00:00
            """);
        HasBlock(output, """
            set protocols bgp group PK-EBGP neighbor 198.51.100.1 authentication-algorithm ao
            set protocols bgp group PK-EBGP neighbor 198.51.100.1 authentication-key-chain PK-PEER1
            """);
    }

    // ── router-wide, PIM, boundaries, control plane ──

    [Fact]
    public void Router_wide_limits_sap_and_ssm_ranges()
    {
        string output = Emit("""
            device pe-1 platform junos {
                mroute-limit 4000 warn 3300;
                sap-listen off;
                ssm-range std.ssm-v4, 233.252.0.0/14;
            }
            """);
        // log-warning is a whole percentage, rounded down (82.5 → 82).
        HasBlock(output, """
            # Router-wide multicast protection
            set routing-options multicast forwarding-cache threshold suppress 4000
            set routing-options multicast forwarding-cache threshold log-warning 82
            set protocols sap disable
            set routing-options multicast ssm-groups 233.252.0.0/14
            """);
        HasNoLine(output, "ssm-groups 232.0.0.0/8");
    }

    [Fact]
    public void Pim_neighbor_filter_and_bsr_border()
    {
        string output = Emit("""
            sources core { 10.20.0.0/29; }
            device pe-1 platform junos {
                interface "xe-0/1/0" { pim { neighbors core; bsr-border; } }
                interface "ge-0/0/1.0" { pim { neighbors none; } }
            }
            """);
        HasBlock(output, """
            set policy-options policy-statement PK-CORE-NEIGHBORS term permitted from route-filter 10.20.0.0/29 orlonger
            set policy-options policy-statement PK-CORE-NEIGHBORS term permitted then accept
            set policy-options policy-statement PK-CORE-NEIGHBORS term others then reject
            """);
        HasBlock(output, "set protocols pim interface xe-0/1/0.0 neighbor-policy PK-CORE-NEIGHBORS");
        HasBlock(output, "set protocols pim interface ge-0/0/1.0 neighbor-policy PK-PIM-NEIGHBORS-NONE");
        HasBlock(output, """
            set policy-options policy-statement PK-PE-1-BSR-IMPORT term bsr-border from interface xe-0/1/0.0
            set policy-options policy-statement PK-PE-1-BSR-IMPORT term bsr-border then reject
            set policy-options policy-statement PK-PE-1-BSR-IMPORT term others then accept
            """);
        HasBlock(output, "set policy-options policy-statement PK-PE-1-BSR-EXPORT term bsr-border to interface xe-0/1/0.0");
        HasBlock(output, """
            set protocols pim rp bootstrap family inet import PK-PE-1-BSR-IMPORT
            set protocols pim rp bootstrap family inet export PK-PE-1-BSR-EXPORT
            """);
    }

    [Fact]
    public void Boundaries_are_scopes_or_join_filters_chained_per_interface()
    {
        string output = Emit("""
            filter interdomain { deny sources 0.0.0.0/32; deny groups std.scoped-v4; permit any; }
            device border-1 platform junos {
                interface "xe-0/0/0" {
                    boundary filter interdomain;
                    boundary deny groups std.auto-rp;
                }
            }
            """);
        // (*,G) joins and scoped groups: no state; a permit goes on to the next boundary.
        HasBlock(output, """
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY1-JOIN term r1 from interface xe-0/0/0.0
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY1-JOIN term r1 from source-address-filter 0.0.0.0/32 exact
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY1-JOIN term r1 then reject
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY1-JOIN term r2 from interface xe-0/0/0.0
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY1-JOIN term r2 from route-filter 239.0.0.0/8 orlonger
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY1-JOIN term r2 then reject
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY1-JOIN term r3 from interface xe-0/0/0.0
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY1-JOIN term r3 then next policy
            """);
        // A boundary over groups only is a scope: joins and traffic stop there, both ways.
        HasBlock(output, """
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY2-SCOPE term r1 from interface xe-0/0/0.0
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY2-SCOPE term r1 from route-filter 224.0.1.39/32 exact
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY2-SCOPE term r1 from route-filter 224.0.1.40/32 exact
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY2-SCOPE term r1 then reject
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY2-SCOPE term r2 from interface xe-0/0/0.0
            set policy-options policy-statement PK-BORDER-1-XE-0-0-0-0-BOUNDARY2-SCOPE term r2 then next policy
            """);
        HasBlock(output, """
            set protocols pim import PK-BORDER-1-XE-0-0-0-0-BOUNDARY1-JOIN
            set routing-options multicast scope-policy PK-BORDER-1-XE-0-0-0-0-BOUNDARY2-SCOPE
            """);
        HasNoLine(output, "BOUNDARY1-SCOPE");
        HasNoLine(output, "BOUNDARY2-JOIN");
    }

    [Fact]
    public void Control_plane_filter_polices_what_it_permits()
    {
        string output = Emit("""
            sources routers { 10.255.0.0/16; }
            filter infra { permit protocol pim from routers; deny protocol pim log; permit any; }
            device rp-1 platform junos {
                mrinfo deny any;
                control-plane { filter infra; rate-limit pim 1000 pps; }
            }
            """);
        HasBlock(output, """
            set firewall policer PK-RP-1-PIM-PPS if-exceeding-pps pps-limit 1000
            set firewall policer PK-RP-1-PIM-PPS if-exceeding-pps packet-burst 100
            set firewall policer PK-RP-1-PIM-PPS then discard
            """);
        HasBlock(output, """
            set firewall family inet filter PK-RP-1-LO0 term mrinfo from flexible-match-range range 0x13
            set firewall family inet filter PK-RP-1-LO0 term mrinfo then discard
            set firewall family inet filter PK-RP-1-LO0 term rule-1-rate-1 from source-address 10.255.0.0/16
            set firewall family inet filter PK-RP-1-LO0 term rule-1-rate-1 from protocol pim
            set firewall family inet filter PK-RP-1-LO0 term rule-1-rate-1 then policer PK-RP-1-PIM-PPS
            set firewall family inet filter PK-RP-1-LO0 term rule-1-rate-1 then accept
            set firewall family inet filter PK-RP-1-LO0 term rule-1 from source-address 10.255.0.0/16
            set firewall family inet filter PK-RP-1-LO0 term rule-1 from protocol pim
            set firewall family inet filter PK-RP-1-LO0 term rule-1 then accept
            set firewall family inet filter PK-RP-1-LO0 term rule-2 from protocol pim
            set firewall family inet filter PK-RP-1-LO0 term rule-2 then syslog
            set firewall family inet filter PK-RP-1-LO0 term rule-2 then discard
            set firewall family inet filter PK-RP-1-LO0 term rule-3-rate-1 from protocol pim
            """);
        HasBlock(output, """
            set firewall family inet filter PK-RP-1-LO0 term rule-3 then accept
            set firewall family inet filter PK-RP-1-LO0 term implicit-deny then discard
            """);
        // No IPv6 loopback filter unless the policy asks for IPv6.
        HasNoLine(output, "family inet6 filter");
    }

    [Fact]
    public void Unsupported_constructs_are_marked_and_not_written()
    {
        string output = Emit("""
            device pe-1 platform junos {
                pim { register-rate-limit 10; }
                interface "ge-0/0/1.0" { router-guard; state-limit out 125 groups std.ssm-v4; }
            }
            """, allowUnsupported: true);
        Assert.Contains("# UNSUPPORTED on junos: register-rate-limit", output, StringComparison.Ordinal);
        Assert.Contains("# UNSUPPORTED on junos: router-guard", output, StringComparison.Ordinal);
        Assert.Contains("# UNSUPPORTED on junos: state-limit", output, StringComparison.Ordinal);
        HasNoLine(output, "register");
    }

    [Fact]
    public void Output_is_deterministic()
    {
        const string policy = """
            device pe-1 platform junos {
                mroute-limit 4000 warn 3200;
                interface "ge-0/0/1.0" { igmp { queries drop; control std.igmp-control; } }
                msdp { peer 198.51.100.1 as 64510 { sa-filter both std.msdp-sa-bcp; sa-limit 500; auth md5 secret env("M"); connect-source "192.0.2.1"; } }
            }
            """;
        Assert.Equal(Emit(policy), Emit(policy));
    }
}
