using PolicyKit.Compiler.Diagnostics;
using static PolicyKit.Compiler.Diagnostics.DiagnosticSeverity;

namespace PolicyKit.Compiler.Tests.Diagnostics;

/// <summary>MP2xxx: names, references and the shape of declarations. One test per code, named after it.</summary>
public sealed class BindingDiagnosticTests
{
    [Fact]
    public void MP2001_unresolved_name()
    {
        var d = PolicyAssert.Case("MP2001", Error, 3, 33,
            """
            groups tv-sd { 232.10.0.0/16; }
            profile dslam-facing {
                igmp { permit groups tv-sd, tv-hd; }
            }
            device bng-1 platform linux {
                interface "eth0" uses dslam-facing;
            }
            """,
            fix: [("tv-sd, tv-hd", "tv-sd")]);
        Assert.Equal("no groups set named 'tv-hd'", d.Message);
        Assert.Equal("did you mean 'tv-sd'?", d.Hint);
    }

    [Fact]
    public void MP2001_did_you_mean_only_offers_names_of_the_right_kind()
    {
        // 'mgmt-hots' is closest to the profile 'mgmt-hosts', but a filter is needed here.
        var d = PolicyAssert.Case("MP2001", Error, 4, 19,
            """
            profile mgmt-hosts { description "management LAN"; }
            filter mgmt-host { permit from 192.0.2.0/24; }
            device bng-1 platform ios-xe {
                mrinfo filter mgmt-hots;
            }
            """,
            fix: [("mgmt-hots", "mgmt-host")]);
        Assert.Equal("no filter named 'mgmt-hots'", d.Message);
        Assert.Equal("did you mean 'mgmt-host'?", d.Hint);
    }

    [Fact]
    public void MP2001_no_hint_when_no_name_is_close()
    {
        var d = PolicyAssert.Case("MP2001", Error, 3, 56,
            """
            class mpeg2-sd { match groups 232.10.0.0/16; cost 4Mbps; }
            device bng-1 platform linux {
                interface "eth0" { state-limit out 500Mbps classes premium-4k; }
            }
            """,
            fix: [("premium-4k", "mpeg2-sd")]);
        Assert.Equal("no class named 'premium-4k'", d.Message);
        Assert.Null(d.Hint);
    }

    [Fact]
    public void MP2001_unknown_keychain()
    {
        var d = PolicyAssert.Case("MP2001", Error, 4, 63,
            """
            device r platform ios-xe {
                keychain peer1 { key 1 secret env("K1") valid 2026-11-01..2027-01-31; }
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { auth tcp-ao keychain peer2; }
                }
            }
            """,
            fix: [("keychain peer2", "keychain peer1")]);
        Assert.Equal("did you mean 'peer1'?", d.Hint);
    }

    [Fact]
    public void MP2002_duplicate_declaration()
    {
        var d = PolicyAssert.Case("MP2002", Error, 2, 8,
            """
            groups tv-sd { 232.10.0.0/16; }
            groups tv-sd { 232.11.0.0/16; }
            """,
            fix: [("tv-sd { 232.11", "tv-hd { 232.11")]);
        Assert.Equal("groups set 'tv-sd' is declared more than once", d.Message);
        var related = Assert.Single(d.Related);
        Assert.Equal((1, 8), related.Span.StartLineColumn);
    }

    [Fact]
    public void MP2002_duplicate_device()
    {
        PolicyAssert.Case("MP2002", Error, 2, 8,
            """
            device bng-1 platform linux { sap-listen off; }
            device bng-1 platform ios-xe { sap-listen off; }
            """,
            fix: [("bng-1 platform ios-xe", "bng-2 platform ios-xe")]);
    }

    [Fact]
    public void MP2003_wrong_kind()
    {
        var d = PolicyAssert.Case("MP2003", Error, 2, 33,
            """
            sources cp1 { 198.51.100.0/24; }
            filter from-cp1 { permit groups cp1; }
            """,
            fix: [("permit groups cp1", "permit sources cp1")]);
        Assert.Equal("'cp1' is a sources set, but a groups set is expected here", d.Message);
    }

    [Fact]
    public void MP2004_set_cycle()
    {
        var d = PolicyAssert.Case("MP2004", Error, 1, 8,
            """
            groups tv { 232.10.0.0/16; radio; }
            groups radio { 232.20.0.0/16; tv; }
            """,
            fix: [(" tv; }", " }")]);
        Assert.Equal("address sets refer to each other in a cycle: tv → radio → tv", d.Message);
    }

    [Fact]
    public void MP2005_duplicate_setting()
    {
        var d = PolicyAssert.Case("MP2005", Error, 3, 5,
            """
            device bng-1 platform linux {
                mroute-limit 20000 warn 18000;
                mroute-limit 30000;
            }
            """,
            fix: [("    mroute-limit 30000;\n", "")]);
        Assert.Equal("'mroute-limit' is set more than once in device 'bng-1'", d.Message);
    }

    [Fact]
    public void MP2005_duplicate_setting_inside_a_block()
    {
        PolicyAssert.Case("MP2005", Error, 2, 59,
            """
            device bng-1 platform ios-xe {
                interface "Gi0/0/1" { igmp { version >= 3; limit 100; limit 200; } }
            }
            """,
            fix: [(" limit 200;", "")]);
    }

    [Fact]
    public void MP2006_duplicate_interface()
    {
        var d = PolicyAssert.Case("MP2006", Error, 3, 15,
            """
            device bng-1 platform linux {
                interface "eth0" { description "downlink"; }
                interface "eth0" { description "uplink"; }
            }
            """,
            fix: [("\"eth0\" { description \"uplink\"", "\"eth1\" { description \"uplink\"")]);
        Assert.Equal("interface \"eth0\" is declared more than once on device 'bng-1'", d.Message);
    }

    [Fact]
    public void MP2007_match_not_meaningful_where_the_filter_is_used()
    {
        // An MSDP SA filter sees sources and groups, not IGMP message types.
        var d = PolicyAssert.Case("MP2007", Error, 3, 5,
            """
            filter sa-policy {
                deny groups 239.0.0.0/8;
                deny igmp-type query;
                permit any;
            }
            device border platform ios-xe {
                msdp {
                    peer 192.0.2.1 as 64500 { sa-filter both sa-policy; sa-limit 5000; auth md5 secret env("MSDP_P1"); }
                }
            }
            """,
            fix: [("deny igmp-type query;", "deny groups 224.0.1.39/32;")]);
        Assert.Equal("'igmp-type' cannot be matched in an MSDP SA filter", d.Message);
        Assert.Equal("an MSDP SA filter matches on: sources, groups", d.Hint);
        Assert.Equal((8, 50), Assert.Single(d.Related).Span.StartLineColumn);
    }

    [Fact]
    public void MP2007_match_not_meaningful_in_a_class()
    {
        PolicyAssert.Case("MP2007", Error, 1, 12,
            "class hd { match groups 232.11.0.0/16 port 5000; cost 18Mbps; }\n",
            fix: [(" port 5000", "")]);
    }

    [Fact]
    public void MP2008_family_mismatch()
    {
        // MSDP runs over IPv4 only.
        var d = PolicyAssert.Case("MP2008", Error, 3, 9,
            """
            device border platform ios-xe {
                msdp {
                    peer 2001:db8::1 as 64500 { sa-limit 5000; auth md5 secret env("MSDP_P1"); }
                }
            }
            """,
            fix: [("2001:db8::1", "192.0.2.1")]);
        Assert.Equal("'2001:db8::1' is not an IPv4 address, but MSDP is IPv4 only", d.Message);
    }

    [Fact]
    public void MP2009_duplicate_key_id()
    {
        var d = PolicyAssert.Case("MP2009", Error, 4, 9,
            """
            device r platform linux {
                keychain peer1 {
                    key 1 secret env("K1") valid 2026-10-01..2026-12-31;
                    key 1 secret env("K2") valid 2026-12-15..2027-03-01;
                }
            }
            """,
            fix: [("key 1 secret env(\"K2\")", "key 2 secret env(\"K2\")")]);
        Assert.Equal("key 1 appears more than once in keychain 'peer1'", d.Message);
    }

    [Fact]
    public void MP2010_duplicate_peer()
    {
        var d = PolicyAssert.Case("MP2010", Error, 4, 9,
            """
            device r platform linux {
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { max-prefix 1000; }
                    neighbor 198.51.100.1 as 64501 { max-prefix 2000; }
                }
            }
            """,
            fix: [("198.51.100.1 as 64501", "198.51.100.5 as 64501")]);
        Assert.Equal("peer 198.51.100.1 is declared more than once in bgp", d.Message);
    }

    [Fact]
    public void MP2011_empty_set()
    {
        var d = PolicyAssert.Case("MP2011", Warning, 1, 8,
            """
            groups tv-sd {
                232.10.0.0/16;
                except 232.0.0.0/8;
            }
            """,
            fix: [("except 232.0.0.0/8", "except 232.10.9.0/24")]);
        Assert.Equal("groups set 'tv-sd' matches nothing", d.Message);
    }

    [Fact]
    public void MP2012_missing_setting()
    {
        var d = PolicyAssert.Case("MP2012", Error, 1, 7,
            "class mpeg2-hd { cost 18Mbps; }\n",
            fix: [("{ cost", "{ match groups 232.11.0.0/16; cost")]);
        Assert.Equal("class 'mpeg2-hd' has no 'match'", d.Message);
    }
}
