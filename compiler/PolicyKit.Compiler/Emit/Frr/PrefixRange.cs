using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Frr;

/// <summary>
/// What one prefix-list entry matches: the prefixes inside <see cref="Prefix"/> whose length is
/// in [<see cref="Low"/>, <see cref="High"/>]. Ranges intersect into ranges, which is what lets a
/// first-match filter with <c>except</c> be written as a prefix list exactly.
/// </summary>
public readonly record struct PrefixRange(IpPrefix Prefix, int Low, int High)
{
    /// <summary>Every prefix of the family (<c>any</c>).</summary>
    public static PrefixRange All(IpFamily family)
    {
        var root = family == IpFamily.V4 ? IpPrefix.AnyV4 : IpPrefix.AnyV6;
        return new PrefixRange(root, 0, root.MaxLength);
    }

    /// <summary>An address block: every address (and every longer prefix) inside it, as group and source sets mean.</summary>
    public static PrefixRange Block(IpPrefix prefix) => new(prefix, prefix.Length, prefix.MaxLength);

    /// <summary>A route entry of a <c>prefixes</c> set: exactly the prefix, or its ge/le range (ge alone reaching the longest length).</summary>
    public static PrefixRange Route(PrefixEntry entry)
    {
        int low = entry.Ge ?? entry.Prefix.Length;
        int high = entry.Le ?? (entry.Ge is not null ? entry.Prefix.MaxLength : entry.Prefix.Length);
        return new PrefixRange(entry.Prefix, Math.Max(low, entry.Prefix.Length), high);
    }

    public IpFamily Family => Prefix.Family;

    public bool IsAll => Prefix.Length == 0 && Low == 0 && High == Prefix.MaxLength;

    /// <summary>The prefixes both ranges match, or null when there are none.</summary>
    public PrefixRange? Intersect(PrefixRange other)
    {
        if (other.Family != Family) return null;
        IpPrefix inner;
        if (Prefix.Contains(other.Prefix)) inner = other.Prefix;
        else if (other.Prefix.Contains(Prefix)) inner = Prefix;
        else return null;
        int low = Math.Max(Math.Max(Low, other.Low), inner.Length);
        int high = Math.Min(High, other.High);
        return low <= high ? new PrefixRange(inner, low, high) : null;
    }

    /// <summary>FRR's form: <c>any</c>, <c>P</c>, <c>P le N</c>, <c>P ge N</c> or <c>P ge N le M</c> (mask length ≤ ge ≤ le).</summary>
    public override string ToString()
    {
        if (IsAll) return "any";
        string text = Prefix.ToString();
        if (Low > Prefix.Length) text += $" ge {Low}";
        if (High > Low && (High < Prefix.MaxLength || Low == Prefix.Length)) text += $" le {High}";
        else if (High == Low && Low > Prefix.Length) text += $" le {High}";
        return text;
    }
}
