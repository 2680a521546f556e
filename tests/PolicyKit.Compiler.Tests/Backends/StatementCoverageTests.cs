using System.Reflection;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// "Emitted or diagnosed" cannot be bypassed: every statement the language has carries a
/// construct name. Each kind of statement of the syntax tree (found by reflection, so a new kind
/// fails here until it is mapped) is listed with the constructs its uses carry; the construct
/// matrix policy (<see cref="ConstructMatrixTests"/>) writes every kind at least once; and each
/// statement written there is carried by a use of one of its constructs (<see cref="ConstructUses.Of"/>)
/// at its place — which <see cref="ConstructMatrixTests"/> then proves written or reported (MP4001)
/// on every platform.
/// </summary>
public sealed class StatementCoverageTests
{
    /// <summary>Statement kinds and the constructs a use of each carries.</summary>
    private static readonly Dictionary<Type, string[]> Carriers = new()
    {
        [typeof(MrouteLimitSyntax)] = ["mroute-limit"],
        [typeof(DeviceGroupLimitSyntax)] = ["igmp limit (router-wide)", "mld limit (router-wide)", "igmp default-limit", "mld default-limit"],
        [typeof(SapListenSyntax)] = ["sap-listen"],
        [typeof(MrinfoSyntax)] = ["mrinfo filter"],
        [typeof(GroupRangeSyntax)] = ["group-range"],
        [typeof(SsmRangeSyntax)] = ["ssm-range"],
        [typeof(RpAddressSyntax)] = ["rp address"],
        [typeof(RpFilterSyntax)] = ["accept-register", "announce-filter (Auto-RP)"],
        [typeof(RegisterRateLimitSyntax)] = ["register-rate-limit"],
        [typeof(MsdpOriginatorSyntax)] = ["msdp originator-id"],
        [typeof(MsdpRedistributeSyntax)] = ["msdp redistribute filter"],
        [typeof(MsdpPeerSyntax)] = ["msdp peer"],
        [typeof(SaFilterSyntax)] = ["msdp sa-filter"],
        [typeof(SaLimitSyntax)] = ["msdp sa-limit"],
        [typeof(AuthSyntax)] = ["msdp md5 authentication", "msdp tcp-ao authentication", "bgp md5 authentication", "bgp tcp-ao authentication"],
        [typeof(PeerDescriptionSyntax)] = ["msdp peer description", "bgp neighbor description"],
        [typeof(MeshGroupSyntax)] = ["msdp mesh-group"],
        [typeof(ConnectSourceSyntax)] = ["msdp connect-source"],
        [typeof(BgpBlockSyntax)] = ["bgp"],
        [typeof(RouterIdSyntax)] = ["bgp router-id"],
        [typeof(NeighborSyntax)] = ["bgp neighbor"],
        [typeof(DampingSyntax)] = ["bgp damping"],
        [typeof(MaxPrefixSyntax)] = ["bgp max-prefix"],
        [typeof(TtlSecuritySyntax)] = ["bgp ttl-security"],
        [typeof(HoldTimeSyntax)] = ["bgp hold-time"],
        [typeof(PrefixFilterSyntax)] = ["bgp prefix-filter"],
        [typeof(BmpBlockSyntax)] = ["bmp station"],
        [typeof(BmpAddressSyntax)] = ["bmp station"],
        [typeof(BmpPortSyntax)] = ["bmp port"],
        [typeof(BmpTlsSyntax)] = ["bmp over tls"],
        [typeof(BmpMonitorSyntax)] = ["bmp monitor"],
        [typeof(BmpStatsIntervalSyntax)] = ["bmp stats-interval"],
        [typeof(TelemetryBlockSyntax)] = ["telemetry"],
        [typeof(ControlPlaneBlockSyntax)] = ["control-plane"],
        [typeof(GroupEncryptionBlockSyntax)] = ["group-encryption"],
        [typeof(StateLimitSyntax)] = ["state-limit", "state-limit with costs"],
        [typeof(BoundarySyntax)] = ["boundary", "boundary filter-auto-rp"],
        [typeof(SourceFilterSyntax)] = ["source-filter"],
        [typeof(RouterGuardSyntax)] = ["router-guard"],
        [typeof(DescriptionSyntax)] = ["interface description"],
        [typeof(MinVersionSyntax)] = ["igmp minimum version", "mld minimum version"],
        [typeof(InlineRuleSyntax)] = ["igmp access filter", "mld access filter"],
        [typeof(AccessRefSyntax)] = ["igmp access filter", "mld access filter"],
        [typeof(LimitSyntax)] = ["igmp interface limit", "igmp interface limit with except", "mld interface limit", "mld interface limit with except"],
        [typeof(QueriesSyntax)] = ["igmp queries drop", "mld queries drop"],
        [typeof(ControlRefSyntax)] = ["igmp control filter", "mld control filter"],
        [typeof(NeighborsNoneSyntax)] = ["pim neighbor filter"],
        [typeof(NeighborsPermitSyntax)] = ["pim neighbor filter"],
        [typeof(BsrBorderSyntax)] = ["bsr-border"],
        [typeof(PimDisabledSyntax)] = ["pim disabled"],
        [typeof(RpkiBlockSyntax)] = ["rpki cache"],
        [typeof(OriginValidationSyntax)] = ["bgp origin validation"],
        [typeof(AsPathSyntax)] = ["bgp as-path reject", "bgp as-path max-length", "bgp as-path first-as"],
        [typeof(WellKnownCommunitySyntax)] = ["bgp blackhole reject", "bgp graceful-shutdown honor"],
        [typeof(CommunitySyntax)] = ["bgp community in", "bgp community out"],
        [typeof(EbgpDefaultSyntax)] = ["bgp ebgp-default"],
        [typeof(ComposeLoopbackFilterSyntax)] = ["compose loopback-filter"],
    };

    /// <summary>
    /// Blocks whose statements are mapped one by one, and declarations whose content a statement
    /// that names them carries (a keychain's keys go with the authentication that uses it, a TLS
    /// block's settings with "bmp over tls").
    /// </summary>
    private static readonly HashSet<Type> Containers =
    [
        typeof(InterfaceDeclSyntax), typeof(RpBlockSyntax), typeof(MsdpBlockSyntax), typeof(MembershipBlockSyntax),
        typeof(PimInterfaceBlockSyntax), typeof(KeychainBlockSyntax), typeof(KeySyntax), typeof(TlsStmtSyntax),
    ];

    /// <summary>Statements that change no output, only what <c>mpolc plan</c> may replace (issue 16: takeover).</summary>
    private static readonly HashSet<Type> PlanOnly = [typeof(DeviceTakeoverSyntax), typeof(InterfaceTakeoverSyntax)];
    /// <summary>
    /// Statements that change how others are enforced rather than being constructs of their own:
    /// <c>audit;</c> withholds its scope's rules from every configuration, each named in an AUDIT
    /// comment of the file (AuditWithholding; AuditTests proves it on every platform).
    /// </summary>
    private static readonly HashSet<Type> Modes = [typeof(AuditSyntax), typeof(InterfaceAuditSyntax)];

    private static readonly Type[] StatementBases =
    [
        typeof(DeviceStmtSyntax), typeof(InterfaceStmtSyntax), typeof(MembershipStmtSyntax), typeof(PimInterfaceStmtSyntax),
        typeof(RpStmtSyntax), typeof(MsdpStmtSyntax), typeof(PeerStmtSyntax), typeof(BgpStmtSyntax), typeof(BmpStmtSyntax),
    ];

    [Fact]
    public void Every_kind_of_statement_is_mapped_to_constructs()
    {
        var kinds = typeof(DeviceStmtSyntax).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && StatementBases.Any(b => b.IsAssignableFrom(t)))
            .ToList();
        Assert.True(kinds.Count > 40, "the statement kinds were not found");
        var unmapped = kinds.Where(k => !Carriers.ContainsKey(k) && !Containers.Contains(k) && !PlanOnly.Contains(k) && !Modes.Contains(k)).Select(k => k.Name).ToList();
        Assert.True(unmapped.Count == 0, "statement kinds with no construct (add them to ConstructUses.Of and to Carriers): " + string.Join(", ", unmapped));
        var dead = Carriers.SelectMany(c => c.Value).Where(name => !ConstructMatrixTests.YieldableConstructs().Contains(name)).Distinct().ToList();
        Assert.True(dead.Count == 0, "Carriers names constructs ConstructUses does not know: " + string.Join(", ", dead));
    }

    [Fact]
    public void Every_statement_of_the_matrix_is_carried_by_a_construct_at_its_place()
    {
        var seenKinds = new HashSet<Type>();
        var failures = new List<string>();
        foreach (var (name, policy) in ConstructMatrixTests.PoliciesFor(Platform.IosXe))
        {
            var check = PolicyCompiler.Check(ConstructMatrixTests.PolicyPath, new CompilationOptions { Today = new(2026, 11, 23), AllowUnsupported = true },
                new InMemoryPolicyFileReader(new Dictionary<string, string> { [ConstructMatrixTests.PolicyPath] = policy }));
            var model = check.Model ?? throw new InvalidOperationException("the matrix policy does not bind");
            var syntax = PolicyParser.ParseSyntax(new SourceFile(ConstructMatrixTests.PolicyPath, policy), new DiagnosticBag())!;
            var device = model.FindDevice(name)!;
            var uses = ConstructUses.Of(device).Select(u => (u.Construct, Start: u.Span.Start, End: u.Span.End, Path: u.Span.File.Path)).ToList();
            var filterSpans = model.Filters.ToDictionary(f => f.Name, f => f.Span.Start, StringComparer.Ordinal);
            var declaration = syntax.Declarations.OfType<DeviceDeclSyntax>().Single(d => d.Name.Text == name);
            var profiles = syntax.Declarations.OfType<ProfileDeclSyntax>().ToDictionary(p => p.Name.Text, StringComparer.Ordinal);
            foreach (var statement in Statements(declaration.Body, profiles))
            {
                var kind = statement.GetType();
                seenKinds.Add(kind);
                if (Containers.Contains(kind) || PlanOnly.Contains(kind) || IsDefault(statement)) continue;
                var names = Carriers[kind];
                int start = Start(statement);
                int? referenced = Referenced(statement) is { } filter && filterSpans.TryGetValue(filter, out int at) ? at : null;
                bool carried = uses.Any(u => names.Contains(u.Construct) && ((u.Start <= start && start < Math.Max(u.End, u.Start + 1)) || u.Start == referenced));
                if (!carried)
                    failures.Add($"{name}: {kind.Name} at offset {start} is carried by no use of {string.Join(" / ", names)}");
            }
        }
        var missing = Carriers.Keys.Where(k => !seenKinds.Contains(k)).Select(k => k.Name).ToList();
        Assert.True(missing.Count == 0, "the matrix policy writes no statement of these kinds (add one): " + string.Join(", ", missing));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Every statement in a device, its blocks, and the profiles its interfaces use.</summary>
    private static IEnumerable<object> Statements(IEnumerable<DeviceStmtSyntax> body, Dictionary<string, ProfileDeclSyntax> profiles)
    {
        foreach (var statement in body)
        {
            yield return statement;
            IEnumerable<object> inner = statement switch
            {
                InterfaceDeclSyntax i => i.Uses.Where(u => profiles.ContainsKey(u.Text)).SelectMany(u => profiles[u.Text].Body).Concat(i.Body).SelectMany(InterfaceStatements),
                RpBlockSyntax r => r.Body,
                MsdpBlockSyntax m => m.Body.SelectMany(s => s is MsdpPeerSyntax p ? [s, .. p.Body] : new object[] { s }),
                BgpBlockSyntax b => b.Body.SelectMany(s => s is NeighborSyntax n ? [s, .. n.Body] : new object[] { s }),
                BmpBlockSyntax b => b.Body,
                _ => [],
            };
            foreach (var s in inner) yield return s;
        }
    }

    private static IEnumerable<object> InterfaceStatements(InterfaceStmtSyntax statement) => statement switch
    {
        MembershipBlockSyntax m => [m, .. m.Body],
        PimInterfaceBlockSyntax p => [p, .. p.Body],
        _ => [statement],
    };

    /// <summary>Statements that say what is already so and write nothing (`queries allow`, the default BMP port).</summary>
    private static bool IsDefault(object statement) =>
        statement is QueriesSyntax { Drop: false } || statement is BmpPortSyntax { Port: BmpStation.DefaultPort };

    private static int Start(object statement) => statement switch
    {
        DeviceStmtSyntax s => s.Span.Start,
        InterfaceStmtSyntax s => s.Span.Start,
        MembershipStmtSyntax s => s.Span.Start,
        PimInterfaceStmtSyntax s => s.Span.Start,
        RpStmtSyntax s => s.Span.Start,
        MsdpStmtSyntax s => s.Span.Start,
        PeerStmtSyntax s => s.Span.Start,
        BgpStmtSyntax s => s.Span.Start,
        BmpStmtSyntax s => s.Span.Start,
        _ => throw new InvalidOperationException(statement.GetType().Name),
    };

    /// <summary>The named filter a statement uses, whose declaration the construct points at.</summary>
    private static string? Referenced(object statement) => statement switch
    {
        AccessRefSyntax a => a.Filter.Text,
        SourceFilterSyntax s => s.Filter.Text,
        RpFilterSyntax { Filter: { } f } => f.Text,
        _ => null,
    };
}
