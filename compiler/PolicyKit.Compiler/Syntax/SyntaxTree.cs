using System.Collections.Immutable;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Syntax;

// The policy's own syntax tree, built from ANTLR's parse tree by AstBuilder. It is plain data:
// literals are already converted (prefixes, bandwidths, durations, dates), names are not yet
// resolved — that is the binder's job. Every node keeps its span.

public sealed record NameSyntax(string Text, SourceSpan Span)
{
    public override string ToString() => Text;
}

public sealed record PolicyFileSyntax(SourceFile Source, ImmutableArray<IncludeSyntax> Includes, ImmutableArray<DeclarationSyntax> Declarations);

public sealed record IncludeSyntax(string Path, SourceSpan Span);

public abstract record DeclarationSyntax(NameSyntax Name, SourceSpan Span);

// ── addresses ──

public abstract record AddressItemSyntax(SourceSpan Span);

public sealed record PrefixItemSyntax(IpPrefix Prefix, SourceSpan Span) : AddressItemSyntax(Span);

public sealed record NameItemSyntax(NameSyntax Name) : AddressItemSyntax(Name.Span);

public sealed record AnyItemSyntax(SourceSpan Span) : AddressItemSyntax(Span);

/// <summary>
/// The prefixes of an IRR object (an as-set or an aut-num), resolved at compile time from RPSL
/// data (<c>prefixes X from irr "AS-EXAMPLE" { … }</c>): the only entry of an IRR-built set.
/// </summary>
public sealed record IrrItemSyntax(IrrQuery Query, string? RpslPath, SourceSpan Span) : AddressItemSyntax(Span);

public sealed record AddressRefSyntax(ImmutableArray<AddressItemSyntax> Items, SourceSpan Span);

public sealed record SetEntrySyntax(bool Except, AddressItemSyntax Item, int? Ge, int? Le, SourceSpan Span);

public sealed record SetDeclSyntax(SetKind Kind, NameSyntax Name, ImmutableArray<SetEntrySyntax> Entries, SourceSpan Span) : DeclarationSyntax(Name, Span);

// ── filters and classes ──

public enum MatchField
{
    Sources,
    Groups,
    Prefixes,
    From,
    To,
    Rps,
}

public abstract record MatchTermSyntax(SourceSpan Span);

public sealed record AnyTermSyntax(SourceSpan Span) : MatchTermSyntax(Span);

public sealed record AddressTermSyntax(MatchField Field, AddressRefSyntax Addresses, SourceSpan Span) : MatchTermSyntax(Span);

public sealed record ProtocolTermSyntax(ImmutableArray<ProtocolMatch> Protocols, SourceSpan Span) : MatchTermSyntax(Span);

public sealed record IgmpTypeTermSyntax(ImmutableArray<IgmpMessageType> Types, SourceSpan Span) : MatchTermSyntax(Span);

public sealed record PortTermSyntax(int Port, SourceSpan Span) : MatchTermSyntax(Span);

public sealed record RuleSyntax(RuleAction Action, ImmutableArray<MatchTermSyntax> Terms, bool Log, SourceSpan Span);

public sealed record FilterDeclSyntax(NameSyntax Name, ImmutableArray<RuleSyntax> Rules, SourceSpan Span) : DeclarationSyntax(Name, Span);

public sealed record ClassDeclSyntax(NameSyntax Name, ImmutableArray<MatchTermSyntax> Match, SourceSpan? MatchSpan, Bandwidth? Cost, SourceSpan? CostSpan, SourceSpan Span) : DeclarationSyntax(Name, Span);

public sealed record ProfileDeclSyntax(NameSyntax Name, ImmutableArray<InterfaceStmtSyntax> Body, SourceSpan Span) : DeclarationSyntax(Name, Span);

public sealed record DeviceDeclSyntax(NameSyntax Name, Platform Platform, ImmutableArray<DeviceStmtSyntax> Body, SourceSpan Span) : DeclarationSyntax(Name, Span);
