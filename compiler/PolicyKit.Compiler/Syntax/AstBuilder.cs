using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;
using static PolicyKit.Compiler.Generated.MpolParser;

namespace PolicyKit.Compiler.Syntax;

/// <summary>
/// Builds the policy syntax tree from ANTLR's parse tree of a file that parsed without errors.
/// Literal conversion happens here (addresses, numbers with units, dates); a literal that is
/// well-formed for the lexer but meaningless (a /33, the 31st of February) is reported as MP1005,
/// MP1007 or MP1008 and the construct that holds it is dropped.
/// </summary>
public sealed partial class AstBuilder
{
    private readonly SourceFile source;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<Diagnostic>? _deferred;
    // Entries and rules built while their set or filter is still being parsed (AddSetEntry, AddFilterRule).
    private readonly List<SetEntrySyntax> _earlyEntries = [];
    private readonly List<RuleSyntax> _earlyRules = [];
    private readonly ImmutableArray<IncludeSyntax>.Builder _includes = ImmutableArray.CreateBuilder<IncludeSyntax>();
    private readonly ImmutableArray<DeclarationSyntax>.Builder _declarations = ImmutableArray.CreateBuilder<DeclarationSyntax>();

    public AstBuilder(SourceFile source, DiagnosticBag diagnostics)
        : this(source, diagnostics, deferDiagnostics: false)
    {
    }

    /// <param name="deferDiagnostics">
    /// Hold findings back until <see cref="ReportDeferredDiagnostics"/>: the parser builds
    /// declarations while it still may find a syntax error, after which they are dropped.
    /// </param>
    internal AstBuilder(SourceFile source, DiagnosticBag diagnostics, bool deferDiagnostics)
    {
        this.source = source;
        _diagnostics = diagnostics;
        _deferred = deferDiagnostics ? [] : null;
    }

    public PolicyFileSyntax Build(PolicyFileContext tree)
    {
        foreach (var declaration in tree.declaration()) Add(declaration);
        return Finish();
    }

    /// <summary>Adds one top-level declaration (in file order).</summary>
    internal void Add(DeclarationContext declaration)
    {
        switch (declaration.GetChild(0))
        {
            case IncludeDeclContext include:
                _includes.Add(new IncludeSyntax(Text(include.STRING()), Span(include)));
                break;
            case SetDeclContext set:
                _declarations.Add(BuildSet(set));
                break;
            case IrrSetDeclContext irr:
                _declarations.Add(BuildIrrSet(irr));
                break;
            case FilterDeclContext filter:
                _declarations.Add(BuildFilter(filter));
                break;
            case ClassDeclContext cls:
                _declarations.Add(BuildClass(cls));
                break;
            case ProfileDeclContext profile:
                _declarations.Add(new ProfileDeclSyntax(Name(profile.name()), BuildInterfaceBody(profile.interfaceStmt()), Span(profile)));
                break;
            case DeviceDeclContext device:
                _declarations.Add(BuildDevice(device));
                break;
            case TestDeclContext test:
                _declarations.Add(BuildTest(test));
                break;
        }
    }

    private TestDeclSyntax BuildTest(TestDeclContext test)
    {
        var steps = ImmutableArray.CreateBuilder<TestStepSyntax>();
        foreach (var statement in test.testStmt())
        {
            // The strings in order: the events, then what follows 'because', then 'by'.
            ITerminalNode? events = null, because = null, by = null;
            ITerminalNode? repeat = null;
            int last = 0;
            for (int i = 0; i < statement.ChildCount; i++)
            {
                if (statement.GetChild(i) is not ITerminalNode token) continue;
                int type = token.Symbol.Type;
                if (type == Generated.MpolParser.STRING)
                {
                    if (last == Generated.MpolParser.BECAUSE) because = token;
                    else if (last == Generated.MpolParser.BY) by = token;
                    else events ??= token;
                }
                else if (type == Generated.MpolParser.INT && last == Generated.MpolParser.REPEAT) repeat = token;
                last = type;
            }
            if (events is null) continue;   // a syntax error, already reported
            int times = 1;
            if (repeat is not null && (!int.TryParse(repeat.GetText(), NumberStyles.None, CultureInfo.InvariantCulture, out times) || times is < 1 or > 10000))
            {
                Report(Span(repeat.Symbol), c => c.RepeatOutOfRange(repeat.GetText()));
                times = 1;
            }
            RuleAction? expect = statement is TestExpectContext e ? (e.action().PERMIT() is not null ? RuleAction.Permit : RuleAction.Deny) : null;
            steps.Add(new TestStepSyntax(Text(events), Span(events.Symbol), times, expect,
                because is null ? null : Text(because), because is null ? null : Span(because.Symbol), by is null ? null : Text(by), Span(statement)));
        }
        var title = test.STRING();
        return new TestDeclSyntax(new NameSyntax(Text(title), Span(title.Symbol)), Name(test.name()), steps.ToImmutable(), Span(test));
    }

    internal PolicyFileSyntax Finish() => new(source, _includes.ToImmutable(), _declarations.ToImmutable());

    internal void ReportDeferredDiagnostics()
    {
        if (_deferred is null) return;
        foreach (var diagnostic in _deferred) _diagnostics.Add(diagnostic);
        _deferred.Clear();
    }

    /// <summary>What <see cref="DiagnosticBag.Add(SourceSpan, Func{DiagnosticCatalog, DiagnosticTemplate})"/> does, or held back.</summary>
    private void Report(SourceSpan span, Func<DiagnosticCatalog, DiagnosticTemplate> build)
    {
        var diagnostic = build(DiagnosticCatalog.Instance).At(span);
        if (_deferred is not null) _deferred.Add(diagnostic);
        else _diagnostics.Add(diagnostic);
    }

    // ── sets, filters, classes ──

    private SetDeclSyntax BuildSet(SetDeclContext set)
    {
        var kind = Child<SetKindContext>(set)!.Start.Type switch
        {
            GROUPS => SetKind.Groups,
            SOURCES => SetKind.Sources,
            _ => SetKind.Prefixes,
        };
        var entries = ImmutableArray.CreateBuilder<SetEntrySyntax>(_earlyEntries.Count + Count<SetEntryContext>(set));
        entries.AddRange(_earlyEntries);
        _earlyEntries.Clear();
        foreach (var child in Children(set))
        {
            if (child is SetEntryContext entry && BuildSetEntry(entry) is { } built) entries.Add(built);
        }
        return new SetDeclSyntax(kind, Name(Child<NameContext>(set)!), entries.DrainToImmutable(), Span(set));
    }

    private SetEntrySyntax? BuildSetEntry(SetEntryContext entry)
    {
        bool except = Token(entry, EXCEPT) is not null;
        switch (Child<SetItemContext>(entry))
        {
            case SetPrefixItemContext prefixItem:
                if (PrefixItem(Child<PrefixContext>(prefixItem)!) is not { } item) return null;
                int? ge = null, le = null;
                if (Child<PrefixLengthRangeContext>(prefixItem) is { } range)
                {
                    ge = range.GE() is not null ? SmallInt(range.INT(0), 0, 128) : null;
                    le = range.LE() is not null ? SmallInt(range.INT(range.GE() is not null ? 1 : 0), 0, 128) : null;
                }
                return new SetEntrySyntax(except, item, ge, le, Span(entry));
            case SetRefItemContext refItem:
                return new SetEntrySyntax(except, new NameItemSyntax(Name(Child<NameContext>(refItem)!)), null, null, Span(entry));
            default:
                return null;
        }
    }

    /// <summary>
    /// Builds a set entry of the set being parsed as soon as the parser has finished it (the
    /// parser then drops its subtree): <see cref="BuildSet"/> takes these first. An IRR-sized set
    /// written out is 100k entries whose parse trees would otherwise live until its closing brace.
    /// </summary>
    internal void AddSetEntry(SetEntryContext entry)
    {
        if (BuildSetEntry(entry) is { } built) _earlyEntries.Add(built);
    }

    /// <summary>As <see cref="AddSetEntry"/>, for the rules of the filter being parsed (a 20k-rule filter's parse tree was ~100 MB).</summary>
    internal void AddFilterRule(FilterRuleContext rule) => _earlyRules.Add(BuildRule(rule));

    private FilterDeclSyntax BuildFilter(FilterDeclContext filter)
    {
        var rules = ImmutableArray.CreateBuilder<RuleSyntax>(_earlyRules.Count + Count<FilterRuleContext>(filter));
        rules.AddRange(_earlyRules);
        _earlyRules.Clear();
        foreach (var child in Children(filter))
        {
            if (child is FilterRuleContext rule) rules.Add(BuildRule(rule));
        }
        return new FilterDeclSyntax(Name(Child<NameContext>(filter)!), rules.DrainToImmutable(), Span(filter));
    }

    private RuleSyntax BuildRule(FilterRuleContext rule)
    {
        var terms = ImmutableArray.CreateBuilder<MatchTermSyntax>(Count<MatchTermContext>(rule));
        foreach (var child in Children(rule))
        {
            if (child is MatchTermContext term && BuildTerm(term) is { } built) terms.Add(built);
        }
        var action = Child<ActionContext>(rule)!;
        return new(Token(action, PERMIT) is not null ? RuleAction.Permit : RuleAction.Deny, terms.DrainToImmutable(), Token(rule, LOG) is not null, Span(rule));
    }

    private RuleSyntax BuildRule(ActionContext action, MatchTermContext[] terms, bool log, ParserRuleContext whole) =>
        new(action.PERMIT() is not null ? RuleAction.Permit : RuleAction.Deny, terms.Select(BuildTerm).OfType<MatchTermSyntax>().ToImmutableArray(), log, Span(whole));

    private MatchTermSyntax? BuildTerm(MatchTermContext term) => term switch
    {
        MatchAnyContext any => new AnyTermSyntax(Span(any)),
        MatchSourcesContext t => AddressTerm(MatchField.Sources, Child<AddressRefContext>(t)!, t),
        MatchGroupsContext t => AddressTerm(MatchField.Groups, Child<AddressRefContext>(t)!, t),
        MatchPrefixesContext t => AddressTerm(MatchField.Prefixes, Child<AddressRefContext>(t)!, t),
        MatchFromContext t => AddressTerm(MatchField.From, Child<AddressRefContext>(t)!, t),
        MatchToContext t => AddressTerm(MatchField.To, Child<AddressRefContext>(t)!, t),
        MatchRpsContext t => AddressTerm(MatchField.Rps, Child<AddressRefContext>(t)!, t),
        MatchProtocolContext t => new ProtocolTermSyntax(t.protocolName().Select(ProtocolOf).OfType<ProtocolMatch>().ToImmutableArray(), Span(t)),
        MatchIgmpTypeContext t => new IgmpTypeTermSyntax(t.igmpType().Select(IgmpTypeOf).ToImmutableArray(), Span(t)),
        MatchPortContext t => SmallInt(t.INT(), 0, 65535) is { } port ? new PortTermSyntax(port, Span(t)) : null,
        _ => null,
    };

    private AddressTermSyntax AddressTerm(MatchField field, AddressRefContext addresses, ParserRuleContext whole) =>
        new(field, AddressRef(addresses), Span(whole));

    private ProtocolMatch? ProtocolOf(ProtocolNameContext p) => p.Start.Type switch
    {
        IGMP => new ProtocolMatch(Protocol.Igmp, 2),
        PIM => new ProtocolMatch(Protocol.Pim, 103),
        MSDP => new ProtocolMatch(Protocol.Msdp, 6),
        BGP => new ProtocolMatch(Protocol.Bgp, 6),
        BMP => new ProtocolMatch(Protocol.Bmp, 6),
        UDP => new ProtocolMatch(Protocol.Udp, 17),
        TCP => new ProtocolMatch(Protocol.Tcp, 6),
        ICMP => new ProtocolMatch(Protocol.Icmp, 1),
        ICMPV6 => new ProtocolMatch(Protocol.Icmpv6, 58),
        IP => new ProtocolMatch(Protocol.Ip, 0),
        AUTO_RP => new ProtocolMatch(Protocol.AutoRp, 17),
        _ => SmallInt(p.INT(), 0, 255) is { } number ? new ProtocolMatch(Protocol.Number, number) : null,
    };

    private static IgmpMessageType IgmpTypeOf(IgmpTypeContext t) => t.Start.Type switch
    {
        QUERY => IgmpMessageType.Query,
        REPORT_V1 => IgmpMessageType.ReportV1,
        REPORT_V2 => IgmpMessageType.ReportV2,
        REPORT_V3 => IgmpMessageType.ReportV3,
        LEAVE => IgmpMessageType.Leave,
        PIM_V1 => IgmpMessageType.PimV1,
        DVMRP => IgmpMessageType.Dvmrp,
        MTRACE => IgmpMessageType.Mtrace,
        _ => IgmpMessageType.MtraceResponse,
    };

    private ClassDeclSyntax BuildClass(ClassDeclContext cls)
    {
        var terms = ImmutableArray.CreateBuilder<MatchTermSyntax>();
        SourceSpan? matchSpan = null, costSpan = null;
        Bandwidth? cost = null;
        foreach (var statement in cls.classStmt())
        {
            switch (statement)
            {
                case ClassMatchContext match:
                    if (matchSpan is not null) Report(Span(match), c => c.DuplicateSetting("match", $"class '{cls.name().GetText()}'"));
                    matchSpan = Span(match);
                    terms.Clear();
                    terms.AddRange(match.matchTerm().Select(BuildTerm).OfType<MatchTermSyntax>());
                    break;
                case ClassCostContext c:
                    if (costSpan is not null) Report(Span(c), d => d.DuplicateSetting("cost", $"class '{cls.name().GetText()}'"));
                    costSpan = Span(c);
                    cost = BandwidthOf(c.bandwidth());
                    break;
            }
        }
        return new ClassDeclSyntax(Name(cls.name()), terms.ToImmutable(), matchSpan, cost, costSpan, Span(cls));
    }

    // ── interface policy ──

    private ImmutableArray<InterfaceStmtSyntax> BuildInterfaceBody(InterfaceStmtContext[] statements) =>
        statements.Select(BuildInterfaceStmt).OfType<InterfaceStmtSyntax>().ToImmutableArray();

    private InterfaceStmtSyntax? BuildInterfaceStmt(InterfaceStmtContext statement)
    {
        if (statement.igmpBlock() is { } igmp)
        {
            var protocol = igmp.groupProtocol().MLD() is not null ? GroupProtocol.Mld : GroupProtocol.Igmp;
            return new MembershipBlockSyntax(protocol, igmp.igmpStmt().Select(BuildMembershipStmt).OfType<MembershipStmtSyntax>().ToImmutableArray(), Span(igmp));
        }
        if (statement.stateLimitStmt() is { } limit) return BuildStateLimit(limit);
        if (statement.pimIfBlock() is { } pim)
        {
            var body = pim.pimIfStmt().Select<PimIfStmtContext, PimInterfaceStmtSyntax>(s => s switch
            {
                PimNeighborsNoneContext n => new NeighborsNoneSyntax(Span(n)),
                PimNeighborsPermitContext p => new NeighborsPermitSyntax(AddressRef(p.addressRef()), Span(p)),
                PimBsrBorderContext b => new BsrBorderSyntax(Span(b)),
                _ => new PimDisabledSyntax(Span(s)),
            }).ToImmutableArray();
            return new PimInterfaceBlockSyntax(body, Span(pim));
        }
        if (statement.boundaryStmt() is { } boundary)
        {
            return new BoundarySyntax(
                boundary.addressRef() is { } groups ? AddressRef(groups) : null,
                boundary.name() is { } filter ? Name(filter) : null,
                boundary.FILTER_AUTO_RP() is not null,
                Span(boundary));
        }
        if (statement.sourceFilterStmt() is { } sourceFilter) return new SourceFilterSyntax(Name(sourceFilter.name()), Span(sourceFilter));
        if (statement.ROUTER_GUARD() is not null) return new RouterGuardSyntax(Span(statement));
        if (statement.AUDIT() is not null) return new InterfaceAuditSyntax(Span(statement));
        if (statement.DESCRIPTION() is not null) return new DescriptionSyntax(Text(statement.STRING()), Span(statement));
        if (statement.takeoverStmt() is { } takeover) return new InterfaceTakeoverSyntax(SiteObjects(takeover), Span(takeover));
        return null;
    }

    private MembershipStmtSyntax? BuildMembershipStmt(IgmpStmtContext statement) => statement switch
    {
        IgmpMinVersionContext v => SmallInt(v.INT(), 1, 3) is { } version ? new MinVersionSyntax(version, Span(v)) : null,
        IgmpInlineRuleContext r => new InlineRuleSyntax(BuildRule(r.action(), r.matchTerm(), r.LOG() is not null, r)),
        IgmpAccessFilterContext a => new AccessRefSyntax(Name(a.name()), Span(a)),
        IgmpLimitContext l => SmallInt(l.INT(), 0, int.MaxValue) is { } max
            ? new LimitSyntax(max, l.addressRef() is { } except ? AddressRef(except) : null, Span(l))
            : null,
        IgmpQueriesContext q => new QueriesSyntax(q.DROP() is not null, Span(q)),
        IgmpControlContext c => new ControlRefSyntax(Name(c.name()), Span(c)),
        _ => null,
    };

    private StateLimitSyntax? BuildStateLimit(StateLimitStmtContext limit)
    {
        var direction = limit.limitDirection().Start.Type switch
        {
            RPF => LimitDirection.Rpf,
            OUT => LimitDirection.Out,
            _ => LimitDirection.Connected,
        };
        long? count = null;
        Bandwidth? bandwidth = null;
        if (limit.limitAmount().INT() is { } amount)
        {
            if (SmallInt(amount, 0, int.MaxValue) is not { } parsed) return null;
            count = parsed;
        }
        else if (BandwidthOf(limit.limitAmount().bandwidth()) is { } parsedBandwidth)
        {
            bandwidth = parsedBandwidth;
        }
        else
        {
            return null;
        }
        AddressRefSyntax? groups = null, sources = null;
        Bandwidth? defaultCost = null;
        var classes = ImmutableArray.CreateBuilder<NameSyntax>();
        foreach (var option in limit.stateLimitOption())
        {
            switch (option)
            {
                case StateLimitGroupsContext g:
                    if (groups is not null) Report(Span(g), c => c.DuplicateSetting("groups", "this state limit"));
                    groups = AddressRef(g.addressRef());
                    break;
                case StateLimitSourcesContext s:
                    if (sources is not null) Report(Span(s), c => c.DuplicateSetting("sources", "this state limit"));
                    sources = AddressRef(s.addressRef());
                    break;
                case StateLimitClassesContext cl:
                    classes.AddRange(cl.name().Select(Name));
                    break;
                case StateLimitDefaultCostContext d:
                    if (defaultCost is not null) Report(Span(d), c => c.DuplicateSetting("default-cost", "this state limit"));
                    defaultCost = BandwidthOf(d.bandwidth());
                    break;
            }
        }
        return new StateLimitSyntax(direction, count, bandwidth, groups, sources, classes.ToImmutable(), defaultCost, Span(limit));
    }

    // ── devices ──

    private DeviceDeclSyntax BuildDevice(DeviceDeclContext device)
    {
        var platform = device.platformName().Start.Type switch
        {
            IOS_XE => Platform.IosXe,
            IOS_XR => Platform.IosXr,
            JUNOS => Platform.Junos,
            FRR => Platform.Frr,
            NFTABLES => Platform.Nftables,
            _ => Platform.Linux,
        };
        var body = device.deviceStmt().Select(BuildDeviceStmt).OfType<DeviceStmtSyntax>().ToImmutableArray();
        return new DeviceDeclSyntax(Name(device.name()), platform, body, Span(device));
    }

    private DeviceStmtSyntax? BuildDeviceStmt(DeviceStmtContext statement)
    {
        switch (statement)
        {
            case MrouteLimitContext m:
                if (SmallInt(m.INT(0), 0, int.MaxValue) is not { } max) return null;
                int? warn = m.WARN() is not null ? SmallInt(m.INT(1), 0, int.MaxValue) : null;
                return new MrouteLimitSyntax(max, warn, Span(m));
            case RouterWideGroupLimitContext r:
                return SmallInt(r.INT(), 0, int.MaxValue) is { } cap
                    ? new DeviceGroupLimitSyntax(ProtocolOf(r.groupProtocol()), false, cap, r.addressRef() is { } ex ? AddressRef(ex) : null, Span(r))
                    : null;
            case DefaultGroupLimitContext d:
                return SmallInt(d.INT(), 0, int.MaxValue) is { } def
                    ? new DeviceGroupLimitSyntax(ProtocolOf(d.groupProtocol()), true, def, d.addressRef() is { } ex2 ? AddressRef(ex2) : null, Span(d))
                    : null;
            case SapListenContext s:
                return new SapListenSyntax(s.ON() is not null, Span(s));
            case MrinfoContext m:
                return new MrinfoSyntax(m.ANY() is not null, m.name() is { } f ? Name(f) : null, Span(m));
            case GroupRangeContext g:
                return new GroupRangeSyntax(g.addressRef() is { } deny ? AddressRef(deny) : null, g.name() is { } gf ? Name(gf) : null, Span(g));
            case SsmRangeContext s:
                return new SsmRangeSyntax(AddressRef(s.addressRef()), Span(s));
            case InterfaceDeclContext i:
                var nameToken = i.STRING();
                return new InterfaceDeclSyntax(Text(nameToken), Span(nameToken.Symbol), i.name().Select(Name).ToImmutableArray(), BuildInterfaceBody(i.interfaceStmt()), Span(i));
            case RpDeclContext rp:
                return BuildRp(rp.rpBlock());
            case PimGlobalDeclContext pim:
                // Only one statement kind exists today; the block leaves room for more.
                var rate = pim.pimGlobalBlock().pimGlobalStmt().OfType<PimRegisterRateLimitContext>().ToList();
                if (rate.Count > 1) Report(Span(rate[1]), c => c.DuplicateSetting("register-rate-limit", "pim"));
                return rate.Count > 0 && SmallInt(rate[^1].INT(), 1, int.MaxValue) is { } perSecond
                    ? new RegisterRateLimitSyntax(perSecond, Span(rate[^1]))
                    : null;
            case MsdpDeclContext msdp:
                return new MsdpBlockSyntax(msdp.msdpBlock().msdpStmt().Select(BuildMsdpStmt).OfType<MsdpStmtSyntax>().ToImmutableArray(), Span(msdp));
            case BgpDeclContext bgp:
                return BuildBgp(bgp.bgpBlock());
            case KeychainDeclContext keychain:
                return BuildKeychain(keychain.keychainBlock());
            case BmpDeclContext bmp:
                return BuildBmp(bmp.bmpBlock());
            case TelemetryDeclContext telemetry:
                return BuildTelemetry(telemetry.telemetryBlock());
            case ControlPlaneDeclContext cp:
                var filters = cp.controlPlaneStmt().OfType<ControlPlaneFilterContext>().Select(f => Name(f.name())).ToImmutableArray();
                var rates = cp.controlPlaneStmt().OfType<ControlPlaneRateContext>()
                    .Select(r => ProtocolOf(r.protocolName()) is { } p && SmallInt(r.INT(), 1, int.MaxValue) is { } pps ? new ControlPlaneRate(p, pps, Span(r)) : null)
                    .OfType<ControlPlaneRate>().ToImmutableArray();
                return new ControlPlaneBlockSyntax(filters, rates, Span(cp));
            case GroupEncryptionDeclContext ge:
                var protect = ge.groupEncryptionStmt().OfType<EncryptProtectContext>().Select(p => Name(p.name())).ToList();
                var groupIds = ge.groupEncryptionStmt().OfType<EncryptGroupIdContext>().ToList();
                if (protect.Count > 1) Report(protect[1].Span, c => c.DuplicateSetting("protect", "group-encryption"));
                if (groupIds.Count > 1) Report(Span(groupIds[1]), c => c.DuplicateSetting("group-id", "group-encryption"));
                return new GroupEncryptionBlockSyntax(protect.FirstOrDefault(), groupIds.Count > 0 ? SmallInt(groupIds[0].INT(), 0, int.MaxValue) : null, Span(ge));
            case RpkiDeclContext rpki:
                return BuildRpki(rpki.rpkiBlock());
            case DeviceTakeoverContext takeover:
                return new DeviceTakeoverSyntax(SiteObjects(takeover.takeoverStmt()), Span(takeover));
            case ComposeLoopbackFilterContext compose:
                return new ComposeLoopbackFilterSyntax(SiteObject(compose.STRING()), Span(compose));
            case DeviceAuditContext audit:
                return new AuditSyntax(Span(audit));
            default:
                return null;
        }
    }

    private ImmutableArray<SiteObjectSyntax> SiteObjects(TakeoverStmtContext takeover) => takeover.STRING().Select(SiteObject).ToImmutableArray();

    private SiteObjectSyntax SiteObject(Antlr4.Runtime.Tree.ITerminalNode token) => new(Text(token), Span(token.Symbol));

    private static GroupProtocol ProtocolOf(GroupProtocolContext p) => p.MLD() is not null ? GroupProtocol.Mld : GroupProtocol.Igmp;

    private RpBlockSyntax BuildRp(RpBlockContext rp)
    {
        var body = ImmutableArray.CreateBuilder<RpStmtSyntax>();
        foreach (var statement in rp.rpStmt())
        {
            switch (statement)
            {
                case RpAddressContext a when Address(a.ipAddress()) is { } address:
                    body.Add(new RpAddressSyntax(address, a.addressRef() is { } groups ? AddressRef(groups) : null, Span(a)));
                    break;
                case RpAcceptRegisterContext a:
                    body.Add(new RpFilterSyntax(false, a.matchTerm().Select(BuildTerm).OfType<MatchTermSyntax>().ToImmutableArray(), null, Span(a)));
                    break;
                case RpAcceptRegisterFilterContext a:
                    body.Add(new RpFilterSyntax(false, [], Name(a.name()), Span(a)));
                    break;
                case RpAnnounceFilterContext a:
                    body.Add(new RpFilterSyntax(true, a.matchTerm().Select(BuildTerm).OfType<MatchTermSyntax>().ToImmutableArray(), null, Span(a)));
                    break;
                case RpAnnounceFilterRefContext a:
                    body.Add(new RpFilterSyntax(true, [], Name(a.name()), Span(a)));
                    break;
            }
        }
        return new RpBlockSyntax(body.ToImmutable(), Span(rp));
    }

    private MsdpStmtSyntax? BuildMsdpStmt(MsdpStmtContext statement) => statement switch
    {
        MsdpOriginatorContext o => new MsdpOriginatorSyntax(Text(o.STRING()), Span(o)),
        MsdpRedistributeContext r => new MsdpRedistributeSyntax(Name(r.name()), Span(r)),
        MsdpPeerContext p when Address(p.ipAddress()) is { } address && AsNumber(p.INT()) is { } remoteAs =>
            new MsdpPeerSyntax(address, remoteAs, p.msdpPeerStmt().Select(BuildMsdpPeerStmt).OfType<PeerStmtSyntax>().ToImmutableArray(), Span(p)),
        _ => null,
    };

    private PeerStmtSyntax? BuildMsdpPeerStmt(MsdpPeerStmtContext statement) => statement switch
    {
        MsdpSaFilterContext f => new SaFilterSyntax(
            f.filterDirection().Start.Type switch { IN => FilterDirection.In, OUT => FilterDirection.Out, _ => FilterDirection.Both },
            Name(f.name()), Span(f)),
        MsdpSaLimitContext l => SmallInt(l.INT(), 0, int.MaxValue) is { } max ? new SaLimitSyntax(max, Span(l)) : null,
        MsdpAuthContext a => BuildAuth(a.authStmt()),
        MsdpDescriptionContext d => new PeerDescriptionSyntax(Text(d.STRING()), Span(d)),
        MsdpMeshGroupContext m => new MeshGroupSyntax(Name(m.name()), Span(m)),
        MsdpConnectSourceContext c => new ConnectSourceSyntax(Text(c.STRING()), Span(c)),
        _ => null,
    };

    private AuthSyntax? BuildAuth(AuthStmtContext auth) => auth switch
    {
        AuthMd5Context md5 => new AuthSyntax(AuthKind.Md5, Secret(md5.secretRef()), null, Span(md5)),
        AuthTcpAoContext ao => new AuthSyntax(AuthKind.TcpAo, null, Name(ao.name()), Span(ao)),
        _ => null,
    };

    private BgpBlockSyntax? BuildBgp(BgpBlockContext bgp)
    {
        if (AsNumber(bgp.INT()) is not { } localAs) return null;
        var body = ImmutableArray.CreateBuilder<BgpStmtSyntax>();
        foreach (var statement in bgp.bgpStmt())
        {
            switch (statement)
            {
                case BgpRouterIdContext r when Address(r.ipAddress()) is { } id:
                    body.Add(new RouterIdSyntax(id, Span(r)));
                    break;
                case BgpNeighborContext n when Address(n.ipAddress()) is { } address && AsNumber(n.INT()) is { } remoteAs:
                    body.Add(new NeighborSyntax(address, remoteAs, n.bgpNeighborStmt().Select(BuildNeighborStmt).OfType<PeerStmtSyntax>().ToImmutableArray(), Span(n)));
                    break;
                case BgpDampingContext d:
                    body.Add(BuildDamping(d));
                    break;
                case BgpEbgpDefaultContext x:
                    body.Add(new EbgpDefaultSyntax(x.ebgpDefaultStmt().REJECT() is not null, Span(x)));
                    break;
            }
        }
        return new BgpBlockSyntax(localAs, body.ToImmutable(), Span(bgp));
    }

    private DampingSyntax BuildDamping(BgpDampingContext d)
    {
        TimeSpan? halfLife = null, maxSuppress = null;
        int? reuse = null, suppress = null;
        var seen = new HashSet<string>();
        foreach (var parameter in d.dampingParam())
        {
            string keyword = parameter.Start.Text;
            if (!seen.Add(keyword)) Report(Span(parameter), c => c.DuplicateSetting(keyword, "damping"));
            switch (parameter)
            {
                case DampHalfLifeContext h: halfLife = DurationOf(h.duration()); break;
                case DampReuseContext r: reuse = SmallInt(r.INT(), 1, 20000); break;
                case DampSuppressContext s: suppress = SmallInt(s.INT(), 1, 20000); break;
                case DampMaxSuppressContext m: maxSuppress = DurationOf(m.duration()); break;
            }
        }
        return new DampingSyntax(halfLife, reuse, suppress, maxSuppress, Span(d));
    }

    private PeerStmtSyntax? BuildNeighborStmt(BgpNeighborStmtContext statement)
    {
        switch (statement)
        {
            case BgpMaxPrefixContext m:
                if (SmallInt(m.INT(), 1, int.MaxValue) is not { } max) return null;
                Percent? warn = m.PERCENT() is { } p ? PercentOf(p) : null;
                TimeSpan? restart = m.duration() is { } r ? DurationOf(r) : null;
                return new MaxPrefixSyntax(max, warn, restart, m.WARNING_ONLY() is not null, Span(m));
            case BgpAuthContext a:
                return BuildAuth(a.authStmt());
            case BgpTtlSecurityContext t:
                return SmallInt(t.INT(), 0, int.MaxValue) is { } hops ? new TtlSecuritySyntax(hops, Span(t)) : null;
            case BgpHoldTimeContext h:
                return DurationOf(h.duration()) is { } hold ? new HoldTimeSyntax(hold, Span(h)) : null;
            case BgpPrefixFilterInContext i:
                return new PrefixFilterSyntax(true, Name(i.name()), Span(i));
            case BgpPrefixFilterOutContext o:
                return new PrefixFilterSyntax(false, Name(o.name()), Span(o));
            case BgpDescriptionContext d:
                return new PeerDescriptionSyntax(Text(d.STRING()), Span(d));
            case BgpSecurityContext s:
                return BuildNeighborSecurity(s.neighborSecurityStmt());
            default:
                return null;
        }
    }

    private KeychainBlockSyntax BuildKeychain(KeychainBlockContext keychain)
    {
        var keys = ImmutableArray.CreateBuilder<KeySyntax>();
        foreach (var key in keychain.keyStmt())
        {
            if (SmallInt(key.INT(), 0, int.MaxValue) is not { } id || Secret(key.secretRef()) is not { } secret) continue;
            DateOnly? from = null, until = null;
            if (key.VALID() is not null)
            {
                from = DateOf(key.DATE(0));
                until = DateOf(key.DATE(1));
                if (from is null || until is null) continue;
            }
            keys.Add(new KeySyntax(id, secret, from, until, Span(key)));
        }
        return new KeychainBlockSyntax(Name(keychain.name()), keys.ToImmutable(), Span(keychain));
    }

    private BmpBlockSyntax BuildBmp(BmpBlockContext bmp)
    {
        var body = ImmutableArray.CreateBuilder<BmpStmtSyntax>();
        foreach (var statement in bmp.bmpStmt())
        {
            switch (statement)
            {
                case BmpAddressContext a when Address(a.ipAddress()) is { } address:
                    body.Add(new BmpAddressSyntax(address, Span(a)));
                    break;
                case BmpPortContext p when SmallInt(p.INT(), 1, 65535) is { } port:
                    body.Add(new BmpPortSyntax(port, Span(p)));
                    break;
                case BmpTlsContext t:
                    var mode = t.tlsMode().Start.Type switch { MUTUAL => TlsMode.Mutual, SERVER_ONLY => TlsMode.ServerOnly, _ => TlsMode.Off };
                    body.Add(new BmpTlsSyntax(mode, t.tlsStmt().Select(BuildTlsStmt).OfType<TlsStmtSyntax>().ToImmutableArray(), Span(t)));
                    break;
                case BmpMonitorContext m:
                    body.Add(new BmpMonitorSyntax(m.monitorPolicy().Select(p => p.Start.Type switch
                    {
                        PRE_POLICY => BmpMonitor.PrePolicy,
                        POST_POLICY => BmpMonitor.PostPolicy,
                        _ => BmpMonitor.LocRib,
                    }).ToImmutableArray(), Span(m)));
                    break;
                case BmpStatsIntervalContext s when DurationOf(s.duration()) is { } interval:
                    body.Add(new BmpStatsIntervalSyntax(interval, Span(s)));
                    break;
            }
        }
        return new BmpBlockSyntax(Name(bmp.name()), body.ToImmutable(), Span(bmp));
    }

    private TlsStmtSyntax? BuildTlsStmt(TlsStmtContext statement) => statement switch
    {
        TlsMinVersionContext v => new TlsStmtSyntax(TlsSetting.MinVersion, v.DECIMAL().GetText(), [], null, Span(v)),
        TlsCiphersContext c => new TlsStmtSyntax(TlsSetting.Ciphers, null, c.STRING().Select(Text).ToImmutableArray(), null, Span(c)),
        TlsCaContext ca => Secret(ca.secretRef()) is { } s1 ? new TlsStmtSyntax(TlsSetting.Ca, null, [], s1, Span(ca)) : null,
        TlsCertContext cert => Secret(cert.secretRef()) is { } s2 ? new TlsStmtSyntax(TlsSetting.Cert, null, [], s2, Span(cert)) : null,
        TlsKeyContext key => Secret(key.secretRef()) is { } s3 ? new TlsStmtSyntax(TlsSetting.Key, null, [], s3, Span(key)) : null,
        TlsStrictContext s => new TlsStmtSyntax(TlsSetting.Strict, null, [], null, Span(s)),
        _ => null,
    };

    private TelemetryBlockSyntax BuildTelemetry(TelemetryBlockContext telemetry)
    {
        string? site = null;
        TimeSpan? interval = null;
        Percent? warn = null;
        var seen = new HashSet<string>();
        foreach (var statement in telemetry.telemetryStmt())
        {
            string keyword = statement.Start.Text;
            if (!seen.Add(keyword)) Report(Span(statement), c => c.DuplicateSetting(keyword, "telemetry"));
            switch (statement)
            {
                case TelemetrySiteContext s: site = Text(s.STRING()); break;
                case TelemetryIntervalContext i: interval = DurationOf(i.duration()); break;
                case TelemetryWarnContext w: warn = PercentOf(w.PERCENT()); break;
            }
        }
        return new TelemetryBlockSyntax(site, interval, warn, Span(telemetry));
    }

    // ── literals ──

    private NameSyntax Name(NameContext name) => new(TextOf(name), Span(name));

    private AddressRefSyntax AddressRef(AddressRefContext addresses)
    {
        var items = ImmutableArray.CreateBuilder<AddressItemSyntax>(Count<AddressItemContext>(addresses));
        foreach (var item in Children(addresses))
        {
            switch (item)
            {
                case AddressPrefixContext p when PrefixItem(Child<PrefixContext>(p)!) is { } prefix:
                    items.Add(prefix);
                    break;
                case AddressNameContext n:
                    items.Add(new NameItemSyntax(Name(Child<NameContext>(n)!)));
                    break;
                case AddressAnyContext a:
                    items.Add(new AnyItemSyntax(Span(a)));
                    break;
            }
        }
        return new AddressRefSyntax(items.DrainToImmutable(), Span(addresses));
    }

    private PrefixItemSyntax? PrefixItem(PrefixContext prefix)
    {
        var span = Span(prefix);
        // Most prefixes of a large policy are plain IPv4 ones: read straight from the source text.
        if (Ipv4Literal.TryParse(source.Text.AsSpan(span.Start, span.Length), out var parsed, out bool hostBits) && !hostBits)
        {
            return new PrefixItemSyntax(parsed, span);
        }
        string text = TextOf(prefix);
        if (!IpPrefix.TryParse(text, out parsed, out var error, out hostBits))
        {
            ReportInvalidAddress(span, text, error);
            return null;
        }
        if (hostBits) ReportHostBitsSet(span, text, parsed);
        return new PrefixItemSyntax(parsed, span);
    }

    // Apart from PrefixItem so that their closures are made only when there is something to report.
    private void ReportInvalidAddress(SourceSpan span, string text, string error) => Report(span, c => c.InvalidAddress(text, error));

    private void ReportHostBitsSet(SourceSpan span, string text, IpPrefix parsed) => Report(span, c => c.HostBitsSet(text, parsed.ToString()));

    private IpPrefix? Address(IpAddressContext address)
    {
        string text = TextOf(address);
        if (IpPrefix.TryParse(text, out var parsed, out var error, out _)) return parsed;
        Report(Span(address), c => c.InvalidAddress(text, error));
        return null;
    }

    private long? AsNumber(ITerminalNode node) => SmallInt(node, 1, uint.MaxValue);

    private long? SmallInt(ITerminalNode node, long min, long max)
    {
        string text = node.GetText();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max)
        {
            return value;
        }
        Report(Span(node.Symbol), c => c.InvalidNumber(text, $"expected a whole number from {min} to {max}"));
        return null;
    }

    private int? SmallInt(ITerminalNode node, int min, int max) =>
        SmallInt(node, (long)min, max) is { } value ? (int)value : null;

    private Bandwidth? BandwidthOf(BandwidthContext bandwidth)
    {
        string text = TextOf(bandwidth);
        string number = text[..^3];
        long multiplier = 1;
        switch (char.ToLowerInvariant(number[^1]))
        {
            case 'k': multiplier = 1_000; number = number[..^1]; break;
            case 'm': multiplier = 1_000_000; number = number[..^1]; break;
            case 'g': multiplier = 1_000_000_000; number = number[..^1]; break;
        }
        if (decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value))
        {
            decimal bits = value * multiplier;
            if (bits > 0 && bits <= 1e15m && bits == decimal.Truncate(bits)) return new Bandwidth((long)bits);
        }
        Report(Span(bandwidth), c => c.InvalidNumber(text, "a bandwidth must be a positive whole number of bits per second, at most 1000Tbps"));
        return null;
    }

    private TimeSpan? DurationOf(DurationContext duration)
    {
        string text = TextOf(duration);
        if (long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value <= 100_000_000)
        {
            return text[^1] switch
            {
                's' => TimeSpan.FromSeconds(value),
                'm' => TimeSpan.FromMinutes(value),
                'h' => TimeSpan.FromHours(value),
                _ => TimeSpan.FromDays(value),
            };
        }
        Report(Span(duration), c => c.InvalidNumber(text, "the duration is too long"));
        return null;
    }

    private Percent? PercentOf(ITerminalNode node)
    {
        string text = node.GetText();
        if (decimal.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value) && value <= 100)
        {
            return new Percent(value);
        }
        Report(Span(node.Symbol), c => c.InvalidNumber(text, "a percentage is at most 100%"));
        return null;
    }

    private DateOnly? DateOf(ITerminalNode node)
    {
        string text = node.GetText();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        Report(Span(node.Symbol), c => c.InvalidDate(text));
        return null;
    }

    private SecretRef? Secret(SecretRefContext secret) => secret switch
    {
        SecretEnvContext e => new SecretRef(SecretSource.Environment, Text(e.STRING()), Span(e)),
        SecretFileContext f => new SecretRef(SecretSource.File, Text(f.STRING()), Span(f)),
        SecretInlineContext i => new SecretRef(SecretSource.Inline, Unquote(i.STRING().GetText()), Span(i)),
        _ => null,
    };

    /// <summary>
    /// The value of a string literal that may reach a router configuration (every string but an
    /// inline secret, whose value has its own rules and is never quoted: MP4020). A control
    /// character in it — an escaped \n or \t, or a raw one the lexer lets through — is MP1030:
    /// written into a configuration line it would end the line and start a command of its own.
    /// </summary>
    private string Text(Antlr4.Runtime.Tree.ITerminalNode token)
    {
        string value = Unquote(token.GetText());
        int at = IndexOfControl(value);
        if (at >= 0) Report(Span(token.Symbol), c => c.ControlCharacterInString($"U+{(int)value[at]:X4}"));
        return value;
    }

    /// <summary>The first C0/C1 control character, DEL, or Unicode line/paragraph separator; -1 when none.</summary>
    internal static int IndexOfControl(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]) || value[i] is '\u2028' or '\u2029') return i;
        }
        return -1;
    }

    private static string Unquote(string text)
    {
        if (text.Length < 2) return text;
        var inner = text[1..^1];
        if (!inner.Contains('\\')) return inner;
        var result = new System.Text.StringBuilder(inner.Length);
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length)
            {
                i++;
                result.Append(inner[i] switch { 'n' => '\n', 't' => '\t', var c => c });
            }
            else
            {
                result.Append(inner[i]);
            }
        }
        return result.ToString();
    }

    // ── parse-tree access ──
    //
    // ANTLR's generated accessors (name(), EXCEPT(), setEntry(), …) walk a context's children with
    // a boxed enumerator, and the plural ones also build a list and an array: allocations on
    // every call, several per rule of a large policy. The hot paths index the children instead.

    private static ReadOnlySpan<IParseTree> Children(ParserRuleContext context) => context.children switch
    {
        null => [],
        List<IParseTree> list => CollectionsMarshal.AsSpan(list),
        var other => other.ToArray(),
    };

    /// <summary>The first child of a type, as <c>GetRuleContext&lt;T&gt;(0)</c>.</summary>
    private static T? Child<T>(ParserRuleContext context) where T : class, IParseTree
    {
        foreach (var child in Children(context))
        {
            if (child is T found) return found;
        }
        return null;
    }

    /// <summary>
    /// How many children are of a type: the size of the array to build from them (a builder's
    /// default capacity of 8 for a rule's one or two terms made two arrays where one will do).
    /// </summary>
    private static int Count<T>(ParserRuleContext context) where T : class, IParseTree
    {
        int count = 0;
        foreach (var child in Children(context))
        {
            if (child is T) count++;
        }
        return count;
    }

    /// <summary>The first token of a type, as <c>GetToken(type, 0)</c>.</summary>
    private static ITerminalNode? Token(ParserRuleContext context, int type)
    {
        foreach (var child in Children(context))
        {
            if (child is ITerminalNode terminal && terminal.Symbol.Type == type) return terminal;
        }
        return null;
    }

    /// <summary>
    /// A rule's text, as <c>GetText()</c>. The rules whose text is read (a name, a prefix, a
    /// bandwidth) are a single token under one or two levels of rules: then that token's text
    /// is the answer, without the StringBuilder of <see cref="RuleContext.GetText"/>.
    /// </summary>
    private static string TextOf(ParserRuleContext context)
    {
        IParseTree node = context;
        while (node is ParserRuleContext { ChildCount: 1 } rule) node = rule.GetChild(0);
        return node is ITerminalNode terminal ? terminal.Symbol.Text : context.GetText();
    }

    private SourceSpan Span(ParserRuleContext context)
    {
        int start = context.Start.StartIndex;
        int stop = context.Stop is { StopIndex: >= 0 } s && s.StopIndex >= start ? s.StopIndex : start - 1;
        return new SourceSpan(source, start, stop - start + 1);
    }

    private SourceSpan Span(IToken token) => new(source, token.StartIndex, token.StopIndex - token.StartIndex + 1);
}
