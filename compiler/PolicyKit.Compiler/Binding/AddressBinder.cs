using System.Collections.Immutable;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Binding;

/// <summary>
/// Resolves named sets and address references into flat <see cref="AddressMatch"/>es.
/// A set means (union of its entries) minus (its except entries). When a reference unions
/// several sets and one of them has exceptions, those exceptions are applied exactly to that
/// set alone (by prefix subtraction), so they never remove addresses another set includes.
/// </summary>
public sealed class AddressBinder(SymbolTable symbols, DiagnosticBag diagnostics)
{
    private readonly Dictionary<string, AddressSet?> _resolved = new(StringComparer.Ordinal);
    // Sets whose resolution is under way, in the order they were entered (for the cycle's chain),
    // and the same names as a set: a chain of 100k references asks "is it under way?" at every
    // step, and a list answers in time proportional to its length (issue 14: 128 s for 100k).
    private readonly List<string> _resolving = [];
    private readonly HashSet<string> _underWay = new(StringComparer.Ordinal);
    private readonly HashSet<string> _cycleReported = new(StringComparer.Ordinal);

    /// <summary>The resolved prefixes of IRR-built sets, by their entry.</summary>
    public IReadOnlyDictionary<IrrItemSyntax, ImmutableArray<PrefixEntry>> IrrSets { get; init; } = new Dictionary<IrrItemSyntax, ImmutableArray<PrefixEntry>>();

    public IEnumerable<AddressSet> ResolvedSets => _resolved.Values.OfType<AddressSet>();

    /// <summary>
    /// Resolves a set and, first, every set it refers to — in dependency order with an explicit
    /// stack, so a chain of thousands of references cannot overflow the call stack. A cycle is
    /// reported once, at the name of the set the cycle returns to.
    /// </summary>
    public AddressSet? ResolveSet(SetDeclSyntax declaration)
    {
        if (_resolved.TryGetValue(declaration.Name.Text, out var done)) return done;
        var stack = new Stack<(SetDeclSyntax Set, bool Expanded)>();
        stack.Push((declaration, false));
        while (stack.Count > 0)
        {
            var (set, expanded) = stack.Pop();
            string name = set.Name.Text;
            if (_resolved.ContainsKey(name)) continue;
            if (expanded)
            {
                // Still under way while its own entries are resolved: an entry naming the set
                // itself is the cycle already reported, not a reason to resolve it again (which
                // recursed until the stack overflowed).
                _resolved[name] = ResolveOne(set);
                // Depth first: the set finished is the last one entered.
                if (_resolving.Count > 0 && _resolving[^1] == name) _resolving.RemoveAt(_resolving.Count - 1);
                else _resolving.Remove(name);
                _underWay.Remove(name);
                continue;
            }
            _resolving.Add(name);
            _underWay.Add(name);
            stack.Push((set, true));
            foreach (var entry in set.Entries)
            {
                if (entry.Item is not NameItemSyntax { Name: var reference } || symbols.Find(reference.Text) is not SetDeclSyntax target) continue;
                if (_resolved.ContainsKey(target.Name.Text)) continue;
                if (_underWay.Contains(target.Name.Text))
                {
                    if (_cycleReported.Add(target.Name.Text))
                    {
                        string chain = string.Join(" → ", _resolving.SkipWhile(n => n != target.Name.Text).Append(target.Name.Text));
                        diagnostics.Add(target.Name.Span, c => c.SetCycle(chain));
                    }
                    continue;
                }
                stack.Push((target, false));
            }
        }
        return _resolved.GetValueOrDefault(declaration.Name.Text);
    }

    /// <summary>Resolves one set whose referenced sets are already resolved (or part of a reported cycle).</summary>
    private AddressSet? ResolveOne(SetDeclSyntax declaration)
    {
        string name = declaration.Name.Text;
        var parts = new List<Part>();
        // The set's own exceptions, in order: written prefixes and whole referenced sets (shared, not copied).
        var excepts = new RopeBuilder();
        bool any = false;
        foreach (var entry in declaration.Entries)
        {
            switch (entry.Item)
            {
                case PrefixItemSyntax prefix:
                    var prefixEntry = new PrefixEntry(prefix.Prefix, entry.Ge, entry.Le, entry.Span);
                    if (entry.Except) excepts.Add(prefixEntry);
                    else parts.Add(new Part(prefixEntry, null));
                    break;
                case NameItemSyntax reference:
                    if (ResolveName(reference.Name, [declaration.Kind], $"{SymbolTable.KindOf(declaration)} '{name}'") is not { } match) break;
                    if (entry.Except) excepts.Add(match.IncludeRope);
                    else parts.Add(new Part(null, match));
                    break;
                case AnyItemSyntax:
                    any = true;
                    break;
                case IrrItemSyntax irr when IrrSets.TryGetValue(irr, out var prefixes):
                    // Shared as one leaf: an IRR set of thousands of prefixes is one piece of a rope.
                    parts.Add(new Part(null, new AddressMatch(EntryRope.Of(prefixes), EntryRope.Empty, [], irr.Span)));
                    break;
            }
        }
        var union = Union(parts, declaration.Span);
        var ownExcepts = excepts.Build();
        var addresses = union with
        {
            ExceptRope = EntryRope.Concat([union.ExceptRope, ownExcepts]),
            SetNames = [name],
            IsAny = any,
        };
        var set = new AddressSet(name, declaration.Kind, addresses, declaration.Span, declaration.Name.Span);
        // A set made of one other set minus some prefixes has that set's includes: only those the
        // other set left uncovered need testing against the new exceptions.
        var basis = parts.Count == 1 ? parts[0].Match : null;
        var uncovered = basis is not null && ReferenceEquals(basis.IncludeRope, addresses.IncludeRope)
            ? Uncovered(basis).Where(i => !CoveredExactly(i, ownExcepts.Flat)).ToImmutableArray()
            : addresses.ExceptRope.Count == 0 ? default : addresses.Include.Where(i => !CoveredExactly(i, addresses.Except)).ToImmutableArray();
        if (!uncovered.IsDefault) _uncovered[addresses] = uncovered;
        if (!any && addresses.IncludeRope.Count > 0 && !uncovered.IsDefault && uncovered.IsEmpty)
        {
            diagnostics.Add(declaration.Name.Span, c => c.EmptySet(SymbolTable.KindOf(declaration), name));
        }
        return set;
    }

    // Per resolved set (by its match): its includes that no exception without a length range covers.
    private readonly Dictionary<AddressMatch, ImmutableArray<PrefixEntry>> _uncovered = new(ReferenceEqualityComparer.Instance);

    private ImmutableArray<PrefixEntry> Uncovered(AddressMatch match)
    {
        if (_uncovered.TryGetValue(match, out var known)) return known;
        var except = match.Except;
        var uncovered = match.Include.Where(i => !CoveredExactly(i, except)).ToImmutableArray();
        _uncovered[match] = uncovered;
        return uncovered;
    }

    private static bool CoveredExactly(PrefixEntry include, ImmutableArray<PrefixEntry> excepts) =>
        excepts.Any(e => !e.HasLengthRange && e.Prefix.Contains(include.Prefix));

    /// <summary>Resolves an address reference where only the given set kinds make sense.</summary>
    public AddressMatch? Resolve(AddressRefSyntax reference, IReadOnlyCollection<SetKind> allowed, string context)
    {
        var parts = new List<Part>(reference.Items.Length);
        foreach (var item in reference.Items)
        {
            switch (item)
            {
                case AnyItemSyntax:
                    return new AddressMatch([], [], [], reference.Span) { IsAny = true };
                case PrefixItemSyntax prefix:
                    parts.Add(new Part(new PrefixEntry(prefix.Prefix, null, null, prefix.Span), null));
                    break;
                case NameItemSyntax name:
                    if (ResolveName(name.Name, allowed, context) is { } match) parts.Add(new Part(null, match));
                    break;
            }
        }
        if (parts.Count == 0) return null;
        return Union(parts, reference.Span);
    }

    private AddressMatch? ResolveName(NameSyntax name, IReadOnlyCollection<SetKind> allowed, string context)
    {
        var declaration = symbols.Find(name.Text);
        if (declaration is null)
        {
            string kindWord = allowed.Count == 1 ? $"{allowed.First().ToString().ToLowerInvariant()} set" : "address set";
            diagnostics.Add(name.Span, c => c.UnresolvedName(kindWord, name.Text,
                symbols.NamesOf(d => d is SetDeclSyntax s && allowed.Contains(s.Kind))));
            return null;
        }
        if (declaration is not SetDeclSyntax set || !allowed.Contains(set.Kind))
        {
            string expected = string.Join(" or ", allowed.Select(k => $"{k.ToString().ToLowerInvariant()} set"));
            diagnostics.Add(name.Span, c => c.WrongKind(name.Text, SymbolTable.KindOf(declaration), expected));
            return null;
        }
        // Within a cycle the referenced set is still being resolved: the cycle is reported already.
        if (_underWay.Contains(set.Name.Text)) return null;
        return ResolveSet(set)?.Addresses;
    }

    /// <summary>
    /// One item of a union: a prefix written in place, or a resolved set. (A written prefix used
    /// to become a one-entry AddressMatch of its own first: two objects and an array per prefix
    /// of every set, only to be taken apart again by <see cref="Union"/>.)
    /// </summary>
    private readonly record struct Part(PrefixEntry? Entry, AddressMatch? Match);

    /// <summary>Union of parts; a part's exceptions are folded into its includes when others are present.</summary>
    private static AddressMatch Union(List<Part> parts, SourceSpan span)
    {
        if (parts.Count == 1)
        {
            return parts[0].Entry is { } single ? new AddressMatch([single], [], [], span) : parts[0].Match! with { Span = span };
        }
        foreach (var part in parts)
        {
            if (part.Match is { IsAny: true }) return new AddressMatch([], [], [], span) { IsAny = true };
        }
        var include = new RopeBuilder();
        var except = new RopeBuilder();
        List<string>? names = null;
        foreach (var (entry, part) in parts)
        {
            if (entry is not null)
            {
                include.Add(entry);
                continue;
            }
            foreach (var setName in part!.SetNames)
            {
                names ??= [];
                if (!names.Contains(setName)) names.Add(setName);
            }
            if (part.ExceptRope.Count == 0)
            {
                // Nothing to subtract: share the set's entries.
                include.Add(part.IncludeRope);
                continue;
            }
            if (part.Include.Any(e => e.HasLengthRange) || part.Except.Any(e => e.HasLengthRange))
            {
                // Prefix lists with length ranges cannot be subtracted exactly; keep them as written.
                include.Add(part.IncludeRope);
                except.Add(part.ExceptRope);
                continue;
            }
            var excluded = part.Except.Select(e => e.Prefix).ToList();
            foreach (var e in part.Include)
            {
                foreach (var piece in PrefixMath.Subtract([e.Prefix], excluded))
                {
                    include.Add(e with { Prefix = piece });
                }
            }
        }
        return new AddressMatch(include.Build(), except.Build(), names is null ? [] : [.. names], span);
    }

    /// <summary>Builds a rope in order from single entries (gathered into leaves) and whole ropes.</summary>
    private sealed class RopeBuilder
    {
        private readonly List<EntryRope> _pieces = [];
        private ImmutableArray<PrefixEntry>.Builder? _entries;

        public void Add(PrefixEntry entry) => (_entries ??= ImmutableArray.CreateBuilder<PrefixEntry>()).Add(entry);

        public void Add(EntryRope rope)
        {
            FlushEntries();
            _pieces.Add(rope);
        }

        public EntryRope Build()
        {
            FlushEntries();
            return EntryRope.Concat(_pieces);
        }

        private void FlushEntries()
        {
            if (_entries is not { Count: > 0 }) return;
            _pieces.Add(EntryRope.Of(_entries.ToImmutable()));
            _entries = null;
        }
    }
}
