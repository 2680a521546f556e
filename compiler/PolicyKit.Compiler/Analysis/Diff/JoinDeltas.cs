using PolicyKit.Compiler.Model;
using PolicyKit.Engine.Analysis;
using PolicyKit.Tables.Model;

namespace PolicyKit.Compiler.Analysis.Diff;

/// <summary>
/// The join ranges newly admitted and newly denied, remembered per what decides them: the
/// interface's access filter on each side, each side's group range and SSM range. Profiles share
/// one filter across hundreds of interfaces on tens of devices; its delta is worked out once.
/// Filters are the bound model's own objects, compared by reference.
/// </summary>
internal sealed class JoinDeltas
{
    /// <summary>
    /// What decides the joins of an interface on each side: the access filter (the model's own
    /// object), and the group range as its rules (each device writes its own, often alike).
    /// </summary>
    public readonly record struct Key(Filter? OldAccess, Filter? NewAccess, TableRule[] OldGroupRange, TableRule[] NewGroupRange, RangeSet OldSsm, RangeSet NewSsm, AddressFamily Family)
    {
        public bool Equals(Key other) =>
            ReferenceEquals(OldAccess, other.OldAccess) && ReferenceEquals(NewAccess, other.NewAccess)
            && OldGroupRange.AsSpan().SequenceEqual(other.OldGroupRange) && NewGroupRange.AsSpan().SequenceEqual(other.NewGroupRange)
            && OldSsm.Equals(other.OldSsm) && NewSsm.Equals(other.NewSsm) && Family == other.Family;

        public override int GetHashCode() => HashCode.Combine(
            OldAccess is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(OldAccess),
            NewAccess is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(NewAccess),
            OldGroupRange.Length,
            NewGroupRange.Length,
            Family);
    }

    /// <summary>A table's group range as rules without their locations (empty without one).</summary>
    public static TableRule[] GroupRange(AdmissionTable table) =>
        table.Router.GroupRangeFilter < 0 ? [] : [.. table.Filters[table.Router.GroupRangeFilter].Rules.Select(r => r with { Location = 0 })];

    private readonly Dictionary<Key, List<Box>[]> _deltas = [];

    /// <summary>[newly admitted, newly denied] for the key, worked out by <paramref name="compute"/> the first time.</summary>
    public List<Box>[] Get(Key key, Func<List<Box>[]> compute)
    {
        if (!_deltas.TryGetValue(key, out var delta)) _deltas[key] = delta = compute();
        return delta;
    }
}
