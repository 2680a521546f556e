namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>
/// Policies that exercise the FRR backend: every construct FRR can express on an FRR router,
/// the same routing on a Linux edge box next to its data-plane and agent constructs, and the
/// forms FRR cannot write (compiled with --allow-unsupported).
/// </summary>
internal static class FrrTestPolicies
{
    /// <summary>Every construct FRR 8.4 expresses, and nothing it cannot: compiles with no MP4001.</summary>
    public const string FrrRouter = """
        include "std/bogons.mpol";
        include "std/multicast-ranges.mpol";

        groups tv        { 232.10.0.0/16; }
        groups guide     { 239.255.255.254; }
        groups corp      { 239.192.0.0/14; except 239.193.0.0/16; }
        sources source-lans { 10.10.0.0/16; except 10.10.99.0/24; }
        prefixes customer { 198.18.0.0/15 le 24; except 198.18.5.0/24; }

        filter edge-boundary { deny groups std.scoped-v4; deny groups std.auto-rp; permit any; }
        filter tv-only { permit groups tv; permit groups guide; }
        filter customer-in { permit prefixes customer; }
        filter export-out { deny prefixes std.bogons-v4; permit any; }

        device r1 platform frr {
            ssm-range std.ssm-v4, 233.252.0.0/14;
            rp {
                address 192.0.2.1 groups corp;
                accept-register sources source-lans;
            }
            interface "eth0" {
                description "receivers";
                igmp { }
                pim { neighbors none; }
                boundary filter edge-boundary;
                boundary filter tv-only;
            }
            interface "eth1" {
                description "core";
                pim { bsr-border; }
                boundary deny groups std.scoped-v4;
            }
            interface "eth2" { pim { disabled; } }
            interface "eth3.100";
            msdp {
                peer 198.51.100.1 as 64510 { connect-source "192.0.2.1"; description "ISP2"; }
                peer 10.0.0.2 as 64496 { mesh-group core; }
                peer 10.0.0.3 as 64496 { mesh-group core; }
            }
            bgp as 64496 {
                router-id 192.0.2.254;
                neighbor 198.51.100.9 as 64502 {
                    description "peer AS 64502";
                    max-prefix 500 warn 80% restart 15m;
                    auth md5 secret env("BGP_P1");
                    ttl-security hops 1;
                    hold-time 90s;
                    prefix-filter in customer-in;
                    prefix-filter out export-out;
                }
                neighbor 2001:db8::9 as 64503 {
                    max-prefix 1000 warning-only;
                    auth md5 secret env("BGP_P2");
                    hold-time 0s;
                    prefix-filter in std.bogon-filter-in;
                }
                neighbor 203.0.113.7 as 64504 { max-prefix 100; auth md5 secret env("BGP_P3"); ttl-security hops 2; }
                damping half-life 10m reuse 500 suppress 1500 max-suppress 40m;
            }
            bmp station noc {
                address 192.0.2.10;
                port 11019;
                tls off;
                monitor pre-policy, post-policy;
                stats-interval 60s;
            }
            bmp station local-agent { port 11020; monitor post-policy; }
        }
        """;

    /// <summary>
    /// A Linux edge box using every kind of construct: its frr.conf must hold the routing ones
    /// only, and BMP over mutual TLS through the local socat wrapper. (Compile with
    /// --allow-unsupported: the MSDP SA filter is a routing construct Linux cannot express.)
    /// </summary>
    public const string LinuxEdge = """
        include "std/igmp-control.mpol";
        include "std/multicast-ranges.mpol";
        include "std/bogons.mpol";
        include "std/msdp-bcp.mpol";

        groups tv    { 232.10.0.0/16; }
        groups guide { 239.255.255.254; }
        groups asm   { 239.1.0.0/16; }
        sources headend { 198.51.100.0/26; }
        sources core-routers { 10.20.0.0/29; }
        sources source-lans { 10.10.0.0/16; }

        class sd { match groups tv; cost 4Mbps; }

        filter joins { permit groups guide; permit sources headend groups tv; }
        filter encoders { permit sources source-lans groups tv; }
        filter border { deny sources 0.0.0.0/32; deny groups std.scoped-v4; permit any; }
        filter infra { permit protocol pim from 10.255.0.0/16; deny protocol pim log; permit any; }

        device edge-1 platform linux {
            mroute-limit 4000 warn 3200;
            igmp limit 2000 except guide;
            igmp default-limit 2 except guide;
            sap-listen off;
            group-range deny groups std.scoped-v4;
            rp { address 10.255.0.1 groups asm; accept-register sources source-lans; }
            interface "eth0" {
                description "subscribers";
                igmp { version >= 3; access joins; limit 125 except guide; queries drop; control std.igmp-control; }
                state-limit out 500Mbps groups tv classes sd;
                pim { neighbors none; }
                boundary deny groups std.scoped-v4;
            }
            interface "eth1" {
                description "encoders";
                source-filter encoders;
                pim { neighbors none; bsr-border; }
            }
            interface "eth2" {
                description "border";
                boundary filter border;
                pim { neighbors core-routers; }
            }
            control-plane { filter infra; rate-limit pim 500 pps; }
            msdp { peer 192.0.2.1 as 64500 { connect-source "10.255.0.1"; sa-filter both std.msdp-sa-bcp; } }
            bgp as 64496 {
                router-id 10.255.0.1;
                neighbor 198.51.100.9 as 64502 {
                    max-prefix 500 warn 80% restart 15m;
                    auth md5 secret env("BGP_AS64502_MD5");
                    ttl-security hops 1;
                    hold-time 90s;
                    prefix-filter in std.bogon-filter-in;
                }
                damping half-life 15m reuse 750 suppress 2000 max-suppress 60m;
            }
            bmp station noc {
                address 192.0.2.10;
                port 11019;
                tls mutual {
                    ca file("pki/noc-ca.pem");
                    cert file("pki/bmp-noc.crt");
                    key file("pki/bmp-noc.key");
                    min-version 1.2;
                    ciphers "TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
                    strict;
                }
                monitor pre-policy, post-policy;
                stats-interval 30s;
            }
        }
        """;

    /// <summary>The forms FRR cannot write: each is marked UNSUPPORTED and never written in part or in plain text.</summary>
    public const string FrrUnsupportedForms = """
        include "std/multicast-ranges.mpol";
        include "std/msdp-bcp.mpol";

        sources core-routers { 10.20.0.0/29; }
        sources source-lans { 10.10.0.0/16; }
        groups corp { 239.192.0.0/16; }

        filter interdomain-boundary { deny sources 0.0.0.0/32; deny groups std.scoped-v4; permit any; }

        device r2 platform frr {
            mroute-limit 4000 warn 3000;
            pim { register-rate-limit 10; }
            rp {
                address 192.0.2.1 groups std.scoped;
                accept-register sources source-lans groups corp;
            }
            interface "eth0" {
                boundary filter interdomain-boundary;
                pim { neighbors core-routers; }
            }
            interface "eth1" { boundary deny groups std.scoped; }
            interface "eth2" { boundary deny groups std.scoped-v4 filter-auto-rp; }
            msdp {
                peer 198.51.100.1 as 64510 { connect-source "Loopback0"; sa-limit 100; auth md5 secret env("MSDP_K"); }
                peer 198.51.100.2 as 64511 { sa-limit 100; sa-filter both std.msdp-sa-bcp; }
            }
            bgp as 64496 {
                neighbor 198.51.100.9 as 64502 { auth tcp-ao keychain k1; }
            }
            keychain k1 { key 1 secret env("K1") valid 2026-11-01..2027-01-15; key 2 secret env("K2") valid 2027-01-10..2027-03-30; }
            bmp station noc {
                address 192.0.2.10;
                tls mutual { ca file("pki/ca.pem"); cert file("pki/noc.crt"); key file("pki/noc.key"); }
                monitor pre-policy, loc-rib;
            }
        }
        """;
}
