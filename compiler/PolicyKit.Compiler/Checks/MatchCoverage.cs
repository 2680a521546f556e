using System.Collections.Immutable;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>Whether one match covers everything another matches (the basis of shadowing).</summary>
/// <remarks>
/// Written with plain loops: the shadowing check calls it for every candidate pair of rules of
/// every filter, and LINQ's closures and enumerators made it allocate gigabytes on large policies.
/// </remarks>
public static class MatchCoverage
{
    public static bool Covers(Match broad, Match narrow) =>
        (broad.Port is null || broad.Port == narrow.Port) &&
        Covers(broad.Sources, narrow.Sources) &&
        Covers(broad.Groups, narrow.Groups) &&
        Covers(broad.Prefixes, narrow.Prefixes, AddressSemantics.PrefixList) &&
        Covers(broad.From, narrow.From) &&
        Covers(broad.To, narrow.To) &&
        Covers(broad.Rps, narrow.Rps) &&
        Covers(broad.Protocols, narrow.Protocols) &&
        Covers(broad.IgmpTypes, narrow.IgmpTypes);

    /// <summary>
    /// A null or `any` address match covers everything; otherwise every narrow prefix must lie
    /// inside it. ACL semantics: a plain prefix matches every address inside it.
    /// </summary>
    public static bool Covers(AddressMatch? broad, AddressMatch? narrow) => Covers(broad, narrow, AddressSemantics.Acl);

    /// <summary>As <see cref="Covers(AddressMatch?, AddressMatch?)"/>, for the semantics of the field compared.</summary>
    public static bool Covers(AddressMatch? broad, AddressMatch? narrow, AddressSemantics semantics)
    {
        if (broad is null || broad.IsAny) return true;
        if (narrow is null || narrow.IsAny) return false;
        var broadInclude = broad.Include;
        var broadExcept = broad.Except;
        foreach (var entry in narrow.Include)
        {
            bool inside = false;
            foreach (var b in broadInclude)
            {
                if (b.Prefix.Contains(entry.Prefix) && LengthRangeCovers(b, entry, semantics))
                {
                    inside = true;
                    break;
                }
            }
            if (!inside) return false;
            // The broad side's exceptions might carve a hole that the narrow side still matches.
            foreach (var e in broadExcept)
            {
                if (e.Prefix.Overlaps(entry.Prefix) && !AnyContains(narrow.Except, e.Prefix)) return false;
            }
        }
        return true;
    }

    private static bool AnyContains(ImmutableArray<PrefixEntry> entries, IpPrefix prefix)
    {
        foreach (var entry in entries)
        {
            if (entry.Prefix.Contains(prefix)) return true;
        }
        return false;
    }

    /// <summary>
    /// The prefix lengths an entry matches. In a prefix list (BGP <c>prefixes</c>) a plain entry
    /// matches only its own length (the exact route); with ge/le it matches a range of lengths.
    /// </summary>
    private static bool LengthRangeCovers(PrefixEntry broad, PrefixEntry narrow, AddressSemantics semantics)
    {
        if (semantics == AddressSemantics.Acl && !broad.HasLengthRange && !narrow.HasLengthRange)
        {
            // Plain prefixes in ACLs match every address inside them.
            return true;
        }
        int broadMin = broad.Ge ?? broad.Prefix.Length;
        int broadMax = broad.Le ?? (broad.Ge is not null ? broad.Prefix.MaxLength : broad.Prefix.Length);
        int narrowMin = narrow.Ge ?? narrow.Prefix.Length;
        int narrowMax = narrow.Le ?? (narrow.Ge is not null ? narrow.Prefix.MaxLength : narrow.Prefix.Length);
        return broadMin <= narrowMin && broadMax >= narrowMax;
    }

    /// <summary>Every narrow value is a broad one; an empty broad list matches everything.</summary>
    private static bool Covers<T>(ImmutableArray<T> broad, ImmutableArray<T> narrow)
    {
        if (broad.IsDefaultOrEmpty) return true;
        if (narrow.IsDefaultOrEmpty) return false;
        foreach (var value in narrow)
        {
            bool found = false;
            foreach (var b in broad)
            {
                if (EqualityComparer<T>.Default.Equals(b, value))
                {
                    found = true;
                    break;
                }
            }
            if (!found) return false;
        }
        return true;
    }
}

/// <summary>How the plain prefixes of an address match are read.</summary>
public enum AddressSemantics
{
    /// <summary>Access lists (<c>sources</c>, <c>groups</c>, <c>from</c>, <c>to</c>, <c>rps</c>): a prefix matches every address inside it.</summary>
    Acl,

    /// <summary>BGP prefix lists (<c>prefixes</c>): a prefix without ge/le matches only that exact route.</summary>
    PrefixList,
}
