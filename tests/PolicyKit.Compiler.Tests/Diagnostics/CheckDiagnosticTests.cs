using PolicyKit.Compiler.Diagnostics;
using static PolicyKit.Compiler.Diagnostics.DiagnosticSeverity;

namespace PolicyKit.Compiler.Tests.Diagnostics;

/// <summary>
/// MP3xxx: semantic checks on a policy that parsed and bound cleanly. One test per code, named
/// after it; key ages and validity windows are judged on 2026-11-23.
/// </summary>
public sealed class CheckDiagnosticTests
{
    [Fact]
    public void MP3001_group_not_multicast()
    {
        var d = PolicyAssert.Case("MP3001", Error, 1, 16,
            "groups tv-sd { 23.10.0.0/16; }\n",
            fix: [("23.10.0.0/16", "232.10.0.0/16")]);
        Assert.Equal("group range 23.10.0.0/16 is not multicast", d.Message);
    }

    [Fact]
    public void MP3001_inline_group_in_a_rule()
    {
        PolicyAssert.Case("MP3001", Error, 1, 42,
            "filter scoped { deny groups 239.0.0.0/8, 2001:db8::/32; permit any; }\n",
            fix: [("2001:db8::/32", "ff05::/16")]);
    }

    [Fact]
    public void MP3002_source_is_multicast()
    {
        var d = PolicyAssert.Case("MP3002", Error, 1, 15,
            "sources cp1 { 232.1.1.1/32; }\n",
            fix: [("232.1.1.1/32", "198.51.100.1/32")]);
        Assert.Equal("source 232.1.1.1 is a multicast address", d.Message);
    }

    [Fact]
    public void MP3003_rp_for_groups_in_the_ssm_range()
    {
        var d = PolicyAssert.Case("MP3003", Error, 2, 5,
            """
            device rp-1 platform linux {
                rp { address 192.0.2.1 groups 232.1.0.0/16; }
            }
            """,
            fix: [("232.1.0.0/16", "239.1.0.0/16")]);
        Assert.Equal("(*,G) for 232.1.0.0/16 lies in the SSM range 232.0.0.0/8", d.Message);
    }

    [Fact]
    public void MP3003_any_source_join_in_the_ssm_range()
    {
        // Source 0.0.0.0 is how IOS ACLs write a (*,G) join.
        PolicyAssert.Case("MP3003", Error, 2, 31,
            """
            device bng-1 platform linux {
                interface "eth0" { igmp { permit sources 0.0.0.0/32 groups 232.1.0.0/16; } }
            }
            """,
            fix: [("0.0.0.0/32", "198.51.100.7/32")]);
    }

    [Fact]
    public void MP3003_respects_the_device_ssm_range()
    {
        // ssm-range any: every group is SSM, so an RP for any group serves (*,G) in the SSM range.
        var d = PolicyAssert.Case("MP3003", Error, 3, 5,
            """
            device rp-1 platform linux {
                ssm-range any;
                rp { address 192.0.2.1 groups 239.1.0.0/16; }
            }
            """,
            fix: [("ssm-range any;", "ssm-range 232.0.0.0/8;")]);
        Assert.Equal("(*,G) for 239.1.0.0/16 lies in the SSM range 224.0.0.0/4", d.Message);
    }

    [Fact]
    public void MP3004_warn_not_below_limit()
    {
        var d = PolicyAssert.Case("MP3004", Error, 2, 5,
            """
            device bng-1 platform linux {
                mroute-limit 20000 warn 20000;
            }
            """,
            fix: [("warn 20000", "warn 18000")]);
        Assert.Equal("mroute-limit: warning threshold 20000 is not below the limit 20000", d.Message);
    }

    [Fact]
    public void MP3004_max_prefix_warning_at_100_percent()
    {
        PolicyAssert.Case("MP3004", Error, 3, 42,
            """
            device border platform ios-xe {
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { max-prefix 1000 warn 100% restart 30m; }
                }
            }
            """,
            fix: [("warn 100%", "warn 90%")]);
    }

    [Fact]
    public void MP3005_interface_limit_above_cap()
    {
        var d = PolicyAssert.Case("MP3005", Warning, 4, 31,
            """
            device bng-1 platform linux {
                igmp limit 4000;
                igmp default-limit 100;
                interface "eth0" { igmp { limit 5000; } }
            }
            """,
            fix: [("limit 5000", "limit 2000")]);
        Assert.Equal("IGMP limit 5000 on this interface is above the router-wide cap 4000", d.Message);
    }

    [Fact]
    public void MP3005_default_limit_above_cap()
    {
        PolicyAssert.Case("MP3005", Warning, 3, 5,
            """
            device bng-1 platform linux {
                igmp limit 4000;
                igmp default-limit 5000;
            }
            """,
            fix: [("default-limit 5000", "default-limit 125")]);
    }

    [Fact]
    public void MP3006_no_stream_fits()
    {
        var d = PolicyAssert.Case("MP3006", Error, 4, 24,
            """
            groups tv-hd { 232.11.0.0/16; }
            class mpeg2-hd { match groups tv-hd; cost 18Mbps; }
            device bng-1 platform linux {
                interface "eth0" { state-limit out 4Mbps groups tv-hd classes mpeg2-hd; }
            }
            """,
            fix: [("out 4Mbps", "out 180Mbps")]);
        Assert.Equal("cost limit 4Mbps admits no stream: the cheapest matching class costs 18Mbps", d.Message);
    }

    [Fact]
    public void MP3007_groups_not_covered_by_classes()
    {
        var d = PolicyAssert.Case("MP3007", Warning, 5, 24,
            """
            groups tv { 232.10.0.0/15; }
            groups tv-sd { 232.10.0.0/16; }
            class mpeg2-sd { match groups tv-sd; cost 4Mbps; }
            device bng-1 platform linux {
                interface "eth0" { state-limit out 500Mbps groups tv classes mpeg2-sd; }
            }
            """,
            fix: [("groups tv classes", "groups tv-sd classes")]);
        Assert.Equal("not every group of cost limit out 500Mbps matches a class; the rest cost the default 1kbps", d.Message);
    }

    [Fact]
    public void MP3007_silenced_by_an_explicit_default_cost()
    {
        PolicyAssert.Case("MP3007", Warning, 4, 24,
            """
            groups tv-sd { 232.10.0.0/16; }
            class mpeg2-sd { match groups tv-sd; cost 4Mbps; }
            device bng-1 platform linux {
                interface "eth0" { state-limit out 500Mbps groups 232.10.0.0/15 classes mpeg2-sd; }
            }
            """,
            fix: [("classes mpeg2-sd;", "classes mpeg2-sd default-cost 18Mbps;")]);
    }

    [Fact]
    public void MP3008_rule_shadowed()
    {
        var d = PolicyAssert.Case("MP3008", Warning, 3, 5,
            """
            filter channels {
                permit groups 232.0.0.0/8;
                deny groups 232.10.9.0/24;
            }
            """,
            fix: [("    permit groups 232.0.0.0/8;\n    deny groups 232.10.9.0/24;", "    deny groups 232.10.9.0/24;\n    permit groups 232.0.0.0/8;")]);
        Assert.Equal("rule 2 never matches: rule 1 matches everything it does", d.Message);
        Assert.Equal((2, 5), Assert.Single(d.Related).Span.StartLineColumn);
    }

    [Fact]
    public void MP3008_trailing_deny_any_is_not_reported()
    {
        // A final `deny any;` only restates the implicit deny: harmless documentation, even after
        // a rule that already denies everything. The same rule anywhere else is dead.
        PolicyAssert.Case("MP3008", Warning, 1, 27,
            "filter f { deny from any; deny any; permit groups 232.0.0.0/8; }\n",
            fix: [(" permit groups 232.0.0.0/8;", "")]);
    }

    [Fact]
    public void MP3008_exact_prefix_in_a_prefix_filter_covers_only_itself()
    {
        // In a BGP prefix filter a prefix without ge/le is a prefix-list entry: it matches that
        // exact route, not the routes inside it. Denying 0.0.0.0/0 drops the default route only,
        // so the customer routes still reach the permit (the fix); with `le 32` the deny takes
        // every IPv4 route and the permit is dead. (In ACL fields a prefix keeps matching every
        // address inside it: MP3008_rule_shadowed.)
        var d = PolicyAssert.Case("MP3008", Warning, 5, 5,
            """
            prefixes cust { 198.51.100.0/24; 203.0.113.0/24; }
            prefixes dropped { 0.0.0.0/0 le 32; }
            filter from-cust {
                deny prefixes dropped;
                permit prefixes cust;
            }
            """,
            fix: [(" le 32", "")]);
        Assert.Equal("rule 2 never matches: rule 1 matches everything it does", d.Message);
    }

    [Fact]
    public void MP3009_permit_and_deny()
    {
        var d = PolicyAssert.Case("MP3009", Error, 3, 5,
            """
            filter channels {
                permit groups 232.10.0.0/16;
                deny groups 232.10.0.0/16;
            }
            """,
            fix: [("deny groups 232.10.0.0/16", "deny groups 232.11.0.0/16")]);
        Assert.Equal("groups 232.10.0.0/16 is both permitted and denied", d.Message);
    }

    [Fact]
    public void MP3010_permit_of_denied_range()
    {
        var d = PolicyAssert.Case("MP3010", Warning, 3, 31,
            """
            device bng-1 platform linux {
                group-range deny groups 239.0.0.0/8;
                interface "eth0" { igmp { permit groups 239.1.0.0/16; } }
            }
            """,
            fix: [("permit groups 239.1.0.0/16", "permit groups 232.1.0.0/16")]);
        Assert.Equal("239.1.0.0/16 is permitted here but denied by the group-range of device 'bng-1'", d.Message);
    }

    [Fact]
    public void MP3011_key_reused()
    {
        var d = PolicyAssert.Case("MP3011", Error, 4, 41,
            """
            device border platform ios-xe {
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { auth md5 secret env("BGP_KEY"); }
                    neighbor 203.0.113.5 as 64501 { auth md5 secret env("BGP_KEY"); }
                }
            }
            """,
            fix: [("203.0.113.5 as 64501 { auth md5 secret env(\"BGP_KEY\")", "203.0.113.5 as 64501 { auth md5 secret env(\"BGP_KEY_2\")")]);
        Assert.Equal("the same key (env(\"BGP_KEY\")) is also used by BGP neighbor 198.51.100.1", d.Message);
    }

    [Fact]
    public void MP3011_shared_tcp_ao_keychain()
    {
        PolicyAssert.Case("MP3011", Error, 5, 41,
            """
            device border platform ios-xe {
                keychain shared { key 1 secret env("K1") valid 2026-11-01..2027-01-31; }
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { auth tcp-ao keychain shared; }
                    neighbor 203.0.113.5 as 64501 { auth tcp-ao keychain shared; }
                }
                keychain own { key 1 secret env("K2") valid 2026-11-01..2027-01-31; }
            }
            """,
            fix: [("64501 { auth tcp-ao keychain shared;", "64501 { auth tcp-ao keychain own;")]);
    }

    [Fact]
    public void MP3011_not_reported_against_the_peer_itself()
    {
        // One peer, one keychain: the same secret in two of its keys is no reuse across peers.
        var result = PolicyAssert.Check(
            """
            device border platform ios-xe {
                keychain k {
                    key 1 secret env("K") valid 2026-11-01..2027-01-01;
                    key 2 secret env("K") valid 2026-12-15..2027-03-01;
                }
                bgp as 64496 { neighbor 198.51.100.1 as 64500 { auth tcp-ao keychain k; } }
            }
            """);
        PolicyAssert.DoesNotReport(result, "MP3011");
    }

    [Fact]
    public void MP3012_key_too_old()
    {
        var d = PolicyAssert.Case("MP3012", Warning, 3, 9,
            """
            device r platform linux {
                keychain peer1 {
                    key 1 secret env("K1") valid 2026-01-01..2027-06-01;
                    key 2 secret env("K2") valid 2027-05-01..2027-12-01;
                }
            }
            """,
            fix: [("2026-01-01", "2026-09-01")]);
        Assert.Equal("key 1 of keychain 'peer1' has been in use for 326 days", d.Message);
    }

    [Fact]
    public void MP3012_ninety_days_is_still_fine_ninety_one_is_not()
    {
        const string policy = """
            device r platform linux {
                keychain peer1 {
                    key 1 secret env("K1") valid 2026-08-24..2027-01-31;
                }
            }
            """;
        PolicyAssert.Reports(PolicyAssert.Check(policy), "MP3012", Warning, 3, 9);            // 91 days on 2026-11-23
        PolicyAssert.DoesNotReport(PolicyAssert.Check(policy.Replace("08-24", "08-25", StringComparison.Ordinal)), "MP3012");
    }

    [Fact]
    public void MP3013_key_has_no_successor()
    {
        var d = PolicyAssert.Case("MP3013", Warning, 3, 9,
            """
            device r platform linux {
                keychain peer1 {
                    key 1 secret env("K1") valid 2026-11-01..2026-12-01;
                }
            }
            """,
            fix: [("2026-12-01;", "2026-12-01;\n        key 2 secret env(\"K2\") valid 2026-11-25..2027-02-15;")]);
        Assert.Equal("key 1 of keychain 'peer1' expires 2026-12-01 and no later key follows it", d.Message);
    }

    [Fact]
    public void MP3013_key_that_never_expires()
    {
        var d = PolicyAssert.Case("MP3013", Warning, 2, 22,
            """
            device r platform linux {
                keychain peer1 { key 1 secret env("K1"); }
            }
            """,
            fix: [("env(\"K1\");", "env(\"K1\") valid 2026-11-01..2027-01-31;")]);
        Assert.Equal("key 1 of keychain 'peer1' never expires and no later key follows it", d.Message);
    }

    [Fact]
    public void MP3014_no_valid_key()
    {
        var d = PolicyAssert.Case("MP3014", Error, 2, 14,
            """
            device r platform linux {
                keychain peer1 { key 1 secret env("K1") valid 2027-01-01..2027-03-01; }
            }
            """,
            fix: [("2027-01-01", "2026-11-01")]);
        Assert.Equal("keychain 'peer1' has no key valid on 2026-11-23", d.Message);
    }

    [Fact]
    public void MP3015_msdp_filter_one_direction()
    {
        var d = PolicyAssert.Case("MP3015", Warning, 4, 9,
            """
            filter sa-policy { deny groups 239.0.0.0/8; permit any; }
            device border platform ios-xe {
                msdp {
                    peer 192.0.2.1 as 64500 { sa-filter in sa-policy; sa-limit 5000; auth md5 secret env("MSDP_P1"); }
                }
            }
            """,
            fix: [("sa-filter in", "sa-filter both")]);
        Assert.Equal("MSDP peer 192.0.2.1 has an SA filter in but none out", d.Message);
    }

    [Fact]
    public void MP3016_msdp_no_sa_limit()
    {
        var d = PolicyAssert.Case("MP3016", Warning, 3, 9,
            """
            device border platform ios-xe {
                msdp {
                    peer 192.0.2.1 as 64500 { auth md5 secret env("MSDP_P1"); }
                }
            }
            """,
            fix: [("{ auth md5", "{ sa-limit 5000; auth md5")]);
        Assert.Equal("inter-domain MSDP peer 192.0.2.1 (AS 64500) has no SA limit", d.Message);
    }

    [Fact]
    public void MP3016_not_for_a_peer_in_the_own_AS()
    {
        PolicyAssert.Case("MP3016", Warning, 4, 9,
            """
            device border platform ios-xe {
                bgp as 64496 { router-id 192.0.2.254; }
                msdp {
                    peer 192.0.2.1 as 64500 { auth md5 secret env("MSDP_P1"); }
                }
            }
            """,
            fix: [("as 64500", "as 64496")]);
    }

    [Fact]
    public void MP3017_damping_out_of_order()
    {
        var d = PolicyAssert.Case("MP3017", Error, 3, 9,
            """
            device border platform ios-xe {
                bgp as 64496 {
                    damping half-life 15m reuse 2000 suppress 750 max-suppress 60m;
                }
            }
            """,
            fix: [("reuse 2000 suppress 750", "reuse 750 suppress 2000")]);
        Assert.Equal("damping parameters out of order: reuse 2000 must be below suppress 750", d.Message);
    }

    [Fact]
    public void MP3017_penalty_ceiling_below_suppress()
    {
        // 750 × 2^(20/15) ≈ 1890 < 2000: no route could ever be suppressed.
        PolicyAssert.Case("MP3017", Error, 3, 9,
            """
            device border platform ios-xe {
                bgp as 64496 {
                    damping half-life 15m reuse 750 suppress 2000 max-suppress 20m;
                }
            }
            """,
            fix: [("max-suppress 20m", "max-suppress 60m")]);
    }

    [Fact]
    public void MP3017_reuse_equal_to_suppress()
    {
        PolicyAssert.Case("MP3017", Error, 2, 20,
            """
            device border platform ios-xe {
                bgp as 64496 { damping reuse 2000 suppress 2000; }
            }
            """,
            fix: [("reuse 2000", "reuse 1999")]);
    }

    private const string BmpFiles = "ca file(\"pki/ca.pem\"); cert file(\"pki/bmp.crt\"); key file(\"pki/bmp.key\");";

    [Fact]
    public void MP3018_bmp_tls_not_mutual()
    {
        var d = PolicyAssert.Case("MP3018", Error, 4, 9,
            """
            device noc platform linux {
                bmp station noc {
                    address 192.0.2.10;
                    tls server-only { cert file("pki/bmp.crt"); key file("pki/bmp.key"); }
                }
            }
            """,
            fix: [("tls server-only { cert", "tls mutual { ca file(\"pki/ca.pem\"); cert")]);
        Assert.Equal("BMP station 'noc' uses TLS 'server-only'; BMP over TLS requires mutual authentication", d.Message);
    }

    [Fact]
    public void MP3019_tls_version_too_low()
    {
        var d = PolicyAssert.Case("MP3019", Error, 4, 9,
            $$"""
            device noc platform linux {
                bmp station noc {
                    address 192.0.2.10;
                    tls mutual { {{BmpFiles}} min-version 1.0; }
                }
            }
            """,
            fix: [("min-version 1.0", "min-version 1.2")]);
        Assert.Equal("TLS 1.0 is too old; BMP over TLS allows TLS 1.2 and 1.3 only", d.Message);
    }

    [Fact]
    public void MP3020_integrity_only_cipher()
    {
        var d = PolicyAssert.Case("MP3020", Error, 4, 9,
            $$"""
            device noc platform linux {
                bmp station noc {
                    address 192.0.2.10;
                    tls mutual { {{BmpFiles}} ciphers "TLS_AES_256_GCM_SHA384", "TLS_RSA_WITH_NULL_SHA256"; }
                }
            }
            """,
            fix: [(", \"TLS_RSA_WITH_NULL_SHA256\"", "")]);
        Assert.Equal("cipher 'TLS_RSA_WITH_NULL_SHA256' provides integrity without encryption", d.Message);
    }

    [Fact]
    public void MP3021_inline_secret()
    {
        var d = PolicyAssert.Case("MP3021", Warning, 3, 58,
            """
            device border platform ios-xe {
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { auth md5 secret "hunter2"; }
                }
            }
            """,
            fix: [("\"hunter2\"", "env(\"BGP_AS64500\")")]);
        Assert.Equal("a secret is written inline in the policy", d.Message);
        Assert.DoesNotContain("hunter2", d.Message + d.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void MP3022_hold_time_invalid()
    {
        // Reported at the neighbor that sets it.
        var d = PolicyAssert.Case("MP3022", Error, 3, 9,
            """
            device border platform ios-xe {
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { hold-time 2s; }
                }
            }
            """,
            fix: [("hold-time 2s", "hold-time 0s")]);
        Assert.Equal("hold time 2s is invalid: it must be 0 or at least 3 seconds", d.Message);
    }

    [Fact]
    public void MP3023_msdp_no_auth()
    {
        var d = PolicyAssert.Case("MP3023", Warning, 3, 9,
            """
            device border platform ios-xe {
                msdp {
                    peer 192.0.2.1 as 64500 { sa-limit 5000; }
                }
            }
            """,
            fix: [("sa-limit 5000;", "sa-limit 5000; auth md5 secret env(\"MSDP_P1\");")]);
        Assert.Equal("MSDP peer 192.0.2.1 has no authentication", d.Message);
    }

    [Fact]
    public void MP3024_value_out_of_range()
    {
        // MLD has versions 1 and 2 only.
        var d = PolicyAssert.Case("MP3024", Error, 2, 30,
            """
            device bng-1 platform linux {
                interface "eth0" { mld { version >= 3; } }
            }
            """,
            fix: [("version >= 3", "version >= 2")]);
        Assert.Equal("MLD version 3 is out of range (1 to 2)", d.Message);
    }

    [Fact]
    public void MP3024_ttl_security_hops()
    {
        PolicyAssert.Case("MP3024", Error, 3, 9,
            """
            device border platform ios-xe {
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { ttl-security hops 255; }
                }
            }
            """,
            fix: [("hops 255", "hops 1")]);
    }

    [Fact]
    public void MP3024_damping_half_life()
    {
        PolicyAssert.Case("MP3024", Error, 2, 20,
            """
            device border platform ios-xe {
                bgp as 64496 { damping half-life 2h; }
            }
            """,
            fix: [("half-life 2h", "half-life 15m")]);
    }

    [Fact]
    public void MP3025_bmp_plaintext()
    {
        var d = PolicyAssert.Case("MP3025", Warning, 2, 17,
            """
            device noc platform linux {
                bmp station noc { address 192.0.2.10; }
            }
            """,
            fix: [("192.0.2.10; }", "192.0.2.10; tls mutual { " + BmpFiles + " } }")]);
        Assert.Equal("BMP station 'noc' accepts plaintext BMP", d.Message);
    }

    [Fact]
    public void MP3026_bmp_tls_incomplete()
    {
        var d = PolicyAssert.Case("MP3026", Error, 4, 9,
            """
            device noc platform linux {
                bmp station noc {
                    address 192.0.2.10;
                    tls mutual { cert file("pki/bmp.crt"); key file("pki/bmp.key"); }
                }
            }
            """,
            fix: [("{ cert", "{ ca file(\"pki/ca.pem\"); cert")]);
        Assert.Equal("BMP station 'noc' uses mutual TLS but has no ca", d.Message);
    }

    [Fact]
    public void MP3027_count_limit_with_classes()
    {
        var d = PolicyAssert.Case("MP3027", Error, 4, 24,
            """
            groups tv-sd { 232.10.0.0/16; }
            class mpeg2-sd { match groups tv-sd; cost 4Mbps; }
            device bng-1 platform linux {
                interface "eth0" { state-limit out 125 groups tv-sd classes mpeg2-sd; }
            }
            """,
            fix: [("out 125", "out 500Mbps")]);
        Assert.Equal("state limit 125 is a count, but classes with bandwidth costs are given", d.Message);
    }

    [Fact]
    public void MP3028_key_window_inverted()
    {
        var d = PolicyAssert.Case("MP3028", Error, 4, 9,
            """
            device r platform linux {
                keychain peer1 {
                    key 1 secret env("K1") valid 2026-11-01..2027-01-31;
                    key 2 secret env("K2") valid 2027-04-30..2027-01-15;
                }
            }
            """,
            fix: [("2027-04-30..2027-01-15", "2027-01-15..2027-04-30")]);
        Assert.Equal("key 2 of keychain 'peer1' ends before it starts", d.Message);
    }

    // Issue 13: the guide excludes PIM bootstrap traffic from the GET VPN scope.
    [Fact]
    public void MP3030_group_encryption_of_pim_bootstrap_traffic_is_reported()
    {
        // The guide: exclude the PIM that bootstraps PIM (BSR, Auto-RP) from the GET VPN scope.
        var d = PolicyAssert.Case("MP3030", Warning, 1, 17,
            """
            filter crypto { permit protocol pim; permit groups 239.192.0.0/16; }
            device r platform ios-xe { group-encryption { protect filter crypto; } }
            """,
            fix: [("permit protocol pim;", "deny protocol pim to 224.0.0.13; deny protocol auto-rp; permit protocol pim;")]);
        Assert.Contains("224.0.0.13", d.Message, StringComparison.Ordinal);
    }

    // Issue 13, finding 10: the BGP practice MSDP already gets (MP3016, MP3023).
    private const string EbgpPeer = """
        prefixes bogons { 10.0.0.0/8 le 32; }
        filter peer-in { deny prefixes bogons; permit any; }
        device r platform ios-xe {
            bgp as 64496 {
                neighbor 198.51.100.1 as 64510 { max-prefix 100; auth md5 secret env("K1"); prefix-filter in peer-in; }
            }
        }
        """;

    [Fact]
    public void MP3031_ebgp_neighbor_without_max_prefix()
    {
        var d = PolicyAssert.Case("MP3031", Warning, 5, 9, EbgpPeer.Replace(" max-prefix 100;", "", StringComparison.Ordinal),
            fix: [("as 64510 {", "as 64510 { max-prefix 100;")]);
        Assert.Equal("eBGP neighbor 198.51.100.1 has no max-prefix", d.Message);
        // An iBGP neighbor is not held to it.
        PolicyAssert.DoesNotReport(PolicyAssert.Check(EbgpPeer.Replace(" max-prefix 100;", "", StringComparison.Ordinal).Replace("as 64510", "as 64496", StringComparison.Ordinal)), "MP3031");
    }

    [Fact]
    public void MP3032_bgp_neighbor_without_authentication()
    {
        var d = PolicyAssert.Case("MP3032", Warning, 5, 9, EbgpPeer.Replace(" auth md5 secret env(\"K1\");", "", StringComparison.Ordinal),
            fix: [("max-prefix 100;", "max-prefix 100; auth md5 secret env(\"K1\");")]);
        Assert.Equal("BGP neighbor 198.51.100.1 has no authentication", d.Message);
    }

    [Fact]
    public void MP3033_ebgp_neighbor_without_inbound_prefix_filter()
    {
        var d = PolicyAssert.Case("MP3033", Warning, 5, 9, EbgpPeer.Replace(" prefix-filter in peer-in;", "", StringComparison.Ordinal),
            fix: [("env(\"K1\");", "env(\"K1\"); prefix-filter in peer-in;")]);
        Assert.Equal("eBGP neighbor 198.51.100.1 has no inbound prefix filter", d.Message);
    }

    [Fact]
    public void MP3070_a_scope_in_audit_is_shown_with_what_the_router_configurations_leave_out()
    {
        var d = PolicyAssert.Case("MP3070", Info, 4, 5,
            """
            groups tv { 239.1.0.0/16; }
            filter joins { permit groups tv; }
            profile watched {
                audit;
                igmp { access joins; limit 2; }
            }
            device r1 platform ios-xe { interface "Gi0/1" uses watched; }
            """,
            fix: [("audit;", "")]);
        Assert.Equal("interface \"Gi0/1\" of device 'r1' is in audit: mpol-agent reports what the policy would deny there and admits it", d.Message);
        Assert.StartsWith("its router configurations leave out igmp access filter, igmp interface limit;", d.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void MP3070_a_device_in_audit()
    {
        var d = PolicyAssert.Case("MP3070", Info, 2, 5,
            """
            device r1 platform linux {
                audit;
                mroute-limit 100;
                interface "eth1" { igmp { limit 2; } audit; }
            }
            """,
            fix: [("    audit;\n", ""), ("} audit; }", "} }")]);
        Assert.Equal("device 'r1' is in audit: mpol-agent reports what the policy would deny there and admits it", d.Message);
        Assert.StartsWith("its router configurations leave out igmp interface limit, mroute-limit;", d.Hint, StringComparison.Ordinal);
        // Under a device in audit, the interface's own statement adds no second report.
        Assert.Single(PolicyAssert.Check("""
            device r1 platform linux {
                audit;
                interface "eth1" { igmp { limit 2; } audit; }
            }
            """).Diagnostics, x => x.Code == "MP3070");
    }
}
