using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>Whether one match covers everything another matches (the basis of shadowing).</summary>
public static class MatchCoverage
{
    public static bool Covers(Match broad, Match narrow) =>
        Covers(broad.Sources, narrow.Sources) &&
        Covers(broad.Groups, narrow.Groups) &&
        Covers(broad.Prefixes, narrow.Prefixes) &&
        Covers(broad.From, narrow.From) &&
        Covers(broad.To, narrow.To) &&
        Covers(broad.Rps, narrow.Rps) &&
        Covers(broad.Protocols, narrow.Protocols) &&
        Covers(broad.IgmpTypes, narrow.IgmpTypes) &&
        (broad.Port is null || broad.Port == narrow.Port);

    /// <summary>A null or `any` address match covers everything; otherwise every narrow prefix must lie inside it.</summary>
    public static bool Covers(AddressMatch? broad, AddressMatch? narrow)
    {
        if (broad is null || broad.IsAny) return true;
        if (narrow is null || narrow.IsAny) return false;
        foreach (var entry in narrow.Include)
        {
            var inside = broad.Include.FirstOrDefault(b => b.Prefix.Contains(entry.Prefix) && LengthRangeCovers(b, entry));
            if (inside is null) return false;
            // The broad side's exceptions might carve a hole that the narrow side still matches.
            if (broad.Except.Any(e => e.Prefix.Overlaps(entry.Prefix) && !narrow.Except.Any(ne => ne.Prefix.Contains(e.Prefix)))) return false;
        }
        return true;
    }

    /// <summary>Prefix-list entries: /8 le 32 covers /16 le 24; an exact /8 covers only an exact /8.</summary>
    private static bool LengthRangeCovers(PrefixEntry broad, PrefixEntry narrow)
    {
        int broadMin = broad.Ge ?? broad.Prefix.Length;
        int broadMax = broad.Le ?? (broad.Ge is not null ? broad.Prefix.MaxLength : broad.Prefix.Length);
        int narrowMin = narrow.Ge ?? narrow.Prefix.Length;
        int narrowMax = narrow.Le ?? (narrow.Ge is not null ? narrow.Prefix.MaxLength : narrow.Prefix.Length);
        if (!broad.HasLengthRange && !narrow.HasLengthRange)
        {
            // Plain prefixes in ACLs match every address inside them.
            return true;
        }
        return broadMin <= narrowMin && broadMax >= narrowMax;
    }

    private static bool Covers<T>(System.Collections.Immutable.ImmutableArray<T> broad, System.Collections.Immutable.ImmutableArray<T> narrow)
    {
        if (broad.IsDefaultOrEmpty) return true;
        if (narrow.IsDefaultOrEmpty) return false;
        return narrow.All(broad.Contains);
    }
}
