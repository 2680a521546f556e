using System.Collections.Immutable;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Model;

public enum SetKind
{
    Groups,
    Sources,
    Prefixes,
}

/// <summary>One prefix of a set, with the optional length range of a prefix list (ge/le).</summary>
public sealed record PrefixEntry(IpPrefix Prefix, int? Ge, int? Le, SourceSpan Span)
{
    /// <summary>True when the entry matches more than its exact prefix (a length range).</summary>
    public bool HasLengthRange => Ge is not null || Le is not null;

    public override string ToString() =>
        Prefix + (Ge is { } ge ? $" ge {ge}" : "") + (Le is { } le ? $" le {le}" : "");
}

/// <summary>
/// A resolved address match: the prefixes it covers and those it carves out (except), with the
/// names of the sets it came from so backends can name their ACLs and prefix lists after them.
/// Nested set references are flattened; order is as written.
/// </summary>
public sealed record AddressMatch
{
    // The entries are kept as ropes (see EntryRope): a set made of another set plus or except a
    // few prefixes shares the other set's entries instead of copying them.
    private EntryRope _include;
    private EntryRope _except;

    public AddressMatch(ImmutableArray<PrefixEntry> Include, ImmutableArray<PrefixEntry> Except, ImmutableArray<string> SetNames, SourceSpan Span)
        : this(EntryRope.Of(Include), EntryRope.Of(Except), SetNames, Span)
    {
    }

    public AddressMatch(EntryRope include, EntryRope except, ImmutableArray<string> setNames, SourceSpan span)
    {
        _include = include;
        _except = except;
        SetNames = setNames;
        Span = span;
    }

    public ImmutableArray<PrefixEntry> Include { get => _include.Flat; init => _include = EntryRope.Of(value); }

    public ImmutableArray<PrefixEntry> Except { get => _except.Flat; init => _except = EntryRope.Of(value); }

    /// <summary>The included entries as pieces, for walking them without flattening.</summary>
    public EntryRope IncludeRope { get => _include; init => _include = value; }

    /// <summary>The excepted entries as pieces.</summary>
    public EntryRope ExceptRope { get => _except; init => _except = value; }

    public ImmutableArray<string> SetNames { get; init; }

    public SourceSpan Span { get; init; }

    // As the positional record printed itself, not the ropes.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Include = ").Append(Include).Append(", Except = ").Append(Except)
            .Append(", SetNames = ").Append(SetNames).Append(", Span = ").Append(Span).Append(", IsAny = ").Append(IsAny);
        return true;
    }

    public void Deconstruct(out ImmutableArray<PrefixEntry> Include, out ImmutableArray<PrefixEntry> Except, out ImmutableArray<string> SetNames, out SourceSpan Span)
    {
        Include = this.Include;
        Except = this.Except;
        SetNames = this.SetNames;
        Span = this.Span;
    }

    /// <summary>True when it is `any` (matches every address of both families).</summary>
    public bool IsAny { get; init; }

    public bool Matches(IpPrefix prefix) =>
        IsAny || (Include.Any(e => e.Prefix.Contains(prefix)) && !Except.Any(e => e.Prefix.Overlaps(prefix)));

    public bool MatchesAddress(UInt128 address, IpFamily family) =>
        IsAny || (Include.Any(e => e.Prefix.Contains(address, family)) && !Except.Any(e => e.Prefix.Contains(address, family)));

    /// <summary>A short human form for messages: the set names, or the prefixes.</summary>
    public string Describe() => IsAny ? "any"
        : SetNames.Length > 0 ? string.Join(", ", SetNames)
        : string.Join(", ", Include.Select(e => e.ToString()));

    public IEnumerable<IpFamily> Families => IsAny ? [IpFamily.V4, IpFamily.V6] : Include.Select(e => e.Prefix.Family).Distinct();
}

/// <summary>A named set declared with <c>groups</c>, <c>sources</c> or <c>prefixes</c>.</summary>
public sealed record AddressSet(string Name, SetKind Kind, AddressMatch Addresses, SourceSpan Span, SourceSpan NameSpan);
