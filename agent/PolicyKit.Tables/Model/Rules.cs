using System.Collections.Immutable;

namespace PolicyKit.Tables.Model;

public enum RuleAction : byte
{
    Permit = 0,
    Deny = 1,
}

/// <summary>
/// One rule of a first-match (S,G) filter. Null means "any". <see cref="Location"/> indexes
/// <see cref="AdmissionTable.Locations"/> (the policy source of the rule, for explain).
/// <see cref="Sources"/>/<see cref="Groups"/> are the channel (S,G); <see cref="From"/> is the
/// reporting host of an IGMP/MLD join (the language's <c>from</c> term), a separate axis.
/// </summary>
public sealed record TableRule(RuleAction Action, RangeSet? Sources, RangeSet? Groups, int Location, RangeSet? From = null);

/// <summary>An ordered filter: the first rule that matches decides; nothing matched is denied.</summary>
public sealed record TableFilter(string Name, ImmutableArray<TableRule> Rules, int Location)
{
    public bool Equals(TableFilter? other) => other is not null && Name == other.Name && Location == other.Location && Rules.SequenceEqual(other.Rules);

    public override int GetHashCode() => HashCode.Combine(Name, Rules.Length);
}

/// <summary>One prefix-list entry: a prefix and the lengths it accepts (ge/le).</summary>
public sealed record PrefixRule(RuleAction Action, AddressFamily Family, UInt128 Network, byte Length, byte MinLength, byte MaxLength, int Location)
{
    public bool Matches(AddressFamily family, UInt128 network, int length)
    {
        if (family != Family || length < MinLength || length > MaxLength || length < Length) return false;
        int bits = family == AddressFamily.V4 ? 32 : 128;
        UInt128 mask = Length == 0 ? UInt128.Zero : UInt128.MaxValue << (bits - Length);
        if (family == AddressFamily.V4) mask &= uint.MaxValue;
        return (network & mask) == Network;
    }
}

/// <summary>A BGP prefix filter: first match decides; nothing matched is denied.</summary>
public sealed record PrefixFilter(string Name, ImmutableArray<PrefixRule> Rules, int Location)
{
    public bool Equals(PrefixFilter? other) => other is not null && Name == other.Name && Location == other.Location && Rules.SequenceEqual(other.Rules);

    public override int GetHashCode() => HashCode.Combine(Name, Rules.Length);
}
