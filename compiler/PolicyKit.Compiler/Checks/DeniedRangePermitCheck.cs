using System.Collections.Immutable;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP3010: an interface permits IGMP/MLD joins for groups that the device's group-range denies
/// everywhere — the permit can never take effect, so one of the two is a mistake.
/// </summary>
/// <remarks>
/// The same access filter is typically used by hundreds of interfaces of devices that deny the
/// same group-range, so the rules it permits in vain are found once per (denied groups, access
/// filter) pair and reported for each interface; and whether a prefix is denied is answered by
/// an index (<see cref="DeniedGroups"/>) rather than by scanning every prefix of the range.
/// </remarks>
public sealed class DeniedRangePermitCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        var deniedByKey = new Dictionary<DeniedKey, DeniedGroups>();
        var hitsByFilter = new Dictionary<(DeniedGroups, Filter), List<(FilterRule Rule, IpPrefix Hit)>>(PairComparer.Instance);
        foreach (var device in context.Model.Devices)
        {
            if (device.GroupRange is not { } range) continue;
            var denied = new List<AddressMatch>();
            foreach (var rule in range.Filter.Rules)
            {
                if (rule.Match.Groups is not { IsAny: false } groups) break;
                if (rule.Action == RuleAction.Deny) denied.Add(groups);
            }
            var key = new DeniedKey(denied);
            if (!deniedByKey.TryGetValue(key, out var deniedGroups)) deniedByKey[key] = deniedGroups = new DeniedGroups(denied);
            foreach (var iface in device.Interfaces)
            {
                foreach (var access in (ReadOnlySpan<Filter?>)[iface.Igmp?.Access, iface.Mld?.Access])
                {
                    if (access is null) continue;
                    if (!hitsByFilter.TryGetValue((deniedGroups, access), out var hits))
                    {
                        hits = FindPermitsOfDenied(access, deniedGroups);
                        hitsByFilter[(deniedGroups, access)] = hits;
                    }
                    foreach (var (rule, hit) in hits)
                    {
                        context.Diagnostics.Add(rule.Span, c => c.PermitOfDeniedRange(ModelWalker.Describe(hit), $"the group-range of device '{device.Name}'")
                            .WithRelated(range.Span, "denied here"));
                    }
                }
            }
        }
    }

    /// <summary>Each permit rule with its first group prefix that the range denies.</summary>
    private static List<(FilterRule Rule, IpPrefix Hit)> FindPermitsOfDenied(Filter access, DeniedGroups denied)
    {
        var hits = new List<(FilterRule, IpPrefix)>();
        if (denied.IsEmpty) return hits;
        foreach (var rule in access.Rules)
        {
            if (rule.Action != RuleAction.Permit || rule.Match.Groups is not { IsAny: false } groups) continue;
            foreach (var entry in groups.Include)
            {
                if (denied.Matches(entry.Prefix))
                {
                    hits.Add((rule, entry.Prefix));
                    break;
                }
            }
        }
        return hits;
    }

    /// <summary>
    /// Identifies a list of denied matches by their (immutable) prefix arrays: sets resolved once
    /// by the binder share them, so devices denying the same named set share one index.
    /// </summary>
    private sealed class DeniedKey(List<AddressMatch> matches) : IEquatable<DeniedKey>
    {
        private readonly List<AddressMatch> _matches = matches;

        public bool Equals(DeniedKey? other)
        {
            if (other is null || other._matches.Count != _matches.Count) return false;
            for (int i = 0; i < _matches.Count; i++)
            {
                // ImmutableArray equality is reference equality of the arrays underneath.
                if (_matches[i].Include != other._matches[i].Include || _matches[i].Except != other._matches[i].Except) return false;
            }
            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as DeniedKey);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var match in _matches)
            {
                hash.Add(match.Include);
                hash.Add(match.Except);
            }
            return hash.ToHashCode();
        }
    }

    private sealed class PairComparer : IEqualityComparer<(DeniedGroups Denied, Filter Filter)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((DeniedGroups Denied, Filter Filter) x, (DeniedGroups Denied, Filter Filter) y) =>
            ReferenceEquals(x.Denied, y.Denied) && ReferenceEquals(x.Filter, y.Filter);

        public int GetHashCode((DeniedGroups Denied, Filter Filter) pair) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Denied),
                System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Filter));
    }

    /// <summary>
    /// Exactly <see cref="AddressMatch.Matches"/> over a list of non-<c>any</c> matches (true when
    /// one of them matches), answered by lookups instead of scans.
    /// </summary>
    private sealed class DeniedGroups
    {
        private readonly List<(PrefixIndex Include, PrefixIndex Except, IpPrefix[] ExceptByAddress)> _parts = [];

        public DeniedGroups(List<AddressMatch> matches)
        {
            foreach (var match in matches)
            {
                var except = Prefixes(match.Except);
                var byAddress = match.Except.Select(e => e.Prefix).ToArray();
                Array.Sort(byAddress, ModelWalker.ComparePrefixes);
                _parts.Add((Prefixes(match.Include), except, byAddress));
            }
        }

        public bool IsEmpty => _parts.Count == 0;

        private static PrefixIndex Prefixes(ImmutableArray<PrefixEntry> entries)
        {
            var index = new PrefixIndex();
            foreach (var entry in entries) index.Add(entry.Prefix);
            return index;
        }

        /// <summary>Some match includes a prefix containing <paramref name="prefix"/> and excepts nothing overlapping it.</summary>
        public bool Matches(IpPrefix prefix)
        {
            foreach (var (include, except, exceptByAddress) in _parts)
            {
                if (!HasContaining(include, prefix)) continue;
                // Two prefixes overlap when one contains the other: an except containing this
                // prefix, or an except inside it.
                if (HasContaining(except, prefix) || HasInside(exceptByAddress, prefix)) continue;
                return true;
            }
            return false;
        }

        /// <summary>Whether the set holds <paramref name="prefix"/> or one of the ≤ 128 prefixes that contain it.</summary>
        private static bool HasContaining(PrefixIndex set, IpPrefix prefix) => set.ContainsPrefixOf(prefix);

        /// <summary>
        /// Whether some prefix of the sorted array starts inside <paramref name="prefix"/>. Such a
        /// prefix lies inside it, or (same start, shorter) contains it: either way they overlap.
        /// </summary>
        private static bool HasInside(IpPrefix[] sorted, IpPrefix prefix)
        {
            int lo = 0, hi = sorted.Length - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                var m = sorted[mid];
                int c = m.Family != prefix.Family ? ((byte)m.Family).CompareTo((byte)prefix.Family) : m.Network.CompareTo(prefix.First);
                if (c < 0) lo = mid + 1;
                else hi = mid - 1;
            }
            return lo < sorted.Length && sorted[lo].Family == prefix.Family && sorted[lo].Network <= prefix.Last;
        }
    }

    /// <summary>
    /// A set of prefixes that answers "does it hold one containing this prefix?" with a hash
    /// lookup per prefix length actually present in the set (a few), not per possible length.
    /// </summary>
    private sealed class PrefixIndex
    {
        private readonly HashSet<IpPrefix> _prefixes = [];
        private UInt128 _v4Lengths;
        private UInt128 _v6Lengths;
        private bool _v6Host;

        public void Add(IpPrefix prefix)
        {
            _prefixes.Add(prefix);
            if (prefix.Family == IpFamily.V4) _v4Lengths |= UInt128.One << prefix.Length;
            else if (prefix.Length == 128) _v6Host = true;
            else _v6Lengths |= UInt128.One << prefix.Length;
        }

        public bool ContainsPrefixOf(IpPrefix prefix)
        {
            if (_prefixes.Count == 0) return false;
            for (int length = prefix.Length; length >= 0; length--)
            {
                bool present = prefix.Family == IpFamily.V4 ? ((_v4Lengths >> length) & UInt128.One) != 0
                    : length == 128 ? _v6Host : ((_v6Lengths >> length) & UInt128.One) != 0;
                if (!present) continue;
                int hostBits = prefix.MaxLength - length;
                // UInt128 shifts count modulo 128: a ::/0 mask is spelled out.
                UInt128 hostMask = hostBits >= 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
                if (_prefixes.Contains(new IpPrefix(prefix.Family, prefix.Network & ~hostMask, length))) return true;
            }
            return false;
        }
    }
}
