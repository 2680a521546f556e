using System.Text;
using System.Text.RegularExpressions;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Compiler.Model;
using PolicyKit.Tables.Model;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// The construct × platform matrix. One policy uses every construct of
/// <see cref="ConstructUses.Of"/> (and every refinement of
/// <see cref="PlatformSupport.RefinementsOf"/>); it is compiled once per platform, changing only
/// <c>platform X</c>. For every construct and platform, either the platform's table declares it
/// unsupported — and then MP4001 names it and the output carries an UNSUPPORTED marker for it —
/// or a backend writes it: the compile succeeds (the emitter base throws on a construct that is
/// neither written nor declared), and removing the construct from the policy changes the
/// generated configuration (so "written" was not an empty promise).
/// </summary>
public sealed class ConstructMatrixTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    internal const string PolicyPath = "matrix.mpol";

    private const string Declarations = """
        // The construct matrix: every construct a device can use, on every platform.
        include "std/multicast-ranges.mpol";
        include "std/igmp-control.mpol";
        include "std/msdp-bcp.mpol";
        include "std/bogons.mpol";

        groups  channel-guide    { 239.255.255.254; }
        groups  channel-guide-v6 { ff0e::1234; }
        groups  tv               { 232.10.0.0/16; }
        groups  tv-v6            { ff3e::10:0/112; }
        groups  corp-asm         { 239.192.0.0/16; }
        groups  unused-range     { 239.100.0.0/16; }
        sources headend          { 198.51.100.0/26; }
        sources headend-v6       { 2001:db8:100::/48; }
        sources core-routers     { 10.20.0.0/29; }
        sources noc              { 10.250.1.0/24; }
        sources candidate-rps    { 10.255.0.1; }

        class sd { match groups tv; cost 4Mbps; }

        filter joins        { deny from noc log; permit groups channel-guide; permit sources headend groups tv; }
        filter joins-v6     { deny from 2001:db8:bad::/48; permit groups channel-guide-v6; permit sources headend-v6 groups tv-v6; }
        filter mld-control  { deny igmp-type query; permit any; }
        filter mrinfo-noc   { permit from noc; }
        filter border       { deny sources 0.0.0.0/32; deny groups std.scoped-v4; permit any; }
        filter ssm-only     { deny sources 10.0.0.0/8 groups tv; permit any; }
        filter tv-sources   { permit sources headend groups tv; }
        filter registers    { permit sources headend groups corp-asm; }
        filter candidates   { permit rps candidate-rps groups corp-asm; }
        filter sa-originate { permit sources headend; }
        filter infra-acl    { permit protocol pim from core-routers; deny protocol pim log; permit any; }
        filter crypto       { deny protocol pim; deny from noc; permit groups corp-asm; }
        prefixes martians   { 10.0.0.0/8 le 32; 192.168.0.0/16 le 32; }
        filter peer2-in     { deny prefixes martians log; permit any; }

        // A profile with inline join rules (an access filter of its own per interface that uses it).
        profile receiver    { igmp { permit groups channel-guide; permit groups corp-asm; } }


        """;

    // Each line marked //@ is one ablation: the test blanks it (keeping every other line and
    // column where it was) and compiles again. //@{ … //@} marks a multi-line block.
    private const string Devices = """
        device matrix platform PLATFORM {
            mroute-limit 4000 warn 3200;                            //@
            igmp limit 2000 except channel-guide;                   //@
            mld limit 2000 except channel-guide-v6;                 //@
            igmp default-limit 10 except channel-guide;             //@
            mld default-limit 10 except channel-guide-v6;           //@
            sap-listen off;                                         //@
            mrinfo filter mrinfo-noc;                               //@
            group-range deny groups unused-range;                   //@
            pim { register-rate-limit 10; }                         //@
            ssm-range 232.0.0.0/8, 233.252.0.0/14, ff3e::/32;       //@
            rp {
                address 10.255.0.1 groups corp-asm;                 //@
                accept-register filter registers;                   //@
                announce-filter filter candidates;                  //@
            }

            interface "eth1" {
                description "receivers";
                igmp {
                    version >= 3;                                   //@
                    access joins;                                   //@
                    limit 100;                                      //@
                    queries drop;                                   //@
                    control std.igmp-control;                       //@
                }
                mld {
                    version >= 2;                                   //@
                    access joins-v6;                                //@
                    limit 100;                                      //@
                    queries drop;                                   //@
                    control mld-control;                            //@
                }
                state-limit out 500 groups tv;                      //@
                state-limit out 250Mbps groups tv classes sd;       //@
                pim { neighbors none; }                             //@
                router-guard;                                       //@
            }
            interface "eth2" {
                description "sources";
                igmp { limit 50 except channel-guide; }             //@
                mld { limit 50 except channel-guide-v6; }           //@
                source-filter tv-sources;                           //@
            }
            interface "eth3" {
                description "border";
                boundary filter border;                             //@
                boundary filter ssm-only;                           //@
                boundary deny groups std.auto-rp filter-auto-rp;    //@
                boundary deny groups std.scoped-v6;                 //@
                pim {
                    neighbors core-routers;                         //@
                    bsr-border;                                     //@
                }
            }
            interface "eth4" {
                pim { disabled; }                                   //@
                boundary deny groups std.scoped-v4;
            }

            msdp {
                originator-id "lo";
                redistribute filter sa-originate;                   //@
                peer 198.51.100.1 as 64510 {                        //@{
                    description "isp2 rp";
                    sa-filter both std.msdp-sa-bcp;                 //@
                    sa-limit 20000;                                 //@
                    auth md5 secret env("MATRIX_MSDP_PEER1");       //@
                    connect-source "lo0";                           //@
                }                                                   //@}
                peer 10.255.0.9 as 64496 {                          //@{
                    mesh-group core;
                    auth md5 secret env("MATRIX_MSDP_PEER2");
                }                                                   //@}
            }

            rpki {                                                  //@{
                cache 192.0.2.50 port 3323 refresh 10m;
                cache 192.0.2.51 port 3323 preference 2;
            }
            bgp as 64496 {
                router-id 10.255.0.1;
                neighbor 198.51.100.1 as 64510 {
                    description "isp2 transit";
                    rpki invalid reject;                            //@
                    rpki not-found local-preference 50 community 64496:65001;   //@
                    as-path reject bogon-asns, private-asns;        //@
                    as-path max-length 50;                          //@
                    as-path first-as peer;                          //@
                    blackhole reject;                               //@
                    graceful-shutdown honor;                        //@
                    max-prefix 1000 warn 90% restart 30m;           //@
                    auth tcp-ao keychain peer1;                     //@
                    ttl-security hops 1;                            //@
                    hold-time 90s;
                    prefix-filter in std.bogon-filter-in;           //@
                }
                neighbor 198.51.100.5 as 64511 {
                    max-prefix 500 warn 80% restart 15m;
                    auth md5 secret env("MATRIX_BGP_PEER2");        //@
                    ttl-security hops 1;
                    prefix-filter in peer2-in;
                    prefix-filter out peer2-in;
                    community in strip;                             //@
                    community out add 64496:200, no-export;         //@
                }
                damping half-life 15m reuse 750 suppress 2000 max-suppress 60m;   //@
                ebgp-default reject;                                //@
            }                                                       //@}
            keychain peer1 {
                key 1 secret env("MATRIX_BGP_PEER1_K1") valid 2026-10-01..2026-12-20;
                key 2 secret env("MATRIX_BGP_PEER1_K2") valid 2026-12-10..2027-03-01;
            }

            bmp station noc {                                       //@{
                address 192.0.2.10;
                port 11019;
                tls mutual {                                        //@{
                    ca file("pki/noc-ca.pem");
                    cert file("pki/bmp-noc.crt");
                    key file("pki/bmp-noc.key");
                    min-version 1.2;
                    strict;
                }                                                   //@}
                monitor pre-policy, post-policy, loc-rib;           //@
                stats-interval 30s;                                 //@
            }                                                       //@}

            control-plane { filter infra-acl; rate-limit pim 1000 pps; }   //@
            compose loopback-filter "SITE-LO0";                     //@
            group-encryption { protect filter crypto; group-id 1001; }    //@
            telemetry { site "matrix-pop"; interval 10s; warn 80%; }      //@
        }

        // Values at the top of their ranges, and the rarer forms: some platforms cap or lack them.
        device matrix-large platform PLATFORM {
            mroute-limit 250000 warn 200000;                        //@
            igmp limit 80000;                                       //@
            igmp default-limit 41000;                               //@
            ssm-range 232.1.0.0/16;                                 //@
            interface "eth1" {
                igmp { limit 45000; }                               //@
            }
            interface "eth2" uses receiver {
                description "takes the default limit";
            }
            msdp {
                peer 198.51.100.88 as 64530 {
                    sa-filter both std.msdp-sa-bcp;
                    sa-limit 1200000;                               //@
                    auth tcp-ao keychain msdp-peer;                 //@
                    connect-source "198.51.100.89";
                }
            }
            bgp as 64497 {
                router-id 10.255.1.1;
                neighbor 198.51.100.99 as 64531 {
                    max-prefix 100 warn 80% restart 15m;
                    auth tcp-ao keychain bgp-peer;
                    ttl-security hops 2;                            //@
                }
                neighbor 10.255.1.2 as 64497 {                      //@{
                    auth md5 secret env("MATRIX_BGP_IBGP");
                    ttl-security hops 1;
                }                                                   //@}
            }
            keychain msdp-peer {
                key 1 secret env("MATRIX_MSDP_PEER4_K1") valid 2026-10-01..2026-12-20;
                key 2 secret env("MATRIX_MSDP_PEER4_K2") valid 2026-12-10..2027-03-01;
            }
            keychain bgp-peer {
                key 300 secret env("MATRIX_BGP_PEER3_K300") valid 2026-10-01..2026-12-20;
                key 301 secret env("MATRIX_BGP_PEER3_K301") valid 2026-12-10..2027-03-01;
            }
        }

        // A BMP station on a box without BGP, with no address (the station runs on the box).
        device matrix-bmp platform PLATFORM {
            sap-listen on;                                          // on = what a packet filter does anyway: no ablation
            bmp station local {                                     //@{
                port 11020;                                         //@
            }                                                       //@}
        }

        // An MSDP speaker with no address of its own to source the session from (no rp address,
        // no bgp router-id, no connect-source).
        device matrix-msdp platform PLATFORM {
            msdp {
                peer 198.51.100.77 as 64520 {                       //@{
                    sa-filter both std.msdp-sa-bcp;
                    sa-limit 100;
                    auth md5 secret env("MATRIX_MSDP_PEER3");
                }                                                   //@}
            }
        }

        """;

    public static TheoryData<string> Platforms()
    {
        var data = new TheoryData<string>();
        foreach (var platform in Enum.GetValues<Platform>()) data.Add(platform.Keyword());
        return data;
    }

    /// <summary>The device blocks of the matrix, each compiled as a policy of its own (so a backend that fails on one still shows the others).</summary>
    private static readonly IReadOnlyList<string> DeviceBlocks = Regex.Split(Devices, @"\n\n(?=//|device )");

    /// <summary>The matrix policies for one platform: each device block with only <c>platform X</c> changed.</summary>
    public static IReadOnlyList<(string Device, string Policy)> PoliciesFor(Platform platform) => DeviceBlocks
        .Select(block => (
            Regex.Match(block, @"^device (\S+) platform PLATFORM", RegexOptions.Multiline).Groups[1].Value,
            Declarations + block.Replace("platform PLATFORM", $"platform {platform.Keyword()}", StringComparison.Ordinal)))
        .ToList();

    // ── the policy covers the tables ──

    /// <summary>Every construct the matrix devices use, over all platforms (a few refinements are yielded for one platform only).</summary>
    private static HashSet<string> UsedOnAnyPlatform() =>
        Enum.GetValues<Platform>().SelectMany(p => PoliciesFor(p).Select(x => CheckedModel(x.Policy)))
            .SelectMany(m => m.Devices.SelectMany(Used)).Select(c => c.Construct).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Matrix_devices_differ_only_in_their_platform()
    {
        Assert.Equal(4, DeviceBlocks.Count);
        foreach (var platform in Enum.GetValues<Platform>())
        {
            var policies = PoliciesFor(platform);
            Assert.Equal(["matrix", "matrix-large", "matrix-bmp", "matrix-msdp"], policies.Select(p => p.Device));
            foreach (var (device, policy) in policies)
            {
                var model = CheckedModel(policy);
                Assert.Equal(platform, Assert.Single(model.Devices, d => d.Name == device).Platform);
                Assert.Equal(PoliciesFor(Platform.IosXe).Single(p => p.Device == device).Policy,
                    policy.Replace($"platform {platform.Keyword()}", "platform ios-xe", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void Matrix_policy_uses_every_construct_the_support_tables_name()
    {
        var used = UsedOnAnyPlatform();
        var named = PlatformSupport.Unsupported.Values.SelectMany(t => t.Keys).ToHashSet(StringComparer.Ordinal);
        var missing = named.Where(c => !used.Contains(c)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0,
            "The support tables name constructs the matrix policy does not produce: " + string.Join(", ", missing.Select(c => $"'{c}'")) +
            ". Either ConstructUses.Of/RefinementsOf never yields that name (a typo or a renamed construct), or the matrix policy needs a statement that uses it.");
    }

    [Fact]
    public void Matrix_policy_uses_every_construct_PlatformSupport_can_yield()
    {
        var used = UsedOnAnyPlatform();
        var yieldable = YieldableConstructs();
        Assert.NotEmpty(yieldable);
        var missing = yieldable.Where(c => !used.Contains(c)).ToList();
        Assert.True(missing.Count == 0, "Add statements using these constructs to the matrix policy: " + string.Join(", ", missing.Select(c => $"'{c}'")));

        // And the reverse: a table entry no yield statement produces can never apply.
        var named = PlatformSupport.Unsupported.SelectMany(t => t.Value.Keys.Select(k => (Platform: t.Key, Construct: k)));
        var dead = named.Where(n => !yieldable.Contains(n.Construct)).Select(n => $"{n.Platform.Keyword()}: '{n.Construct}'").ToList();
        Assert.True(dead.Count == 0, "Unsupported-table entries that no construct of PlatformSupport produces: " + string.Join(", ", dead));
    }

    // ── every construct × platform ──

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Every_construct_is_written_or_marked_unsupported(string keyword)
    {
        var platform = PlatformOf(keyword);
        var emitters = Emitters.All.Where(e => e.Serves(platform)).ToList();
        Assert.True(emitters.Count > 0, $"no backend in Emitters.All serves platform {keyword}: the language accepts it, but nothing compiles it");
        var unsupported = PlatformSupport.Unsupported[platform];
        var failures = new List<string>();

        foreach (var (name, policy) in PoliciesFor(platform))
        {
            if (!TryCompile(policy, allowUnsupported: true, failures, out var result)) continue;
            if (result.HasErrors)
            {
                failures.Add($"{name} does not compile for {keyword} with AllowUnsupported:\n{Format(result.Diagnostics.Where(d => d.IsError))}");
                continue;
            }
            var device = result.Check.Model!.FindDevice(name)!;
            // The configuration files (targets such as agent, written for every device, aside).
            var files = result.Files.Where(f => f.Device == device.Name && Emitters.Find(f.Target) is not null).ToList();
            if (!emitters.Select(e => e.Target).SequenceEqual(files.Select(f => f.Target)))
                failures.Add($"{name}: expected one file from each of {string.Join(", ", emitters.Select(e => e.Target))}, got {string.Join(", ", files.Select(f => f.RelativePath))}");
            foreach (var file in files.Where(f => string.IsNullOrWhiteSpace(Body(f)))) failures.Add($"{file.RelativePath} has no configuration below its header");

            var used = Used(device).ToList();
            var warnings = result.Diagnostics.Where(d => d.Code == "MP4001").ToList();
            foreach (var (construct, span) in used.Where(c => unsupported.ContainsKey(c.Construct)))
            {
                string message = $"{construct} cannot be expressed on {keyword} (device '{device.Name}'): {unsupported[construct]}";
                if (!warnings.Any(d => d.Severity == DiagnosticSeverity.Warning && d.Message == message && d.Span.Start == span.Start))
                    failures.Add($"{device.Name}: '{construct}' is unsupported on {keyword}, but no MP4001 warning names it at {DeviceEmission.Where(span)}");
                if (!files.Any(f => Markers(f).Contains(construct)))
                    failures.Add($"{device.Name}: '{construct}' is unsupported on {keyword}, but no output file has an UNSUPPORTED marker for it ({string.Join(", ", files.Select(f => f.FileName))})");
            }
            int expected = used.Count(c => unsupported.ContainsKey(c.Construct));
            if (warnings.Count != expected)
                failures.Add($"{device.Name}: {warnings.Count} MP4001 warnings for {expected} unsupported construct uses:\n{Format(warnings)}");

            // A marker names a construct the device uses and the platform's table lists — nothing else.
            foreach (var file in files)
            foreach (var marked in Markers(file))
            {
                if (!used.Any(c => c.Construct == marked)) failures.Add($"{file.RelativePath}: UNSUPPORTED marker for '{marked}', which the device does not use");
                else if (!unsupported.ContainsKey(marked)) failures.Add($"{file.RelativePath}: UNSUPPORTED marker for '{marked}', which the {keyword} table does not list (no MP4001 told the user)");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} finding(s) on {keyword}:\n" + string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Without_allow_unsupported_exactly_the_unsupported_constructs_are_errors(string keyword)
    {
        var platform = PlatformOf(keyword);
        var unsupported = PlatformSupport.Unsupported[platform];
        var failures = new List<string>();
        foreach (var (name, policy) in PoliciesFor(platform))
        {
            var device = CheckedModel(policy).FindDevice(name)!;
            var expected = Used(device).Where(c => unsupported.ContainsKey(c.Construct))
                .Select(c => $"{c.Construct} @{DeviceEmission.Where(c.Span)}").Order(StringComparer.Ordinal).ToList();
            if (!TryCompile(policy, allowUnsupported: false, failures, out var result)) continue;
            var errors = result.Diagnostics.Where(d => d.IsError).ToList();
            var actual = errors.Select(d => d.Code != "MP4001"
                    ? $"{d.Code}: {d.Message}"
                    : $"{d.Message[..d.Message.IndexOf(" cannot be expressed on ", StringComparison.Ordinal)]} @{DeviceEmission.Where(d.Span)}")
                .Order(StringComparer.Ordinal).ToList();
            if (!expected.SequenceEqual(actual))
            {
                failures.Add($"{name}: the errors without --allow-unsupported are not exactly the unsupported constructs.\n" +
                    $"  expected MP4001 for: {string.Join("; ", expected)}\n  got: {string.Join("; ", actual)}");
            }
            if (expected.Count > 0 && result.Files.Count > 0) failures.Add($"{name}: files were produced despite errors");
            if (expected.Count == 0 && result.Files.Count == 0) failures.Add($"{name}: no error, yet no file was produced");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} finding(s) on {keyword}:\n" + string.Join("\n", failures));
    }

    /// <summary>
    /// "Written" must mean something in the output: for every marked statement, compile the
    /// policy without it. When it removes a use of a construct the platform supports, the
    /// configuration (its non-comment lines, and on a Linux edge box the mpol-agent table) must
    /// change. (The reverse is not demanded: a backend may write the part of an unsupported
    /// construct its platform can express, e.g. the data-plane half of a filter-auto-rp boundary.)
    /// </summary>
    [Theory]
    [MemberData(nameof(Platforms))]
    public void Removing_a_supported_construct_changes_the_configuration(string keyword)
    {
        var platform = PlatformOf(keyword);
        Assert.True(Emitters.All.Any(e => e.Serves(platform)), $"no backend in Emitters.All serves platform {keyword}");
        var unsupported = PlatformSupport.Unsupported[platform];
        var failures = new List<string>();
        Assert.True(PoliciesFor(platform).Sum(p => Snippets(p.Policy).Count) > 40, "the ablation markers were not found");
        foreach (var (name, policy) in PoliciesFor(platform))
        {
            if (!TryCompile(policy, allowUnsupported: true, failures, out var full)) continue;
            if (full.HasErrors)
            {
                failures.Add($"{name}: {Format(full.Diagnostics.Where(d => d.IsError))}");
                continue;
            }
            var device = full.Check.Model!.FindDevice(name)!;
            foreach (var snippet in Snippets(policy))
            {
                if (!TryCompile(Ablate(policy, snippet), allowUnsupported: true, failures, out var ablated, $" without `{snippet.Label}`")) continue;
                if (ablated.HasErrors)
                {
                    failures.Add($"{name}: without `{snippet.Label}` the policy has errors (fix the matrix policy):\n{Format(ablated.Diagnostics.Where(d => d.IsError))}");
                    continue;
                }
                var after = ablated.Check.Model!.FindDevice(name)!;
                var removedBase = MultisetMinus(ConstructUses.Of(device), ConstructUses.Of(after));
                var removedRefinements = MultisetMinus(PlatformSupport.RefinementsOf(device), PlatformSupport.RefinementsOf(after)).Select(c => c.Construct).ToList();
                var removed = removedBase.Select(c => c.Construct).Concat(removedRefinements).ToList();
                if (removed.Count == 0)
                {
                    failures.Add($"{name}: `{snippet.Label}` removes no construct: drop its //@ marker");
                    continue;
                }

                // A refinement is a finer form of a base construct; only the platforms whose table
                // lists it care. A use whose refinement the platform cannot express may be written
                // in part or not at all (and removing the refinement may make it writable), so
                // such a removal proves nothing either way.
                // The same holds for a construct inside a use that carries such a refinement (an
                // sa-limit of an MSDP peer the platform cannot write at all, say).
                if (removedRefinements.Any(unsupported.ContainsKey)) continue;
                // Likewise a construct at the place of a use the platform cannot write at all (the
                // log of a control-plane filter on a platform without control-plane filters).
                var partial = Used(device).Where(r => unsupported.ContainsKey(r.Construct)).Select(r => r.Span).ToList();
                var supported = removedBase
                    .Where(c => !unsupported.ContainsKey(c.Construct) && !partial.Any(r => r.Start <= c.Span.Start && c.Span.End <= r.End))
                    .Select(c => c.Construct).Distinct().ToList();
                if (supported.Count > 0 && SameConfiguration(full, ablated, device, platform))
                {
                    string what = string.Join(", ", removed.Distinct().Select(c => $"'{c}'"));
                    failures.Add($"{name}: removing `{snippet.Label}` ({what}) leaves every {keyword} output unchanged (comments aside), " +
                        $"though {string.Join(", ", supported.Select(c => $"'{c}'"))} {(supported.Count == 1 ? "is" : "are")} supported: the backend reports it written but writes nothing for it");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} finding(s) on {keyword}:\n" + string.Join("\n", failures));
    }

    // ── helpers ──

    private static Platform PlatformOf(string keyword) => Enum.GetValues<Platform>().Single(p => p.Keyword() == keyword);

    private static IEnumerable<(string Construct, Text.SourceSpan Span)> Used(Device device) =>
        ConstructUses.Of(device).Concat(PlatformSupport.RefinementsOf(device));

    private static CompileResult Compile(string text, bool allowUnsupported) =>
        PolicyEmitter.Compile(
            PolicyPath,
            Emitters.Targets.ToHashSet(StringComparer.Ordinal),
            new CompilationOptions { Today = Today, AllowUnsupported = allowUnsupported },
            new EmitOptions { Redact = true, Environment = _ => null },
            new InMemoryPolicyFileReader(new Dictionary<string, string> { [PolicyPath] = text }));

    /// <summary>
    /// Compiles, turning the emitter base's "backend dropped …" exception (a backend that
    /// neither wrote nor declared a construct) into a finding, so one such bug does not hide the rest.
    /// </summary>
    private static bool TryCompile(string text, bool allowUnsupported, List<string> failures, out CompileResult result, string context = "")
    {
        try
        {
            result = Compile(text, allowUnsupported);
            return true;
        }
        catch (InvalidOperationException e)
        {
            failures.Add($"{e.Message}{context} (the compile throws: the backend neither writes this construct nor declares it unsupported)");
            result = null!;
            return false;
        }
    }

    private static PolicyModel CheckedModel(string policy)
    {
        var check = PolicyCompiler.Check(PolicyPath, new CompilationOptions { Today = Today, AllowUnsupported = true },
            new InMemoryPolicyFileReader(new Dictionary<string, string> { [PolicyPath] = policy }));
        Assert.True(check.Model is not null, $"the matrix policy has errors:\n{Format(check.Diagnostics.Where(d => d.IsError))}");
        return check.Model;
    }

    private static string Format(IEnumerable<Diagnostic> diagnostics) => Examples.ExamplePolicyTests.Format(diagnostics);

    /// <summary>The file below its header (the header ends at the first empty line).</summary>
    private static string Body(EmittedFile file)
    {
        int end = file.Content.IndexOf("\n\n", StringComparison.Ordinal);
        return end < 0 ? string.Empty : file.Content[(end + 2)..];
    }

    /// <summary>The constructs named by the file's "UNSUPPORTED on TARGET: CONSTRUCT (matrix.mpol:N): reason" markers.</summary>
    private static HashSet<string> Markers(EmittedFile file)
    {
        string prefix = $"UNSUPPORTED on {file.Target}: ";
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in file.Content.Split('\n').TakeWhile(l => l.Length > 0))
        {
            int at = line.IndexOf(prefix, StringComparison.Ordinal);
            if (at < 0) continue;
            string rest = line[(at + prefix.Length)..];
            int where = rest.IndexOf($" ({PolicyPath}:", StringComparison.Ordinal);
            result.Add(where < 0 ? rest : rest[..where]);
        }
        return result;
    }

    /// <summary>
    /// The configuration without comments: the body lines that do not start with the file's
    /// comment marker (the first token of its header). On a Linux edge box also the mpol-agent
    /// table, where its limits and admission filters go.
    /// </summary>
    private static bool SameConfiguration(CompileResult a, CompileResult b, Device device, Platform platform)
    {
        string Config(CompileResult r)
        {
            var text = new StringBuilder();
            foreach (var file in r.Files.Where(f => f.Device == device.Name && Emitters.Find(f.Target) is not null).OrderBy(f => f.Target, StringComparer.Ordinal))
            {
                string marker = file.Content[..Math.Max(0, file.Content.IndexOf(' '))];
                text.Append("== ").Append(file.Target).Append('\n');
                foreach (var line in Body(file).Split('\n').Where(l => marker.Length == 0 || !l.TrimStart().StartsWith(marker, StringComparison.Ordinal)))
                    text.Append(line).Append('\n');
            }
            return text.ToString();
        }
        if (Config(a) != Config(b)) return false;
        // Every device has its agent table (the agent target serves every platform), where the
        // agent-only constructs (telemetry) and, on a Linux box, the limits and admission go.
        var tableA = new AgentTableBuilder(a.Check.Model!, a.Check.Model!.FindDevice(device.Name)!).Build();
        var tableB = new AgentTableBuilder(b.Check.Model!, b.Check.Model!.FindDevice(device.Name)!).Build();
        // The header carries the policy hash, which every edit changes.
        return (tableA with { Header = tableB.Header }).Equals(tableB);
    }

    /// <summary>The construct uses of <paramref name="before"/> that <paramref name="after"/> no longer has (by name and count; spans from before).</summary>
    private static List<(string Construct, Text.SourceSpan Span)> MultisetMinus(IEnumerable<(string Construct, Text.SourceSpan Span)> before, IEnumerable<(string Construct, Text.SourceSpan Span)> after)
    {
        var uses = before.ToList();
        var remaining = after.Select(c => c.Construct).GroupBy(c => c, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var kept = new HashSet<int>();
        // Blanking keeps every other statement where it was, so the uses that remain are the
        // ones whose spans still exist; match by span first, then by count.
        var afterSpans = after.Select(c => (c.Construct, c.Span.Start)).ToHashSet();
        for (int i = 0; i < uses.Count; i++)
        {
            if (afterSpans.Contains((uses[i].Construct, uses[i].Span.Start)) && remaining[uses[i].Construct] > 0)
            {
                remaining[uses[i].Construct]--;
                kept.Add(i);
            }
        }
        var removed = new List<(string, Text.SourceSpan)>();
        for (int i = 0; i < uses.Count; i++)
        {
            if (kept.Contains(i)) continue;
            if (remaining.TryGetValue(uses[i].Construct, out int n) && n > 0) remaining[uses[i].Construct] = n - 1;
            else removed.Add(uses[i]);
        }
        return removed;
    }

    private sealed record Snippet(int FirstLine, int LastLine, string Label);

    /// <summary>The //@ lines and //@{ … //@} blocks of the policy text.</summary>
    private static List<Snippet> Snippets(string policy)
    {
        var lines = policy.Split('\n');
        var result = new List<Snippet>();
        var open = new Stack<int>();
        for (int i = 0; i < lines.Length; i++)
        {
            int at = lines[i].IndexOf("//@", StringComparison.Ordinal);
            if (at < 0) continue;
            string tag = lines[i][(at + 3)..].Trim();
            string label = lines[i][..at].Trim();
            if (tag == "{") open.Push(i);
            else if (tag == "}") { int start = open.Pop(); result.Add(new Snippet(start, i, lines[start][..lines[start].IndexOf("//@", StringComparison.Ordinal)].Trim() + " … }")); }
            else result.Add(new Snippet(i, i, label));
        }
        Assert.Empty(open);
        return result;
    }

    /// <summary>The policy with the snippet's characters replaced by spaces: every other line and column stays where it was.</summary>
    private static string Ablate(string policy, Snippet snippet)
    {
        var lines = policy.Split('\n');
        for (int i = snippet.FirstLine; i <= snippet.LastLine; i++) lines[i] = new string(' ', lines[i].Length);
        return string.Join('\n', lines);
    }

    /// <summary>
    /// Every construct name the yield statements of the construct methods can produce
    /// (ConstructUses.Of, PlatformSupport.RefinementsOf and each platform's own refinements in
    /// Emit/PLATFORM/*Support.cs), read from their source ("{p}" stands for igmp and mld).
    /// </summary>
    internal static HashSet<string> YieldableConstructs()
    {
        string compiler = Path.Combine(RepoPaths.Root, "compiler", "PolicyKit.Compiler");
        var files = new[] { Path.Combine(compiler, "Model", "ConstructUses.cs"), Path.Combine(compiler, "Emit", "PlatformSupport.cs") }
            .Concat(Directory.GetFiles(Path.Combine(compiler, "Emit"), "*Support.cs", SearchOption.AllDirectories))
            .Distinct();
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var name in YieldableConstructs(File.ReadAllText(file))) result.Add(name);
        }
        return result;
    }

    private static IEnumerable<string> YieldableConstructs(string source)
    {
        foreach (System.Text.RegularExpressions.Match method in Regex.Matches(source, @"IEnumerable<\(string Construct, SourceSpan Span\)> (\w+)\(Device device\)"))
        {
            int open = source.IndexOf('{', method.Index);
            int depth = 0, end = open;
            for (; end < source.Length; end++)
            {
                if (source[end] == '{') depth++;
                else if (source[end] == '}' && --depth == 0) break;
            }
            foreach (var line in source[open..end].Split('\n').Where(l => l.Contains("yield return", StringComparison.Ordinal)))
            foreach (System.Text.RegularExpressions.Match literal in Regex.Matches(line, "\\$?\"((?:[^\"\\\\]|\\\\.)*)\""))
            {
                string text = literal.Groups[1].Value;
                var names = text.Contains("{p}", StringComparison.Ordinal) ? new[] { text.Replace("{p}", "igmp", StringComparison.Ordinal), text.Replace("{p}", "mld", StringComparison.Ordinal) } : [text];
                foreach (var name in names)
                {
                    Assert.False(name.Contains('{', StringComparison.Ordinal), $"cannot expand the construct name template \"{text}\" in {method.Groups[1].Value}");
                    yield return name;
                }
            }
        }
    }
}
