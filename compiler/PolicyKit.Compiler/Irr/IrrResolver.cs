using System.Collections.Immutable;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Irr;

/// <summary>What an IRR question resolved to, with what the resolution met on the way.</summary>
public sealed record IrrResolution(
    ImmutableArray<IrrPrefix> Prefixes,
    bool ObjectFound,
    ImmutableArray<string> MissingSets,
    ImmutableArray<string> Cycles,
    int LongerThanMaxLength)
{
    /// <summary>The route objects behind the prefixes, each with its own origin (never aggregated): what the BMP station expects.</summary>
    public ImmutableArray<IrrOrigin> Origins { get; init; } = [];
}

/// <summary>
/// A route/route6 object as an IRR-built set admits it: its prefix, the longest length the set
/// accepts under it (the set's max-length, or the prefix's own length) and the AS that
/// originates it. The expected-origins file the BMP station reads holds these.
/// </summary>
public readonly record struct IrrOrigin(IpPrefix Prefix, int MaxLength, uint Asn) : IComparable<IrrOrigin>
{
    public int CompareTo(IrrOrigin other)
    {
        int byPrefix = Prefix.CompareTo(other.Prefix);
        if (byPrefix != 0) return byPrefix;
        return MaxLength != other.MaxLength ? MaxLength.CompareTo(other.MaxLength) : Asn.CompareTo(other.Asn);
    }
}

/// <summary>
/// An entry of an IRR-built prefix list: a prefix and the lengths it matches (Ge..Le; both the
/// prefix's own length for an exact entry).
/// </summary>
public readonly record struct IrrPrefix(IpPrefix Prefix, int Ge, int Le) : IComparable<IrrPrefix>
{
    public static IrrPrefix Exact(IpPrefix prefix) => new(prefix, prefix.Length, prefix.Length);

    /// <summary>Every route this entry matches is also matched by <paramref name="other"/>.</summary>
    public bool IsWithin(IrrPrefix other) => other.Prefix.Contains(Prefix) && other.Ge <= Ge && Le <= other.Le;

    public int CompareTo(IrrPrefix other)
    {
        int byPrefix = Prefix.CompareTo(other.Prefix);
        if (byPrefix != 0) return byPrefix;
        return Ge != other.Ge ? Ge.CompareTo(other.Ge) : Le.CompareTo(other.Le);
    }

    /// <summary>As a prefix list writes it: "P", "P le N", "P ge N le M".</summary>
    public override string ToString() =>
        Ge == Prefix.Length && Le == Prefix.Length ? Prefix.ToString()
        : Ge == Prefix.Length ? $"{Prefix} le {Le}"
        : $"{Prefix} ge {Ge} le {Le}";
}

/// <summary>
/// Resolves an IRR question against RPSL data, as bgpq4 does against a server: the object's
/// ASNs (an as-set expanded through its nested as-sets, each visited once, so a cycle ends; an
/// ASN stands for itself), the route/route6 objects those ASNs originate, shaped by max-length
/// (a registered prefix shorter than the maximum also admits its more specifics up to it; one
/// longer is left out) and, when asked, aggregated into the fewest entries that match exactly
/// the same routes. Pure: the same data and question give the same list, sorted.
/// </summary>
public static class IrrResolver
{
    public static IrrResolution Resolve(RpslDatabase data, IrrQuery query)
    {
        string root = query.ObjectName.ToUpperInvariant();
        var asns = new HashSet<uint>();
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var cycles = new List<string>();
        bool found;
        if (RpslDatabase.ParseAsn(root) is { } single)
        {
            asns.Add(single);
            found = data.HasRoutes(single);
        }
        else
        {
            found = data.HasAsSet(root);
            if (found) Expand(data, root, asns, missing, cycles);
        }

        var prefixes = new HashSet<IrrPrefix>();
        var origins = new HashSet<IrrOrigin>();
        int longer = 0;
        foreach (uint asn in asns)
        {
            foreach (var prefix in data.RoutesOf(asn))
            {
                int? max = query.MaxLengthOf(prefix.Family);
                if (max is { } m && prefix.Length > m)
                {
                    longer++;
                    continue;
                }
                var entry = max is { } le && prefix.Length < le ? new IrrPrefix(prefix, prefix.Length, le) : IrrPrefix.Exact(prefix);
                prefixes.Add(entry);
                origins.Add(new IrrOrigin(prefix, entry.Le, asn));
            }
        }
        var list = prefixes.ToList();
        list.Sort();
        var shaped = query.Aggregate ? IrrAggregation.Aggregate(list) : list;
        return new IrrResolution([.. shaped], found, [.. missing], [.. cycles], longer) { Origins = [.. origins.Order()] };
    }

    /// <summary>
    /// Depth first with an explicit stack (as-sets nest deep in real data): each set is expanded
    /// once; a member naming a set on the current path is a cycle, recorded with its chain.
    /// </summary>
    private static void Expand(RpslDatabase data, string root, HashSet<uint> asns, SortedSet<string> missing, List<string> cycles)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal) { root };
        var path = new List<string> { root };
        var onPath = new HashSet<string>(StringComparer.Ordinal) { root };
        var stack = new Stack<(string Set, int Next)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (set, next) = stack.Pop();
            var members = data.MembersOf(set);
            if (next >= members.Count)
            {
                path.RemoveAt(path.Count - 1);
                onPath.Remove(set);
                continue;
            }
            stack.Push((set, next + 1));
            string member = members[next];
            if (RpslDatabase.ParseAsn(member) is { } asn)
            {
                asns.Add(asn);
                continue;
            }
            if (onPath.Contains(member))
            {
                if (cycles.Count < 10) cycles.Add(string.Join(" → ", path.SkipWhile(s => s != member).Append(member)));
                continue;
            }
            if (!visited.Add(member)) continue;
            if (!data.HasAsSet(member))
            {
                missing.Add(member);
                continue;
            }
            path.Add(member);
            onPath.Add(member);
            stack.Push((member, 0));
        }
    }
}
