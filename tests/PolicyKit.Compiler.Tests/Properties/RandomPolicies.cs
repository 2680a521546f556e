using System.Text;
using CsCheck;
using PolicyKit.Compiler.Emit;

namespace PolicyKit.Compiler.Tests.Properties;

/// <summary>
/// Random valid policies over the language's constructs, for property tests (CsCheck): a policy
/// is built from a list of choices, each 0 for "the simplest" (no statement, the first option),
/// so CsCheck's shrinking of the list shrinks the policy to the statements that matter. Every
/// device statement and interface statement of the language can appear, on any platform, in
/// the device, in an interface or in a profile, in its IPv4 or IPv6 form; the policy binds and
/// checks without error but MP4001 (what the platform cannot express) and warnings.
/// Shared by tests/PolicyKit.Compiler.Tests (a bounded number in CI) and bench/ (many more).
/// </summary>
public static class RandomPolicies
{
    public const string FileName = "random.mpol";

    private static readonly string[] Platforms = ["ios-xe", "ios-xr", "junos", "frr", "nftables", "linux"];

    /// <summary>The generator: choices, turned into policy text.</summary>
    public static readonly Gen<string> Policy = Gen.Int[0, 1_000_000].Array[120].Select(choices => Build(choices));

    /// <summary>The generator restricted to platforms (e.g. the ones FRR or nftables writes).</summary>
    public static Gen<string> PolicyOn(params string[] platforms) =>
        Gen.Select(Gen.Int[0, platforms.Length - 1], Gen.Int[0, 1_000_000].Array[120], (p, c) => Build(c, platforms[p]));

    private const string Declarations = """
        include "std/multicast-ranges.mpol";
        include "std/igmp-control.mpol";
        include "std/msdp-bcp.mpol";
        include "std/bogons.mpol";

        groups  cg      { 239.255.255.254; }
        groups  cg6     { ff0e::1234; }
        groups  tv      { 232.10.0.0/16; }
        groups  tv6     { ff3e::10:0/112; }
        groups  corp    { 239.192.0.0/16; }
        groups  corp6   { ff0e::/16; }
        sources head    { 198.51.100.0/26; }
        sources head6   { 2001:db8:100::/48; }
        sources core    { 10.20.0.0/29; }
        sources core6   { 2001:db8:20::/64; }
        class   sd      { match groups tv; cost 4Mbps; }
        class   sd6     { match groups tv6; cost 4Mbps; }
        filter  joins   { permit groups cg; permit sources head groups tv; }
        filter  joins6  { permit groups cg6; permit sources head6 groups tv6; }
        filter  border  { deny sources 0.0.0.0/32; deny groups std.scoped-v4; permit any; }
        filter  src     { permit sources head groups tv; }
        filter  src6    { permit sources head6 groups tv6; }
        filter  edge    { deny protocol pim to 10.255.0.1; permit sources head groups tv; }
        filter  infra   { permit protocol pim from core; deny protocol pim log; permit any; }
        filter  crypto  { deny protocol pim to 224.0.0.13; deny protocol auto-rp; permit groups corp; }
        filter  noc     { permit from 10.250.1.0/24; }
        filter  reg     { permit sources head groups corp; }
        filter  reg6    { permit sources head6 groups corp6; }
        filter  sa      { permit sources head; }
        filter  cands   { permit rps 10.255.0.1 groups corp; }

        """;

    /// <summary>Compiles to every target, the way the property needs it (secrets redacted, keys judged on 2026-11-23).</summary>
    public static CompileResult Compile(string policy, bool allowUnsupported) =>
        PolicyEmitter.Compile(
            FileName,
            Emitters.Targets.ToHashSet(StringComparer.Ordinal),
            new CompilationOptions { Today = new DateOnly(2026, 11, 23), AllowUnsupported = allowUnsupported },
            new EmitOptions { Redact = true, Environment = _ => null },
            new InMemoryPolicyFileReader(new Dictionary<string, string> { [FileName] = policy }));

    /// <summary>
    /// The property every random policy has on every target, or what breaks it: no internal
    /// error; nothing refused but MP4001; with --allow-unsupported no error, files written, and
    /// an UNSUPPORTED marker where MP4001 was reported.
    /// </summary>
    public static string? Problem(string policy)
    {
        try
        {
            var strict = Compile(policy, allowUnsupported: false);
            var refused = strict.Diagnostics.Where(d => d.IsError && d.Code != "MP4001").ToList();
            if (refused.Count > 0) return "errors other than MP4001:\n" + string.Join("\n", refused.Select(d => $"{d.Span.StartLineColumn} {d.Code} {d.Message}"));
            var allowed = Compile(policy, allowUnsupported: true);
            if (allowed.HasErrors) return "errors with --allow-unsupported:\n" + string.Join("\n", allowed.Diagnostics.Where(d => d.IsError).Select(d => $"{d.Code} {d.Message}"));
            if (allowed.Files.Count == 0) return "no file written";
            if (strict.Diagnostics.Any(d => d.Code == "MP4001") && !allowed.Files.Any(f => f.Content.Contains("UNSUPPORTED on ", StringComparison.Ordinal)))
                return "MP4001 reported, but no output marks it";
            return null;
        }
        catch (Exception e)
        {
            return $"internal error: {e}";
        }
    }

    /// <summary>A policy from choices; <paramref name="platform"/> fixes the device's platform.</summary>
    public static string Build(int[] choices, string? platform = null)
    {
        var c = new Choices(choices);
        var text = new StringBuilder(Declarations);
        platform ??= Platforms[c.Next(Platforms.Length)];
        bool linuxNames = true;   // eth0…: valid everywhere (IOS accepts any name the policy gives)

        // Profiles: interface statements shared by the interfaces that use them.
        int profiles = c.Next(3);
        for (int p = 0; p < profiles; p++) text.Append($"profile prof{p} {{ {InterfaceBody(c, $"p{p}")} }}\n");

        text.Append($"device r platform {platform} {{\n");
        if (c.Chance()) { int max = 100 + c.Next(100_000); text.Append($"    mroute-limit {max}{(c.Chance() ? $" warn {max / 2}" : "")};\n"); }
        if (c.Chance()) text.Append($"    igmp limit {1 + c.Next(70_000)}{(c.Chance() ? " except cg" : "")};\n");
        if (c.Chance()) text.Append($"    mld limit {1 + c.Next(70_000)};\n");
        if (c.Chance()) text.Append($"    igmp default-limit {1 + c.Next(30_000)}{(c.Chance() ? " except cg" : "")};\n");
        if (c.Chance()) text.Append($"    mld default-limit {1 + c.Next(30_000)};\n");
        if (c.Chance()) text.Append($"    sap-listen {(c.Chance() ? "on" : "off")};\n");
        if (c.Chance()) text.Append(c.Chance() ? "    mrinfo deny any;\n" : "    mrinfo filter noc;\n");
        if (c.Chance()) text.Append(c.Chance() ? "    group-range deny groups 239.100.0.0/16;\n" : "    group-range deny groups ff05::/16;\n");
        if (c.Chance()) text.Append(c.Pick("    ssm-range 232.0.0.0/8, 233.252.0.0/14;\n", "    ssm-range 232.0.0.0/8, ff3e::/32;\n", "    ssm-range 232.0.0.0/8;\n"));
        if (c.Chance()) text.Append($"    pim {{ register-rate-limit {1 + c.Next(100)}; }}\n");
        if (c.Chance())
        {
            var rp = new List<string>();
            if (c.Chance()) rp.Add(c.Pick("address 10.255.0.1 groups corp;", "address 2001:db8::1 groups corp6;", "address 10.255.0.1;"));
            if (c.Chance()) rp.Add(c.Pick("accept-register filter reg;", "accept-register filter reg6;", "accept-register sources head;"));
            if (c.Chance()) rp.Add("announce-filter filter cands;");
            if (rp.Count > 0) text.Append($"    rp {{ {string.Join(' ', rp)} }}\n");
        }
        if (c.Chance())
        {
            text.Append("    msdp {\n");
            if (c.Chance()) text.Append("        originator-id \"lo0\";\n");
            if (c.Chance()) text.Append("        redistribute filter sa;\n");
            int peers = c.Next(3);
            for (int i = 0; i < peers; i++)
            {
                var body = new List<string> { $"connect-source \"198.51.100.{200 + i}\";", $"auth md5 secret env(\"MSDP{i}\");" };
                if (c.Chance()) body.Add("sa-filter both std.msdp-sa-bcp;");
                if (c.Chance()) body.Add($"sa-limit {1 + c.Next(70_000)};");
                if (c.Chance()) body.Add("description \"peer\";");
                if (c.Chance()) body.Add("mesh-group core;");
                text.Append($"        peer 198.51.100.{i + 1} as {64510 + i} {{ {string.Join(' ', body)} }}\n");
            }
            text.Append("    }\n");
        }
        bool bgp = c.Chance();
        if (bgp)
        {
            text.Append("    bgp as 64496 {\n");
            if (c.Chance()) text.Append("        router-id 10.255.0.1;\n");
            int neighbors = c.Next(3);
            for (int i = 0; i < neighbors; i++)
            {
                bool v6 = c.Chance();
                string address = v6 ? $"2001:db8::{i + 2}" : $"198.51.100.{i + 11}";
                var body = new List<string> { $"max-prefix {1 + c.Next(10_000)} warn 90% restart 30m;", $"auth md5 secret env(\"BGP{i}\");", "prefix-filter in std.bogon-filter-in;" };
                if (c.Chance()) body.Add("ttl-security hops 1;");
                if (c.Chance()) body.Add($"hold-time {c.Pick("0s", "9s", "90s", "180s")};");
                if (c.Chance()) body.Add("description \"upstream\";");
                text.Append($"        neighbor {address} as {64520 + i} {{ {string.Join(' ', body)} }}\n");
            }
            if (c.Chance()) text.Append("        damping half-life 15m reuse 750 suppress 2000 max-suppress 60m;\n");
            text.Append("    }\n");
        }
        if (c.Chance())
        {
            var body = new List<string>();
            if (c.Chance()) body.Add(c.Pick("address 192.0.2.10;", "address 2001:db8::10;"));
            if (c.Chance()) body.Add($"port {1024 + c.Next(60_000)};");
            if (c.Chance()) body.Add(c.Pick("monitor pre-policy;", "monitor pre-policy, post-policy;", "monitor post-policy, loc-rib;"));
            if (c.Chance()) body.Add($"stats-interval {5 + c.Next(300)}s;");
            if (c.Chance()) body.Add("tls mutual { ca file(\"ca.pem\"); cert file(\"bmp.crt\"); key file(\"bmp.key\"); min-version 1.2; }");
            text.Append($"    bmp station noc {{ {string.Join(' ', body)} }}\n");
        }
        if (c.Chance()) text.Append($"    telemetry {{ site \"pop\"; interval {1 + c.Next(60)}s; warn {50 + c.Next(49)}%; }}\n");
        if (c.Chance()) text.Append($"    control-plane {{ filter infra;{(c.Chance() ? $" rate-limit pim {1 + c.Next(5000)} pps;" : "")} }}\n");
        if (c.Chance()) text.Append("    group-encryption { protect filter crypto; group-id 7; }\n");
        int interfaces = c.Next(4);
        for (int i = 0; i < interfaces; i++)
        {
            string uses = profiles > 0 && c.Chance() ? $" uses prof{c.Next(profiles)}" : "";
            text.Append($"    interface \"{(linuxNames ? $"eth{i}" : "")}\"{uses} {{ {InterfaceBody(c, $"i{i}")} }}\n");
        }
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>Interface statements, each at most once in the block.</summary>
    private static string InterfaceBody(Choices c, string tag)
    {
        var body = new List<string>();
        if (c.Chance())
        {
            var igmp = new List<string>();
            if (c.Chance()) igmp.Add($"version >= {2 + c.Next(2)};");
            if (c.Chance()) igmp.Add(c.Pick("access joins;", "permit groups cg; permit sources head groups tv;", "deny from 10.1.1.5 groups tv; permit any;"));
            if (c.Chance()) igmp.Add($"limit {1 + c.Next(40_000)}{(c.Chance() ? " except cg" : "")};");
            if (c.Chance()) igmp.Add(c.Pick("queries drop;", "queries allow;"));
            if (c.Chance()) igmp.Add("control std.igmp-control;");
            body.Add($"igmp {{ {string.Join(' ', igmp)} }}");
        }
        if (c.Chance())
        {
            var mld = new List<string>();
            if (c.Chance()) mld.Add($"version >= {1 + c.Next(2)};");
            if (c.Chance()) mld.Add(c.Pick("access joins6;", "permit groups cg6;"));
            if (c.Chance()) mld.Add($"limit {1 + c.Next(40_000)}{(c.Chance() ? " except cg6" : "")};");
            if (c.Chance()) mld.Add("queries drop;");
            body.Add($"mld {{ {string.Join(' ', mld)} }}");
        }
        if (c.Chance()) body.Add(c.Pick("state-limit out 125 groups tv;", "state-limit rpf 500;", "state-limit out 250Mbps groups tv classes sd;", "state-limit connected 50 groups tv6;", "state-limit out 100Mbps groups tv6 classes sd6;"));
        if (c.Chance()) body.Add(c.Pick("pim { neighbors none; }", "pim { neighbors core; bsr-border; }", "pim { neighbors core6; }", "pim { bsr-border; }", "pim { disabled; }"));
        if (c.Chance()) body.Add(c.Pick("boundary deny groups std.scoped-v4;", "boundary deny groups std.auto-rp filter-auto-rp;", "boundary filter border;", "boundary deny groups ff05::/16;"));
        if (c.Chance()) body.Add(c.Pick("source-filter src;", "source-filter src6;", "source-filter edge;"));
        if (c.Chance()) body.Add("router-guard;");
        if (c.Chance()) body.Add($"description \"{tag}\";");
        return string.Join(' ', body);
    }

    /// <summary>Reads the choices in order (wrapping round); a choice of 0 is always the simplest.</summary>
    private sealed class Choices(int[] values)
    {
        private int _next;

        public int Next(int count) => count <= 1 ? 0 : values[_next++ % values.Length] % count;

        /// <summary>Whether to write an optional statement: about one time in three (never for a choice of 0).</summary>
        public bool Chance() => Next(3) == 2;

        public string Pick(params string[] options) => options[Next(options.Length)];
    }
}
