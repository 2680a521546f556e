using System.Collections.Immutable;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Binding;

/// <summary>Binds one device block: router-wide protections, interfaces, RP, MSDP, BGP, keys, BMP.</summary>
public sealed partial class DeviceBinder(SymbolTable symbols, AddressBinder addresses, FilterBinder filters, DiagnosticBag diagnostics)
{
    private static readonly SetKind[] GroupKinds = [SetKind.Groups];

    public Device Bind(DeviceDeclSyntax device)
    {
        string name = device.Name.Text;
        string scope = $"device '{name}'";
        var seen = new Dictionary<string, SourceSpan>();
        bool Once(string setting, SourceSpan span)
        {
            if (seen.TryAdd(setting, span)) return true;
            diagnostics.Add(span, c => c.DuplicateSetting(setting, scope).WithRelated(seen[setting], "first set here"));
            return false;
        }

        RouteLimit? routeLimit = null;
        SourceSpan? ssmSpan = null;
        GroupLimit? igmpCap = null, mldCap = null, igmpDefault = null, mldDefault = null;
        bool? sapListen = null;
        SourceSpan? sapSpan = null, rateSpan = null;
        FilterSetting? mrinfo = null, groupRange = null;
        AddressMatch? ssmRange = null;
        RpPolicy? rp = null;
        int? registerRate = null;
        MsdpPolicy? msdp = null;
        BgpPolicy? bgp = null;
        TelemetryHints? telemetry = null;
        ControlPlanePolicy? controlPlane = null;
        GroupEncryptionPolicy? encryption = null;
        RpkiPolicy? rpki = null;
        var takeOver = new List<SiteObject>();
        SiteObject? composed = null;
        SourceSpan? audit = null;
        var interfaces = new List<InterfacePolicy>();
        var interfaceNames = new Dictionary<string, SourceSpan>(StringComparer.Ordinal);
        var bmpStations = new List<BmpStation>();

        // Keychains first: BGP and MSDP authentication refer to them.
        var keychains = new Dictionary<string, Keychain>(StringComparer.Ordinal);
        foreach (var block in device.Body.OfType<KeychainBlockSyntax>())
        {
            var keychain = BindKeychain(block);
            if (!keychains.TryAdd(keychain.Name, keychain))
                diagnostics.Add(block.Name.Span, c => c.DuplicateDeclaration("keychain", keychain.Name).WithRelated(keychains[keychain.Name].NameSpan, "first declared here"));
        }

        var interfaceBinder = new InterfaceBinder(symbols, addresses, filters, diagnostics);
        foreach (var statement in device.Body)
        {
            switch (statement)
            {
                case MrouteLimitSyntax m when Once("mroute-limit", m.Span):
                    routeLimit = new RouteLimit(m.Max, m.Warn, m.Span);
                    break;
                case DeviceGroupLimitSyntax g:
                    string keyword = $"{(g.Protocol == GroupProtocol.Igmp ? "igmp" : "mld")} {(g.IsDefault ? "default-limit" : "limit")}";
                    if (!Once(keyword, g.Span)) break;
                    var limit = new GroupLimit(g.Max, g.Except is { } ex ? addresses.Resolve(ex, GroupKinds, "'except'") : null, g.Span);
                    if (g.Protocol == GroupProtocol.Igmp && g.IsDefault) igmpDefault = limit;
                    else if (g.Protocol == GroupProtocol.Igmp) igmpCap = limit;
                    else if (g.IsDefault) mldDefault = limit;
                    else mldCap = limit;
                    break;
                case SapListenSyntax s when Once("sap-listen", s.Span):
                    sapListen = s.On;
                    sapSpan = s.Span;
                    break;
                case MrinfoSyntax m when Once("mrinfo", m.Span):
                    var mrinfoFilter = m.Filter is { } mf
                        ? filters.ResolveFilter(mf, FilterUsage.Mrinfo)
                        : new Filter($"{name}.mrinfo", [new FilterRule(RuleAction.Deny, EmptyMatch(m.Span), false, m.Span)], m.Span, m.Span, IsInline: true);
                    if (mrinfoFilter is not null) mrinfo = new FilterSetting(mrinfoFilter, m.Span);
                    break;
                case GroupRangeSyntax g when Once("group-range", g.Span):
                    Filter? rangeFilter;
                    if (g.Filter is { } gf)
                    {
                        rangeFilter = filters.ResolveFilter(gf, FilterUsage.GroupRange);
                    }
                    else
                    {
                        var deny = new RuleSyntax(RuleAction.Deny, [new AddressTermSyntax(MatchField.Groups, g.DenyGroups!, g.DenyGroups!.Span)], false, g.Span);
                        var permit = new RuleSyntax(RuleAction.Permit, [], false, g.Span);
                        rangeFilter = filters.InlineFilter($"{name}.group-range", [deny, permit], g.Span, FilterUsage.GroupRange);
                        if (rangeFilter.Rules.Length < 2) rangeFilter = null;
                    }
                    if (rangeFilter is not null) groupRange = new FilterSetting(rangeFilter, g.Span);
                    break;
                case SsmRangeSyntax s when Once("ssm-range", s.Span):
                    ssmRange = addresses.Resolve(s.Groups, GroupKinds, "'ssm-range'");
                    ssmSpan = s.Span;
                    break;
                case InterfaceDeclSyntax i:
                    if (interfaceNames.TryGetValue(i.Name, out var first))
                    {
                        diagnostics.Add(i.NameSpan, c => c.DuplicateInterface(i.Name, name).WithRelated(first, "first declared here"));
                        break;
                    }
                    interfaceNames[i.Name] = i.NameSpan;
                    interfaces.Add(interfaceBinder.Bind(i, name));
                    break;
                case RpBlockSyntax r when Once("rp", r.Span):
                    rp = BindRp(r, name);
                    break;
                case RegisterRateLimitSyntax r when Once("register-rate-limit", r.Span):
                    registerRate = r.PerSecond;
                    rateSpan = r.Span;
                    break;
                case MsdpBlockSyntax m when Once("msdp", m.Span):
                    msdp = BindMsdp(m, keychains);
                    break;
                case BgpBlockSyntax b when Once("bgp", b.Span):
                    bgp = BindBgp(b, keychains);
                    break;
                case BmpBlockSyntax b:
                    if (bmpStations.Any(s => s.Name == b.Name.Text))
                    {
                        diagnostics.Add(b.Name.Span, c => c.DuplicateDeclaration("BMP station", b.Name.Text));
                        break;
                    }
                    bmpStations.Add(BindBmp(b));
                    break;
                case TelemetryBlockSyntax t when Once("telemetry", t.Span):
                    telemetry = new TelemetryHints(t.Site, t.Interval, t.Warn, t.Span);
                    break;
                case ControlPlaneBlockSyntax cp when Once("control-plane", cp.Span):
                    if (cp.Filters.Length > 1) diagnostics.Add(cp.Filters[1].Span, c => c.DuplicateSetting("filter", "control-plane"));
                    var cpFilter = cp.Filters.Length > 0 ? filters.ResolveFilter(cp.Filters[0], FilterUsage.ControlPlane) : null;
                    controlPlane = new ControlPlanePolicy(cpFilter, cp.Rates, cp.Span);
                    break;
                case GroupEncryptionBlockSyntax ge when Once("group-encryption", ge.Span):
                    var protect = ge.Protect is { } p ? filters.ResolveFilter(p, FilterUsage.GroupEncryption) : null;
                    encryption = new GroupEncryptionPolicy(protect, ge.GroupId, ge.Span);
                    break;
                case RpkiBlockSyntax r when Once("rpki", r.Span):
                    rpki = BindRpki(r);
                    break;
                case DeviceTakeoverSyntax t:
                    takeOver.AddRange(SiteObjects.Bind(t.Names, diagnostics));
                    break;
                case ComposeLoopbackFilterSyntax c when Once("compose loopback-filter", c.Span):
                    // Where the statement stands: what the output and the construct ledger cite.
                    composed = SiteObjects.Bind([c.Filter], diagnostics).Select(o => o with { Span = c.Span }).FirstOrDefault();
                    break;
                case AuditSyntax a when Once("audit", a.Span):
                    audit = a.Span;
                    break;
            }
        }

        var ssm = ssmRange ?? DefaultSsm(device.Span);
        RequireCachesForOriginValidation(name, bgp, rpki);
        return new Device(name, device.Platform, routeLimit, igmpCap, mldCap, igmpDefault, mldDefault, sapListen, sapSpan,
            mrinfo, groupRange, ssm, interfaces.ToImmutableArray(), rp, registerRate, rateSpan, msdp, bgp,
            keychains.Values.ToImmutableArray(), bmpStations.ToImmutableArray(), telemetry, controlPlane, encryption,
            device.Span, device.Name.Span)
        {
            SsmRangeSpan = ssmSpan,
            Rpki = rpki,
            TakeOver = SiteObjects.Distinct(takeOver),
            ComposedLoopbackFilter = composed,
            Audit = audit,
        };
    }

    /// <summary>The default SSM ranges (232/8 and ff3x::/32 as ff30::/12) unless the device says otherwise.</summary>
    private static AddressMatch DefaultSsm(SourceSpan span) =>
        new([new PrefixEntry(IpPrefix.DefaultSsmV4, null, null, span), new PrefixEntry(IpPrefix.DefaultSsmV6, null, null, span)], [], [], span);

    private static Match EmptyMatch(SourceSpan span) => new(null, null, null, null, null, null, [], [], null, span);

    private RpPolicy BindRp(RpBlockSyntax rp, string device)
    {
        IpPrefix? address = null;
        AddressMatch? groups = null;
        Filter? acceptRegister = null, announce = null;
        var seen = new SettingNames();
        foreach (var statement in rp.Body)
        {
            string key = statement switch { RpAddressSyntax => "address", RpFilterSyntax { IsAnnounceFilter: true } => "announce-filter", _ => "accept-register" };
            if (!seen.Add(key))
            {
                diagnostics.Add(statement.Span, c => c.DuplicateSetting(key, "rp"));
                continue;
            }
            switch (statement)
            {
                case RpAddressSyntax a:
                    address = a.Address;
                    groups = a.Groups is { } g ? addresses.Resolve(g, GroupKinds, "'groups'") : null;
                    break;
                case RpFilterSyntax f:
                    var usage = f.IsAnnounceFilter ? FilterUsage.AnnounceFilter : FilterUsage.AcceptRegister;
                    var filter = f.Filter is { } n
                        ? filters.ResolveFilter(n, usage)
                        : filters.PermitFilter($"{device}.{key}", f.Terms, f.Span, usage);
                    if (f.IsAnnounceFilter) announce = filter;
                    else acceptRegister = filter;
                    break;
            }
        }
        return new RpPolicy(address, groups, acceptRegister, announce, rp.Span);
    }

    private MsdpPolicy BindMsdp(MsdpBlockSyntax msdp, IReadOnlyDictionary<string, Keychain> keychains)
    {
        string? originator = null;
        Filter? redistribute = null;
        var peers = new List<MsdpPeer>();
        foreach (var statement in msdp.Body)
        {
            switch (statement)
            {
                case MsdpOriginatorSyntax o:
                    if (originator is not null) diagnostics.Add(o.Span, c => c.DuplicateSetting("originator-id", "msdp"));
                    originator = o.Interface;
                    break;
                case MsdpRedistributeSyntax r:
                    if (redistribute is not null) diagnostics.Add(r.Span, c => c.DuplicateSetting("redistribute", "msdp"));
                    redistribute = filters.ResolveFilter(r.Filter, FilterUsage.MsdpRedistribute);
                    break;
                case MsdpPeerSyntax p:
                    if (p.Address.Family != IpFamily.V4)
                    {
                        // MSDP (RFC 3618) runs over IPv4 only: no router can peer over IPv6.
                        diagnostics.Add(p.Span, c => c.FamilyMismatch(p.Address.NetworkAddress.ToString(), "IPv4", "MSDP"));
                        break;
                    }
                    if (peers.Any(existing => existing.Address == p.Address))
                    {
                        diagnostics.Add(p.Span, c => c.DuplicatePeer(p.Address.NetworkAddress.ToString(), "msdp"));
                        break;
                    }
                    peers.Add(BindMsdpPeer(p, keychains));
                    break;
            }
        }
        return new MsdpPolicy(originator, redistribute, peers.ToImmutableArray(), msdp.Span);
    }

    private MsdpPeer BindMsdpPeer(MsdpPeerSyntax peer, IReadOnlyDictionary<string, Keychain> keychains)
    {
        Filter? saIn = null, saOut = null;
        int? saLimit = null;
        Authentication? auth = null;
        string? description = null, meshGroup = null, connectSource = null;
        string scope = $"msdp peer {peer.Address.NetworkAddress}";
        var seen = new SettingNames();
        void Once(string setting, SourceSpan span)
        {
            if (!seen.Add(setting)) diagnostics.Add(span, c => c.DuplicateSetting(setting, scope));
        }
        foreach (var statement in peer.Body)
        {
            switch (statement)
            {
                case SaFilterSyntax f:
                    var filter = filters.ResolveFilter(f.Filter, FilterUsage.MsdpSaFilter);
                    if (f.Direction is FilterDirection.In or FilterDirection.Both)
                    {
                        Once("sa-filter in", f.Span);
                        saIn = filter;
                    }
                    if (f.Direction is FilterDirection.Out or FilterDirection.Both)
                    {
                        Once("sa-filter out", f.Span);
                        saOut = filter;
                    }
                    break;
                case SaLimitSyntax l:
                    Once("sa-limit", l.Span);
                    saLimit = l.Max;
                    break;
                case AuthSyntax a:
                    Once("auth", a.Span);
                    auth = BindAuth(a, keychains);
                    break;
                case PeerDescriptionSyntax d:
                    Once("description", d.Span);
                    description = d.Text;
                    break;
                case MeshGroupSyntax m:
                    Once("mesh-group", m.Span);
                    meshGroup = m.Name.Text;
                    break;
                case ConnectSourceSyntax c:
                    Once("connect-source", c.Span);
                    connectSource = c.Interface;
                    break;
            }
        }
        return new MsdpPeer(peer.Address, peer.RemoteAs, saIn, saOut, saLimit, auth, description, meshGroup, connectSource, peer.Span);
    }

    private Authentication? BindAuth(AuthSyntax auth, IReadOnlyDictionary<string, Keychain> keychains)
    {
        if (auth.Kind == AuthKind.Md5) return new Authentication(AuthKind.Md5, auth.Secret, null, auth.Span);
        var name = auth.Keychain!;
        if (!keychains.TryGetValue(name.Text, out var keychain))
        {
            diagnostics.Add(name.Span, c => c.UnresolvedName("keychain", name.Text, keychains.Keys));
            return null;
        }
        return new Authentication(AuthKind.TcpAo, null, keychain, auth.Span);
    }

    private BgpPolicy BindBgp(BgpBlockSyntax bgp, IReadOnlyDictionary<string, Keychain> keychains)
    {
        IpPrefix? routerId = null;
        Damping? damping = null;
        var neighbors = new List<BgpNeighbor>();
        foreach (var statement in bgp.Body)
        {
            switch (statement)
            {
                case RouterIdSyntax r:
                    if (routerId is not null) diagnostics.Add(r.Span, c => c.DuplicateSetting("router-id", "bgp"));
                    routerId = r.Address;
                    break;
                case DampingSyntax d:
                    if (damping is not null) diagnostics.Add(d.Span, c => c.DuplicateSetting("damping", "bgp"));
                    damping = new Damping(d.HalfLife ?? Damping.DefaultHalfLife, d.Reuse ?? Damping.DefaultReuse,
                        d.Suppress ?? Damping.DefaultSuppress, d.MaxSuppress ?? Damping.DefaultMaxSuppress, d.Span);
                    break;
                case NeighborSyntax n:
                    if (neighbors.Any(existing => existing.Address == n.Address))
                    {
                        diagnostics.Add(n.Span, c => c.DuplicatePeer(n.Address.NetworkAddress.ToString(), "bgp"));
                        break;
                    }
                    neighbors.Add(BindNeighbor(n, keychains) with
                    {
                        OriginActions = BindOriginActions(n),
                        AsPath = BindAsPath(n),
                        BlackholeRejectSpan = BindWellKnown(n, BgpCommunity.Blackhole, "blackhole reject"),
                        GracefulShutdownSpan = BindWellKnown(n, BgpCommunity.GracefulShutdown, "graceful-shutdown honor"),
                        CommunitiesIn = BindCommunities(n, inbound: true),
                        CommunitiesOut = BindCommunities(n, inbound: false),
                    });
                    break;
            }
        }
        var ebgpDefault = bgp.Body.OfType<EbgpDefaultSyntax>().ToList();
        foreach (var extra in ebgpDefault.Skip(1)) diagnostics.Add(extra.Span, c => c.DuplicateSetting("ebgp-default", "bgp"));
        return new BgpPolicy(bgp.LocalAs, routerId, neighbors.ToImmutableArray(), damping, bgp.Span)
        {
            EbgpRejectsUnfiltered = ebgpDefault.FirstOrDefault()?.Reject ?? false,
            EbgpDefaultSpan = ebgpDefault.FirstOrDefault()?.Span,
        };
    }

    private BgpNeighbor BindNeighbor(NeighborSyntax neighbor, IReadOnlyDictionary<string, Keychain> keychains)
    {
        MaxPrefix? maxPrefix = null;
        Authentication? auth = null;
        int? ttl = null;
        TimeSpan? hold = null;
        Filter? filterIn = null, filterOut = null;
        string? description = null;
        string scope = $"neighbor {neighbor.Address.NetworkAddress}";
        var seen = new SettingNames();
        void Once(string setting, SourceSpan span)
        {
            if (!seen.Add(setting)) diagnostics.Add(span, c => c.DuplicateSetting(setting, scope));
        }
        foreach (var statement in neighbor.Body)
        {
            switch (statement)
            {
                case MaxPrefixSyntax m:
                    Once("max-prefix", m.Span);
                    maxPrefix = new MaxPrefix(m.Max, m.Warn, m.Restart, m.WarningOnly, m.Span);
                    break;
                case AuthSyntax a:
                    Once("auth", a.Span);
                    auth = BindAuth(a, keychains);
                    break;
                case TtlSecuritySyntax t:
                    Once("ttl-security", t.Span);
                    ttl = t.Hops;
                    break;
                case HoldTimeSyntax h:
                    Once("hold-time", h.Span);
                    hold = h.Value;
                    break;
                case PrefixFilterSyntax p:
                    Once(p.Inbound ? "prefix-filter in" : "prefix-filter out", p.Span);
                    var filter = filters.ResolveFilter(p.Filter, FilterUsage.PrefixFilter);
                    if (p.Inbound) filterIn = filter;
                    else filterOut = filter;
                    break;
                case PeerDescriptionSyntax d:
                    Once("description", d.Span);
                    description = d.Text;
                    break;
            }
        }
        return new BgpNeighbor(neighbor.Address, neighbor.RemoteAs, maxPrefix, auth, ttl, hold, filterIn, filterOut, description, neighbor.Span);
    }

    private Keychain BindKeychain(KeychainBlockSyntax block)
    {
        var keys = new List<Key>();
        foreach (var key in block.Keys)
        {
            if (keys.Any(k => k.Id == key.Id))
            {
                diagnostics.Add(key.Span, c => c.DuplicateKeyId(key.Id, block.Name.Text));
                continue;
            }
            keys.Add(new Key(key.Id, key.Secret, key.ValidFrom, key.ValidUntil, key.Span));
        }
        return new Keychain(block.Name.Text, keys.ToImmutableArray(), block.Span, block.Name.Span);
    }

    private BmpStation BindBmp(BmpBlockSyntax bmp)
    {
        IpPrefix? address = null;
        int port = BmpStation.DefaultPort;
        TlsSettings? tls = null;
        var monitor = ImmutableArray<BmpMonitor>.Empty;
        TimeSpan? stats = null;
        var seen = new SettingNames();
        foreach (var statement in bmp.Body)
        {
            string key = statement switch
            {
                BmpAddressSyntax => "address",
                BmpPortSyntax => "port",
                BmpTlsSyntax => "tls",
                BmpMonitorSyntax => "monitor",
                _ => "stats-interval",
            };
            if (!seen.Add(key)) diagnostics.Add(statement.Span, c => c.DuplicateSetting(key, $"bmp station '{bmp.Name.Text}'"));
            switch (statement)
            {
                case BmpAddressSyntax a: address = a.Address; break;
                case BmpPortSyntax p: port = p.Port; break;
                case BmpTlsSyntax t: tls = BindTls(t); break;
                case BmpMonitorSyntax m: monitor = m.Policies; break;
                case BmpStatsIntervalSyntax s: stats = s.Interval; break;
            }
        }
        return new BmpStation(bmp.Name.Text, address, port, tls, monitor, stats, bmp.Span, bmp.Name.Span);
    }

    private TlsSettings BindTls(BmpTlsSyntax tls)
    {
        string? minVersion = null;
        var ciphers = ImmutableArray<string>.Empty;
        SecretRef? ca = null, cert = null, key = null;
        bool strict = false;
        var seen = new HashSet<TlsSetting>();
        foreach (var statement in tls.Body)
        {
            if (!seen.Add(statement.Setting))
                diagnostics.Add(statement.Span, c => c.DuplicateSetting(statement.Setting.ToString().ToLowerInvariant(), "tls"));
            switch (statement.Setting)
            {
                case TlsSetting.MinVersion: minVersion = statement.Text; break;
                case TlsSetting.Ciphers: ciphers = statement.Ciphers; break;
                case TlsSetting.Ca: ca = statement.Secret; break;
                case TlsSetting.Cert: cert = statement.Secret; break;
                case TlsSetting.Key: key = statement.Secret; break;
                case TlsSetting.Strict: strict = true; break;
            }
        }
        return new TlsSettings(tls.Mode, minVersion, ciphers, ca, cert, key, strict, tls.Span);
    }
}
