using System.Collections.Immutable;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Binding;

/// <summary>
/// Applies profiles to an interface: the profiles in the order of <c>uses</c>, then the
/// interface's own block. A later single-valued setting (an IGMP limit, the minimum version, the
/// PIM neighbor policy) replaces an earlier one, setting by setting (an igmp or pim block changes
/// only what it writes); lists (state limits, boundaries) accumulate.
/// Within one block a setting written twice is an error (MP2005).
/// </summary>
public sealed class InterfaceBinder(SymbolTable symbols, AddressBinder addresses, FilterBinder filters, DiagnosticBag diagnostics)
{
    private static readonly SetKind[] GroupKinds = [SetKind.Groups];
    private static readonly SetKind[] SourceKinds = [SetKind.Sources];
    private static readonly SetKind[] UnicastKinds = [SetKind.Sources, SetKind.Prefixes];

    /// <summary>The merged state of an interface while its blocks are applied in order.</summary>
    private sealed class Builder
    {
        public string? Description;
        public MembershipBuilder Igmp = new(GroupProtocol.Igmp);
        public MembershipBuilder Mld = new(GroupProtocol.Mld);
        public List<StateLimit> StateLimits = [];
        public PimInterfacePolicy? Pim;
        public List<Boundary> Boundaries = [];
        public Filter? SourceFilter;
        public bool RouterGuard;
        public List<SiteObject> TakeOver = [];
        public SourceSpan? Audit;
    }

    private sealed class MembershipBuilder(GroupProtocol protocol)
    {
        public GroupProtocol Protocol = protocol;
        public SourceSpan? Span;
        public int? MinimumVersion;
        public Filter? Access;
        public GroupLimit? Limit;
        public bool? DropQueries;
        public Filter? Control;

        public GroupMembershipPolicy? Build() => Span is { } span
            ? new GroupMembershipPolicy(Protocol, MinimumVersion, Access, Limit, DropQueries ?? false, Control, span)
            : null;
    }

    public InterfacePolicy Bind(InterfaceDeclSyntax declaration, string deviceName)
    {
        var builder = new Builder();
        var profiles = ImmutableArray.CreateBuilder<string>();
        foreach (var use in declaration.Uses)
        {
            var found = symbols.Find(use.Text);
            if (found is null)
            {
                diagnostics.Add(use.Span, c => c.UnresolvedName("profile", use.Text, symbols.NamesOf(d => d is ProfileDeclSyntax)));
                continue;
            }
            if (found is not ProfileDeclSyntax profile)
            {
                diagnostics.Add(use.Span, c => c.WrongKind(use.Text, SymbolTable.KindOf(found), "profile"));
                continue;
            }
            profiles.Add(profile.Name.Text);
            Apply(builder, profile.Body, $"profile '{profile.Name.Text}'", $"{deviceName}.{declaration.Name}");
        }
        Apply(builder, declaration.Body, $"interface \"{declaration.Name}\"", $"{deviceName}.{declaration.Name}");
        return new InterfacePolicy(
            declaration.Name,
            profiles.ToImmutable(),
            builder.Description,
            builder.Igmp.Build(),
            builder.Mld.Build(),
            builder.StateLimits.ToImmutableArray(),
            builder.Pim,
            builder.Boundaries.ToImmutableArray(),
            builder.SourceFilter,
            builder.RouterGuard,
            declaration.Span)
        {
            TakeOver = SiteObjects.Distinct(builder.TakeOver),
            Audit = builder.Audit,
        };
    }

    private void Apply(Builder builder, ImmutableArray<InterfaceStmtSyntax> body, string scope, string ownerName)
    {
        var seen = new SettingNames();
        void Once(string setting, SourceSpan span)
        {
            if (!seen.Add(setting)) diagnostics.Add(span, c => c.DuplicateSetting(setting, scope));
        }

        foreach (var statement in body)
        {
            switch (statement)
            {
                case MembershipBlockSyntax block:
                    Once(block.Protocol == GroupProtocol.Igmp ? "igmp" : "mld", block.Span);
                    ApplyMembership(block.Protocol == GroupProtocol.Igmp ? builder.Igmp : builder.Mld, block, scope, ownerName);
                    break;
                case StateLimitSyntax limit:
                    if (BindStateLimit(limit) is { } bound) builder.StateLimits.Add(bound);
                    break;
                case PimInterfaceBlockSyntax pim:
                    Once("pim", pim.Span);
                    builder.Pim = BindPim(pim, scope, builder.Pim);
                    break;
                case BoundarySyntax boundary:
                    if (BindBoundary(boundary, ownerName) is { } b) builder.Boundaries.Add(b);
                    break;
                case SourceFilterSyntax sourceFilter:
                    Once("source-filter", sourceFilter.Span);
                    builder.SourceFilter = filters.ResolveFilter(sourceFilter.Filter, FilterUsage.SourceFilter);
                    break;
                case RouterGuardSyntax:
                    builder.RouterGuard = true;
                    break;
                case InterfaceAuditSyntax audit:
                    Once("audit", audit.Span);
                    builder.Audit = audit.Span;
                    break;
                case DescriptionSyntax description:
                    Once("description", description.Span);
                    builder.Description = description.Text;
                    break;
                case InterfaceTakeoverSyntax takeover:
                    // A list: the profiles' and the interface's own names together.
                    builder.TakeOver.AddRange(SiteObjects.Bind(takeover.Names, diagnostics));
                    break;
            }
        }
    }

    private void ApplyMembership(MembershipBuilder target, MembershipBlockSyntax block, string scope, string ownerName)
    {
        var seen = new SettingNames();
        void Once(string setting, SourceSpan span)
        {
            // The scope is worded only for a report: most blocks have none.
            if (!seen.Add(setting)) diagnostics.Add(span, c => c.DuplicateSetting(setting, $"the {(block.Protocol == GroupProtocol.Igmp ? "igmp" : "mld")} block of {scope}"));
        }

        target.Span ??= block.Span;
        var inlineRules = block.Body.OfType<InlineRuleSyntax>().Select(r => r.Rule).ToList();
        if (inlineRules.Count > 0)
        {
            Once("access", inlineRules[0].Span);
            string name = $"{ownerName}.{(block.Protocol == GroupProtocol.Igmp ? "igmp" : "mld")}-access";
            target.Access = filters.InlineFilter(name, inlineRules, SourceSpan.Covering(inlineRules[0].Span, inlineRules[^1].Span), FilterUsage.IgmpAccess);
        }
        foreach (var statement in block.Body)
        {
            switch (statement)
            {
                case MinVersionSyntax v:
                    Once("version", v.Span);
                    int max = block.Protocol == GroupProtocol.Igmp ? 3 : 2;
                    if (v.Version > max)
                        diagnostics.Add(v.Span, c => c.ValueOutOfRange($"{block.Protocol.ToString().ToUpperInvariant()} version", v.Version.ToString(), $"1 to {max}"));
                    target.MinimumVersion = v.Version;
                    break;
                case AccessRefSyntax a:
                    Once("access", a.Span);
                    target.Access = filters.ResolveFilter(a.Filter, FilterUsage.IgmpAccess);
                    break;
                case LimitSyntax l:
                    Once("limit", l.Span);
                    target.Limit = new GroupLimit(l.Max, l.Except is { } ex ? addresses.Resolve(ex, GroupKinds, "'except'") : null, l.Span);
                    break;
                case QueriesSyntax q:
                    Once("queries", q.Span);
                    target.DropQueries = q.Drop;
                    break;
                case ControlRefSyntax c:
                    Once("control", c.Span);
                    target.Control = filters.ResolveFilter(c.Filter, FilterUsage.IgmpControl);
                    break;
            }
        }
    }

    private StateLimit? BindStateLimit(StateLimitSyntax limit)
    {
        var groups = limit.Groups is { } g ? addresses.Resolve(g, GroupKinds, "'groups'") : null;
        var sources = limit.Sources is { } s ? addresses.Resolve(s, SourceKinds, "'sources'") : null;
        var classes = limit.Classes.Select(filters.ResolveClass).OfType<TrafficClass>().ToImmutableArray();
        if (limit.Classes.Length == 0 && limit.MaxBandwidth is not null)
        {
            // A bandwidth limit without an explicit class list uses every class, in declaration
            // order — as IOS applies every global `ip multicast limit cost`.
            classes = symbols.Declarations.OfType<ClassDeclSyntax>().Select(filters.BindClass).OfType<TrafficClass>().ToImmutableArray();
        }
        if (limit.MaxCount is not null && limit.Classes.Length > 0)
        {
            diagnostics.Add(limit.Span, c => c.CountLimitWithClasses(limit.MaxCount.Value.ToString()));
        }
        return new StateLimit(limit.Direction, limit.MaxCount, limit.MaxBandwidth, groups, sources, classes,
            limit.DefaultCost ?? Bandwidth.OneKbps, limit.Span)
        {
            DefaultCostIsExplicit = limit.DefaultCost is not null,
        };
    }

    /// <summary>A pim block changes only what it writes; the rest comes from earlier profiles.</summary>
    private PimInterfacePolicy BindPim(PimInterfaceBlockSyntax pim, string scope, PimInterfacePolicy? earlier)
    {
        bool none = earlier?.NoNeighbors ?? false, bsrBorder = earlier?.BsrBorder ?? false, disabled = earlier?.Disabled ?? false;
        AddressMatch? permitted = earlier?.PermittedNeighbors;
        var seen = new SettingNames();
        foreach (var statement in pim.Body)
        {
            string key = statement switch { NeighborsNoneSyntax or NeighborsPermitSyntax => "neighbors", BsrBorderSyntax => "bsr-border", _ => "disabled" };
            if (!seen.Add(key)) diagnostics.Add(statement.Span, c => c.DuplicateSetting(key, $"the pim block of {scope}"));
            switch (statement)
            {
                case NeighborsNoneSyntax: none = true; permitted = null; break;
                case NeighborsPermitSyntax p: permitted = addresses.Resolve(p.Neighbors, UnicastKinds, "'neighbors'"); none = false; break;
                case BsrBorderSyntax: bsrBorder = true; break;
                case PimDisabledSyntax: disabled = true; break;
            }
        }
        return new PimInterfacePolicy(none, permitted, bsrBorder, disabled, pim.Span);
    }

    private Boundary? BindBoundary(BoundarySyntax boundary, string ownerName)
    {
        Filter? filter;
        if (boundary.Filter is { } name)
        {
            filter = filters.ResolveFilter(name, FilterUsage.Boundary);
        }
        else
        {
            // `boundary deny groups X` is the filter "deny X; permit everything else".
            var deny = new RuleSyntax(RuleAction.Deny, [new AddressTermSyntax(MatchField.Groups, boundary.DenyGroups!, boundary.DenyGroups!.Span)], false, boundary.Span);
            var permit = new RuleSyntax(RuleAction.Permit, [], false, boundary.Span);
            filter = filters.InlineFilter($"{ownerName}.boundary", [deny, permit], boundary.Span, FilterUsage.Boundary);
            if (filter.Rules.Length < 2) filter = null;
        }
        return filter is null ? null : new Boundary(filter, boundary.FilterAutoRp, boundary.Span);
    }
}
