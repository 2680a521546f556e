using System.Text;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// Every construct × platform × placement, one small policy each: a device-level statement in a
/// device without interfaces and in one with a named interface; an interface statement written in
/// the interface and in a profile the interface uses; each in its IPv4 and IPv6 form. Each is
/// compiled to every target: it must be written (the configuration or agent table differs from
/// the same policy without it) or reported (MP4001, and a marked output with
/// --allow-unsupported) — never an internal error, never nothing.
/// </summary>
public sealed class PlacementMatrixTests
{
    private const string PolicyPath = "placement.mpol";

    private const string Declarations = """
        include "std/multicast-ranges.mpol";
        include "std/igmp-control.mpol";
        include "std/msdp-bcp.mpol";
        include "std/bogons.mpol";
        groups  cg      { 239.255.255.254; }
        groups  cg6     { ff0e::1234; }
        groups  tv      { 232.10.0.0/16; }
        groups  tv6     { ff3e::10:0/112; }
        sources head    { 198.51.100.0/26; }
        sources head6   { 2001:db8:100::/48; }
        class   sd      { match groups tv; cost 4Mbps; }
        class   sd6     { match groups tv6; cost 4Mbps; }
        filter  joins   { permit groups cg; permit sources head groups tv; }
        filter  joins6  { permit groups cg6; permit sources head6 groups tv6; }
        filter  ctl     { deny igmp-type query; permit any; }
        filter  border  { deny sources 0.0.0.0/32; deny groups std.scoped-v4; permit any; }
        filter  border6 { deny sources ::/128; deny groups std.scoped-v6; permit any; }
        filter  src     { permit sources head groups tv; }
        filter  src6    { permit sources head6 groups tv6; }
        filter  infra   { permit protocol pim from 10.20.0.0/29; deny protocol pim log; permit any; }
        filter  infra6  { permit protocol pim from 2001:db8:20::/64; deny protocol pim; permit any; }
        filter  crypto  { deny protocol pim to 224.0.0.13; permit groups 239.192.0.0/16; }
        filter  mrinfo-noc { permit from 10.250.1.0/24; }
        filter  reg     { permit sources head groups 239.192.0.0/16; }
        filter  reg6    { permit sources head6 groups ff0e::/16; }
        filter  sa      { permit sources head; }
        filter  bogons-logged { deny prefixes std.bogons log; permit any; }
        keychain-free-placeholder-never-used;
        """;

    /// <summary>Device-level constructs: (label, statement, IPv6 form or null).</summary>
    private static readonly (string Label, string V4, string? V6)[] DeviceStatements =
    [
        ("mroute-limit", "mroute-limit 4000 warn 3200;", null),
        ("igmp/mld limit", "igmp limit 200 except cg;", "mld limit 200 except cg6;"),
        ("igmp/mld default-limit", "igmp default-limit 5;", "mld default-limit 5;"),
        ("default-limit with except", "igmp default-limit 5 except cg;", "mld default-limit 5 except cg6;"),
        ("sap-listen", "sap-listen off;", null),
        ("mrinfo", "mrinfo filter mrinfo-noc;", null),
        ("group-range", "group-range deny groups 239.100.0.0/16;", "group-range deny groups ff05::/16;"),
        ("ssm-range", "ssm-range 232.0.0.0/8, 233.252.0.0/14;", "ssm-range 232.0.0.0/8, ff3e::/32;"),
        ("rp address", "rp { address 10.255.0.1 groups 239.192.0.0/16; }", "rp { address 2001:db8::1 groups ff0e::/16; }"),
        ("accept-register", "rp { accept-register filter reg; }", "rp { accept-register filter reg6; }"),
        ("announce-filter", "rp { announce-filter rps 10.255.0.1 groups 239.192.0.0/16; }", null),
        ("register-rate-limit", "pim { register-rate-limit 10; }", null),
        ("msdp peer", "msdp { peer 198.51.100.1 as 64510 { connect-source \"198.51.100.2\"; auth md5 secret env(\"K1\"); } }", null),
        ("msdp sa-filter, sa-limit", "msdp { peer 198.51.100.1 as 64510 { connect-source \"198.51.100.2\"; sa-filter both std.msdp-sa-bcp; sa-limit 100; } }", null),
        ("msdp redistribute, originator-id", "msdp { redistribute filter sa; originator-id \"lo0\"; peer 198.51.100.1 as 64510 { connect-source \"198.51.100.2\"; } }", null),
        ("msdp mesh-group, description", "msdp { peer 10.255.0.9 as 64496 { mesh-group core; description \"rr\"; connect-source \"10.255.0.1\"; } }", null),
        ("bgp neighbor", "bgp as 64496 { router-id 10.255.0.1; neighbor 198.51.100.1 as 64510 { description \"up\"; hold-time 90s; } }", "bgp as 64496 { neighbor 2001:db8::2 as 64510 { hold-time 90s; } }"),
        ("bgp protection", "bgp as 64496 { neighbor 198.51.100.1 as 64510 { max-prefix 100 warn 80% restart 15m; auth md5 secret env(\"K2\"); ttl-security hops 1; prefix-filter in std.bogon-filter-in; } }",
            "bgp as 64496 { neighbor 2001:db8::2 as 64510 { max-prefix 100; auth md5 secret env(\"K3\"); prefix-filter in std.bogon-filter-in; } }"),
        ("bgp damping", "bgp as 64496 { damping half-life 15m reuse 750 suppress 2000 max-suppress 60m; }", null),
        ("bgp prefix-filter log", "bgp as 64496 { neighbor 198.51.100.1 as 64510 { prefix-filter in bogons-logged; } }", null),
        ("bmp station", "bgp as 64496 { neighbor 198.51.100.1 as 64510; } bmp station noc { address 192.0.2.10; port 11020; monitor pre-policy; stats-interval 30s; }",
            "bgp as 64496 { neighbor 198.51.100.1 as 64510; } bmp station noc { address 2001:db8::10; monitor post-policy; }"),
        ("telemetry", "telemetry { site \"pop\"; interval 10s; warn 80%; }", null),
        ("control-plane", "control-plane { filter infra; rate-limit pim 1000 pps; }", "control-plane { filter infra6; }"),
        ("group-encryption", "group-encryption { protect filter crypto; group-id 7; }", null),
    ];

    /// <summary>Interface constructs: (label, statement, IPv6 form or null).</summary>
    private static readonly (string Label, string V4, string? V6)[] InterfaceStatements =
    [
        ("minimum version", "igmp { version >= 3; }", "mld { version >= 2; }"),
        ("access filter", "igmp { access joins; }", "mld { access joins6; }"),
        ("inline access rules", "igmp { permit groups cg; }", "mld { permit groups cg6; }"),
        ("interface limit", "igmp { limit 5; }", "mld { limit 5; }"),
        ("interface limit with except", "igmp { limit 5 except cg; }", "mld { limit 5 except cg6; }"),
        ("queries drop", "igmp { queries drop; }", "mld { queries drop; }"),
        ("control filter", "igmp { control ctl; }", "mld { control ctl; }"),
        ("state-limit", "state-limit out 125 groups tv;", "state-limit out 125 groups tv6;"),
        ("state-limit with costs", "state-limit out 250Mbps groups tv classes sd;", "state-limit out 250Mbps groups tv6 classes sd6;"),
        ("pim neighbors none", "pim { neighbors none; }", null),
        ("pim neighbors by address", "pim { neighbors 10.20.0.9; }", "pim { neighbors 2001:db8::9; }"),
        ("bsr-border", "pim { bsr-border; }", null),
        ("pim disabled", "pim { disabled; }", null),
        ("boundary", "boundary deny groups 239.0.0.0/8;", "boundary deny groups ff05::/16;"),
        ("boundary filter-auto-rp", "boundary deny groups std.auto-rp filter-auto-rp;", null),
        ("boundary by source", "boundary filter border;", "boundary filter border6;"),
        ("source-filter", "source-filter src;", "source-filter src6;"),
        ("router-guard", "router-guard;", null),
    ];

    public static TheoryData<string> Platforms()
    {
        var data = new TheoryData<string>();
        foreach (var platform in Enum.GetValues<Platform>()) data.Add(platform.Keyword());
        return data;
    }

    /// <summary>(what, policy with the construct, the same policy without it) for one platform.</summary>
    private static IEnumerable<(string What, string With, string Without)> Cases(string platform)
    {
        string Policy(string device) => Declarations.Replace("keychain-free-placeholder-never-used;", "", StringComparison.Ordinal) + device;
        foreach (var (label, v4, v6) in DeviceStatements)
        {
            foreach (var (family, statement) in new[] { ("IPv4", v4), ("IPv6", v6) })
            {
                if (statement is null) continue;
                yield return ($"{label} ({family}, device without interfaces)",
                    Policy($"device r platform {platform} {{\n    {statement}\n}}\n"),
                    Policy($"device r platform {platform} {{\n}}\n"));
                yield return ($"{label} ({family}, device with a named interface)",
                    Policy($"device r platform {platform} {{\n    {statement}\n    interface \"eth1\" {{ description \"named\"; }}\n}}\n"),
                    Policy($"device r platform {platform} {{\n    interface \"eth1\" {{ description \"named\"; }}\n}}\n"));
            }
        }
        foreach (var (label, v4, v6) in InterfaceStatements)
        {
            foreach (var (family, statement) in new[] { ("IPv4", v4), ("IPv6", v6) })
            {
                if (statement is null) continue;
                yield return ($"{label} ({family}, in the interface)",
                    Policy($"device r platform {platform} {{\n    interface \"eth1\" {{ description \"x\"; {statement} }}\n}}\n"),
                    Policy($"device r platform {platform} {{\n    interface \"eth1\" {{ description \"x\"; }}\n}}\n"));
                yield return ($"{label} ({family}, in a profile)",
                    Policy($"profile p {{ {statement} }}\ndevice r platform {platform} {{\n    interface \"eth1\" uses p {{ description \"x\"; }}\n}}\n"),
                    Policy($"profile p {{ description \"y\"; }}\ndevice r platform {platform} {{\n    interface \"eth1\" uses p {{ description \"x\"; }}\n}}\n"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Every_construct_in_every_placement_is_written_or_reported(string platform)
    {
        var failures = new List<string>();
        int cases = 0;
        foreach (var (what, with, without) in Cases(platform))
        {
            cases++;
            CompileResult strict, allowed, baseline;
            try
            {
                strict = Compile(with, allowUnsupported: false);
                allowed = Compile(with, allowUnsupported: true);
                baseline = Compile(without, allowUnsupported: true);
            }
            catch (Exception e)
            {
                failures.Add($"{what}: internal error: {e.GetType().Name}: {e.Message}");
                continue;
            }
            var otherErrors = strict.Diagnostics.Where(d => d.IsError && d.Code != "MP4001").ToList();
            if (otherErrors.Count > 0 || baseline.HasErrors)
            {
                failures.Add($"{what}: the case policy itself has errors (fix the case): " +
                    string.Join("; ", otherErrors.Concat(baseline.Diagnostics.Where(d => d.IsError)).Select(d => $"{d.Code} {d.Message}")));
                continue;
            }
            if (strict.HasErrors)
            {
                // Reported: MP4001, and with --allow-unsupported a marked output.
                if (allowed.HasErrors || !allowed.Files.Any(f => f.Content.Contains("UNSUPPORTED on ", StringComparison.Ordinal)))
                    failures.Add($"{what}: MP4001 is reported, but --allow-unsupported gives no marked output");
                continue;
            }
            if (Same(strict, baseline) && !RestatesDefault.Contains((platform, what)))
                failures.Add($"{what}: compiles clean for {platform}, yet no configuration or agent table differs from the policy without it — written nowhere, reported nowhere");
        }
        Assert.True(cases > 100, $"only {cases} cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} cases on {platform}:\n" + string.Join("\n", failures));
    }

    /// <summary>
    /// Placements where the statement says what the platform does anyway, so that nothing is
    /// written (each with its reason).
    /// </summary>
    private static readonly HashSet<(string Platform, string Case)> RestatesDefault =
    [
        // IOS listens for SAP only on interfaces that say ip sap listen.
        ("ios-xe", "sap-listen (IPv4, device without interfaces)"),
    ];

    private static CompileResult Compile(string text, bool allowUnsupported) =>
        PolicyEmitter.Compile(
            PolicyPath,
            Emitters.Targets.ToHashSet(StringComparer.Ordinal),
            new CompilationOptions { Today = new DateOnly(2026, 11, 23), AllowUnsupported = allowUnsupported },
            new EmitOptions { Redact = true, Environment = _ => null },
            new InMemoryPolicyFileReader(new Dictionary<string, string> { [PolicyPath] = text }));

    /// <summary>The same configuration (non-comment lines of every file) and the same agent table (header aside).</summary>
    private static bool Same(CompileResult a, CompileResult b)
    {
        static string Config(CompileResult r)
        {
            var text = new StringBuilder();
            foreach (var file in r.Files.Where(f => Emitters.Find(f.Target) is not null).OrderBy(f => f.Target, StringComparer.Ordinal))
            {
                string marker = file.Content[..file.Content.IndexOf(' ')];
                int body = file.Content.IndexOf("\n\n", StringComparison.Ordinal);
                text.Append("== ").Append(file.Target).Append('\n');
                foreach (var line in file.Content[(body + 2)..].Split('\n').Where(l => !l.TrimStart().StartsWith(marker, StringComparison.Ordinal)))
                    text.Append(line).Append('\n');
            }
            return text.ToString();
        }
        if (Config(a) != Config(b)) return false;
        var deviceA = a.Check.Model!.Devices[0];
        var deviceB = b.Check.Model!.Devices[0];
        var tableA = new AgentTableBuilder(a.Check.Model, deviceA).Build();
        var tableB = new AgentTableBuilder(b.Check.Model, deviceB).Build();
        // Locations move with the text: compare the tables without them.
        return (tableA with { Header = tableB.Header, Locations = tableB.Locations }).Equals(tableB);
    }
}
