using System.Collections.Immutable;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Syntax;

// Statements allowed in a profile or an interface block.

public abstract record InterfaceStmtSyntax(SourceSpan Span);

public sealed record MembershipBlockSyntax(GroupProtocol Protocol, ImmutableArray<MembershipStmtSyntax> Body, SourceSpan Span) : InterfaceStmtSyntax(Span);

public sealed record StateLimitSyntax(
    LimitDirection Direction,
    long? MaxCount,
    Bandwidth? MaxBandwidth,
    AddressRefSyntax? Groups,
    AddressRefSyntax? Sources,
    ImmutableArray<NameSyntax> Classes,
    Bandwidth? DefaultCost,
    SourceSpan Span) : InterfaceStmtSyntax(Span);

public sealed record PimInterfaceBlockSyntax(ImmutableArray<PimInterfaceStmtSyntax> Body, SourceSpan Span) : InterfaceStmtSyntax(Span);

public sealed record BoundarySyntax(AddressRefSyntax? DenyGroups, NameSyntax? Filter, bool FilterAutoRp, SourceSpan Span) : InterfaceStmtSyntax(Span);

public sealed record SourceFilterSyntax(NameSyntax Filter, SourceSpan Span) : InterfaceStmtSyntax(Span);

public sealed record RouterGuardSyntax(SourceSpan Span) : InterfaceStmtSyntax(Span);

/// <summary><c>audit;</c> in a profile or an interface: the interface's own rules report "would deny" instead of denying.</summary>
public sealed record InterfaceAuditSyntax(SourceSpan Span) : InterfaceStmtSyntax(Span);

public sealed record DescriptionSyntax(string Text, SourceSpan Span) : InterfaceStmtSyntax(Span);

/// <summary><c>takeover "NAME", …;</c> on an interface: the site's ACLs/filters there that PolicyKit's may replace.</summary>
public sealed record InterfaceTakeoverSyntax(ImmutableArray<SiteObjectSyntax> Names, SourceSpan Span) : InterfaceStmtSyntax(Span);

// Inside igmp { } / mld { }.

public abstract record MembershipStmtSyntax(SourceSpan Span);

public sealed record MinVersionSyntax(int Version, SourceSpan Span) : MembershipStmtSyntax(Span);

public sealed record InlineRuleSyntax(RuleSyntax Rule) : MembershipStmtSyntax(Rule.Span);

public sealed record AccessRefSyntax(NameSyntax Filter, SourceSpan Span) : MembershipStmtSyntax(Span);

public sealed record LimitSyntax(int Max, AddressRefSyntax? Except, SourceSpan Span) : MembershipStmtSyntax(Span);

public sealed record QueriesSyntax(bool Drop, SourceSpan Span) : MembershipStmtSyntax(Span);

public sealed record ControlRefSyntax(NameSyntax Filter, SourceSpan Span) : MembershipStmtSyntax(Span);

// Inside an interface's pim { }.

public abstract record PimInterfaceStmtSyntax(SourceSpan Span);

public sealed record NeighborsNoneSyntax(SourceSpan Span) : PimInterfaceStmtSyntax(Span);

public sealed record NeighborsPermitSyntax(AddressRefSyntax Neighbors, SourceSpan Span) : PimInterfaceStmtSyntax(Span);

public sealed record BsrBorderSyntax(SourceSpan Span) : PimInterfaceStmtSyntax(Span);

public sealed record PimDisabledSyntax(SourceSpan Span) : PimInterfaceStmtSyntax(Span);
