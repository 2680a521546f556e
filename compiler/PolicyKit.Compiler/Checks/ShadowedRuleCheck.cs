using System.Runtime.InteropServices;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// In a first-match filter, a rule covered by an earlier one never decides anything.
/// MP3008 (warning) when it is merely dead; MP3009 (error) when the two rules match exactly the
/// same traffic with opposite actions — the author wrote a contradiction.
/// </summary>
/// <remarks>
/// A rule is reported against the first earlier rule that covers it. Testing every earlier rule
/// is quadratic (a 10k-rule channel filter took seconds), so the earlier rules are kept in a
/// <see cref="CoverIndex"/> that yields only those that can cover a given rule; those are
/// tested in rule order, which finds the same first covering rule as testing them all.
/// </remarks>
public sealed class ShadowedRuleCheck : PolicyCheck
{
    /// <summary>Below this many rules a filter is checked pair by pair: an index would cost more than it saves.</summary>
    private const int IndexFrom = 16;

    public override void Run(CheckContext context)
    {
        var candidates = new List<int>();
        foreach (var filter in ModelWalker.AllFilters(context.Model))
        {
            var rules = filter.Rules;
            if (rules.Length < IndexFrom)
            {
                CheckPairwise(context, filter);
                continue;
            }
            // A fresh index per large filter: clearing a dictionary costs its capacity, and one
            // large filter would make every later clear as expensive.
            var index = new CoverIndex(rules.Length);
            index.Add(rules[0].Match, 0);
            for (int j = 1; j < rules.Length; j++)
            {
                index.CandidatesFor(rules[j].Match, candidates);
                foreach (int i in candidates)
                {
                    if (!MatchCoverage.Covers(rules[i].Match, rules[j].Match)) continue;
                    Report(context, filter, i, j);
                    break;
                }
                index.Add(rules[j].Match, j);
            }
        }
    }

    private static void CheckPairwise(CheckContext context, Filter filter)
    {
        var rules = filter.Rules;
        for (int j = 1; j < rules.Length; j++)
        {
            for (int i = 0; i < j; i++)
            {
                if (!MatchCoverage.Covers(rules[i].Match, rules[j].Match)) continue;
                Report(context, filter, i, j);
                break;
            }
        }
    }

    private static void Report(CheckContext context, Filter filter, int i, int j)
    {
        var rules = filter.Rules;
        bool identical = MatchCoverage.Covers(rules[j].Match, rules[i].Match);
        int later = j + 1, earlier = i + 1;
        if (identical && rules[i].Action != rules[j].Action)
        {
            context.Diagnostics.Add(rules[j].Span, c => c.PermitAndDeny(rules[j].Match.ToString())
                .WithRelated(rules[i].Span, $"rule {earlier} already {rules[i].Action.ToString().ToLowerInvariant()}s it"));
        }
        else if (!IsFinalCatchAllOfSameAction(filter, j))
        {
            context.Diagnostics.Add(rules[j].Span, c => c.RuleShadowed(later, earlier)
                .WithRelated(rules[i].Span, $"rule {earlier}"));
        }
    }

    /// <summary>
    /// A trailing `deny any;` only restates the implicit deny; it is harmless documentation even
    /// when an earlier deny already covers everything.
    /// </summary>
    private static bool IsFinalCatchAllOfSameAction(Filter filter, int index) =>
        index == filter.Rules.Length - 1 && filter.Rules[index].Match.IsAny && filter.Rules[index].Action == RuleAction.Deny;

    /// <summary>
    /// The rules of one filter seen so far, indexed so that the rules that might cover a later
    /// one are found without looking at the others.
    /// </summary>
    /// <remarks>
    /// Keys carry the rule's port too: a rule with a port covers only rules with the same port,
    /// so rules that share their addresses and differ in port (one service a rule) are not
    /// candidates for each other — filed by address alone, every earlier rule was a candidate
    /// for every later one, and such a filter was quadratic (issue 18).
    /// </remarks>
    /// <remarks>
    /// A rule that restricts an address field (say <c>groups</c>) covers another only if each of
    /// the other's prefixes in that field lies inside one of its own; in particular the other's
    /// first prefix does. So each rule is filed under the include prefixes of one restricted
    /// field, and a later rule looks up the ≤ 33 (IPv4) or ≤ 129 (IPv6) prefixes that contain
    /// its first prefix of each field. Rules restricting no address field (protocol-only,
    /// <c>any</c>) can cover anything and are always candidates. The result is a superset of the
    /// covering rules, never a subset; <see cref="MatchCoverage.Covers(Match, Match)"/> decides.
    /// </remarks>
    private sealed class CoverIndex
    {
        private const int FieldCount = 6;

        // Rules restricting no address field: without a port, and by port.
        private readonly List<int> _unrestricted = [];
        private readonly Dictionary<int, List<int>> _unrestrictedByPort = [];
        private readonly List<int>[] _byField = [[], [], [], [], [], []];

        // Rules filed under (field, prefix): a linked list per key (newest first, with its
        // length), in one node list so that clearing between filters keeps the storage.
        private readonly Dictionary<FiledKey, (int Head, int Count)> _heads;
        private readonly List<(int Rule, int Next)> _nodes;

        // Room for one key and node per rule from the start: a 20k-rule filter's index otherwise
        // grew by doubling, most of the check's allocations.
        public CoverIndex(int rules)
        {
            _heads = new Dictionary<FiledKey, (int Head, int Count)>(rules);
            _nodes = new List<(int Rule, int Next)>(rules);
        }

        // Which prefix lengths have rules filed under them, per field and family (bit n of the
        // three words: length n): a lookup probes only those, not all 33 or 129 lengths.
        private readonly ulong[] _lengths = new ulong[FieldCount * 2 * 3];

        private static int LengthWord(int field, IpFamily family, int length) => ((field * 2) + (family == IpFamily.V4 ? 0 : 1)) * 3 + (length >> 6);

        private static AddressMatch? Field(Match match, int field) => field switch
        {
            0 => match.Sources,
            1 => match.Groups,
            2 => match.Prefixes,
            3 => match.From,
            4 => match.To,
            _ => match.Rps,
        };

        public void Add(Match match, int rule)
        {
            int chosen = ChooseField(match);
            if (chosen < 0)
            {
                if (match.Port is not { } port) _unrestricted.Add(rule);
                else if (_unrestrictedByPort.TryGetValue(port, out var byPort)) byPort.Add(rule);
                else _unrestrictedByPort[port] = [rule];
                return;
            }
            _byField[chosen].Add(rule);
            foreach (var entry in Field(match, chosen)!.Include)
            {
                _lengths[LengthWord(chosen, entry.Prefix.Family, entry.Prefix.Length)] |= 1UL << (entry.Prefix.Length & 63);
                ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(_heads, new FiledKey(chosen, entry.Prefix, match.Port), out bool exists);
                if (!exists) list = (-1, 0);
                // A set may list a prefix twice: file the rule once per key.
                if (list.Head >= 0 && _nodes[list.Head].Rule == rule) continue;
                _nodes.Add((rule, list.Head));
                list = (_nodes.Count - 1, list.Count + 1);
            }
        }

        /// <summary>
        /// Any restricted field would do; the one whose prefixes have the fewest rules filed
        /// under them keeps the lists short (channel filters repeat one head-end <c>sources</c>
        /// in every rule but differ in <c>groups</c>). On a tie, the most specific field.
        /// </summary>
        private int ChooseField(Match match)
        {
            int best = -1, bestCount = int.MaxValue, bestLength = -1;
            for (int f = 0; f < FieldCount; f++)
            {
                if (Field(match, f) is not { IsAny: false } addresses) continue;
                int count = 0, shortest = int.MaxValue;
                foreach (var entry in addresses.Include)
                {
                    if (_heads.TryGetValue(new FiledKey(f, entry.Prefix, match.Port), out var list)) count += list.Count;
                    shortest = Math.Min(shortest, entry.Prefix.Length);
                }
                if (count < bestCount || (count == bestCount && shortest > bestLength))
                {
                    best = f;
                    bestCount = count;
                    bestLength = shortest;
                }
            }
            return best;
        }

        /// <summary>The earlier rules that might cover <paramref name="narrow"/>, ascending, without repeats.</summary>
        public void CandidatesFor(Match narrow, List<int> result)
        {
            result.Clear();
            result.AddRange(_unrestricted);
            if (narrow.Port is { } port && _unrestrictedByPort.TryGetValue(port, out var samePort)) result.AddRange(samePort);
            for (int f = 0; f < FieldCount; f++)
            {
                if (_byField[f].Count == 0) continue;
                // A rule restricting this field never covers one that leaves it open.
                if (Field(narrow, f) is not { IsAny: false } addresses) continue;
                if (addresses.Include.IsEmpty)
                {
                    // Nothing to be inside of: every rule filed under this field covers it here.
                    result.AddRange(_byField[f]);
                    continue;
                }
                var first = addresses.Include[0].Prefix;
                for (int length = 0; length <= first.Length; length++)
                {
                    if ((_lengths[LengthWord(f, first.Family, length)] & (1UL << (length & 63))) == 0) continue;
                    var truncated = Truncate(first, length);
                    // Rules without a port, then (when the narrow rule has one) rules with its port.
                    AddFiled(new FiledKey(f, truncated, null), result);
                    if (narrow.Port is not null) AddFiled(new FiledKey(f, truncated, narrow.Port), result);
                }
            }
            result.Sort();
            int kept = 0;
            for (int k = 0; k < result.Count; k++)
            {
                if (kept == 0 || result[kept - 1] != result[k]) result[kept++] = result[k];
            }
            result.RemoveRange(kept, result.Count - kept);
        }

        private void AddFiled(FiledKey key, List<int> result)
        {
            if (!_heads.TryGetValue(key, out var list)) return;
            for (int node = list.Head; node >= 0; node = _nodes[node].Next)
            {
                result.Add(_nodes[node].Rule);
            }
        }

        /// <summary>The prefix of <paramref name="length"/> bits that contains <paramref name="prefix"/>.</summary>
        private static IpPrefix Truncate(IpPrefix prefix, int length)
        {
            int hostBits = prefix.MaxLength - length;
            // UInt128 shifts count modulo 128: a ::/0 mask is spelled out.
            UInt128 hostMask = hostBits >= 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
            return new IpPrefix(prefix.Family, prefix.Network & ~hostMask, length);
        }

        /// <summary>
        /// (field, prefix, port) in 24 bytes: as a tuple holding an <see cref="IpPrefix"/> (whose
        /// 128-bit network is 16-byte aligned) a key took 80 bytes.
        /// </summary>
        private readonly struct FiledKey(int field, IpPrefix prefix, int? port) : IEquatable<FiledKey>
        {
            private readonly ulong _high = (ulong)(prefix.Network >> 64);
            private readonly ulong _low = (ulong)prefix.Network;
            // field (3 bits) | family (1) | length (8) | port + 1, 0 for none (17)
            private readonly long _rest = (long)(uint)field | (prefix.Family == IpFamily.V4 ? 0L : 1L) << 3 | (long)prefix.Length << 4 | (long)(port is { } p ? p + 1 : 0) << 12;

            public bool Equals(FiledKey other) => _high == other._high && _low == other._low && _rest == other._rest;

            public override bool Equals(object? obj) => obj is FiledKey other && Equals(other);

            public override int GetHashCode() => HashCode.Combine(_high, _low, _rest);
        }
    }
}
