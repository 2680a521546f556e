using System.Collections.Immutable;
using System.Text;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;
using PolicyKit.Compiler.Tests.Diagnostics;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// Issue 18: a set made of another set plus or except some prefixes shares the other set's
/// entries (EntryRope) instead of copying them, and the empty-set warning (MP2011) and the
/// multicast check (MP3001) walk the shared pieces once. On random set graphs — forward and
/// backward references, exceptions of prefixes and of whole sets, length ranges — every
/// set resolves to exactly the entries the copying resolution gave, and the same warnings and
/// errors come out. The old resolution is written out here as it was.
/// The scaling itself is measured in bench/ (scale --shape except-chain / add-chain).
/// </summary>
public sealed class SetChainEquivalenceTests
{
    private sealed record Entry(string? Prefix, int? Ref, bool Except, int? Le)
    {
        /// <summary>Where the prefix is written in the policy text (the span the binder gives it starts there).</summary>
        public int Start { get; set; }
    }

    private sealed record OldMatch(ImmutableArray<PrefixEntry> Include, ImmutableArray<PrefixEntry> Except, bool IsAny);

    [Theory]
    [InlineData("groups", 18, true)]
    [InlineData("groups", 1818, false)]
    [InlineData("prefixes", 180, false)]
    public void Random_set_graphs_resolve_as_the_copying_resolution_did(string kind, int seed, bool someNotMulticast)
    {
        var random = new Random(seed);
        int emptySets = 0, notMulticast = 0, sets = 0;
        for (int round = 0; round < 150; round++)
        {
            int count = random.Next(2, 14);
            var graph = new List<Entry>[count];
            for (int i = 0; i < count; i++)
            {
                graph[i] = [];
                int entries = random.Next(1, 5);
                for (int k = 0; k < entries; k++)
                {
                    bool except = k > 0 && random.Next(3) == 0;
                    if (i > 0 && random.Next(2) == 0) graph[i].Add(new(null, random.Next(i), except, null));
                    else graph[i].Add(new(RandomPrefix(random, someNotMulticast), null, except, kind == "prefixes" && random.Next(5) == 0 ? 32 : null));
                }
            }
            // Declared in a shuffled order, so references go forward as well as backward.
            var order = Enumerable.Range(0, count).OrderBy(_ => random.Next()).ToArray();
            var text = new StringBuilder();
            foreach (int i in order)
            {
                text.Append(kind).Append(" s").Append(i).Append(" { ");
                foreach (var e in graph[i])
                {
                    if (e.Except) text.Append("except ");
                    e.Start = text.Length;
                    text.Append(e.Ref is { } r ? $"s{r}" : e.Prefix).Append(e.Le is { } le ? $" le {le}" : "").Append("; ");
                }
                text.Append("}\n");
            }
            var result = PolicyAssert.Check(text.ToString());
            // A group range outside 224/4 is an error, and a policy with errors has no model.
            Assert.True(result.Model is not null || someNotMulticast, PolicyAssert.Describe(result) + "\n" + text);

            // The old resolution: every set's entries copied into the sets made of it.
            var old = new Dictionary<int, OldMatch>();
            var expectedEmpty = new List<string>();
            OldMatch Resolve(int i)
            {
                if (old.TryGetValue(i, out var known)) return known;
                var parts = new List<OldMatch>();
                var excepts = ImmutableArray.CreateBuilder<PrefixEntry>();
                bool any = false;
                foreach (var e in graph[i])
                {
                    if (e.Ref is { } r)
                    {
                        var match = Resolve(r);
                        if (e.Except) excepts.AddRange(match.Include);
                        else parts.Add(match);
                        continue;
                    }
                    var entry = new PrefixEntry(IpPrefix.Parse(e.Prefix!), null, e.Le, new SourceSpan(null!, e.Start, e.Prefix!.Length));
                    if (e.Except) excepts.Add(entry);
                    else parts.Add(new OldMatch([entry], [], false));
                }
                var union = Union(parts);
                var resolved = new OldMatch(union.Include, union.Except.AddRange(excepts), any);
                if (!any && resolved.Include.Length > 0 && resolved.Include.All(inc => resolved.Except.Any(x => !x.HasLengthRange && x.Prefix.Contains(inc.Prefix))))
                {
                    expectedEmpty.Add($"s{i}");
                }
                old[i] = resolved;
                return resolved;
            }
            foreach (int i in order) Resolve(i);

            var resolvedSets = result.Model?.Sets.ToDictionary(s => s.Name) ?? [];
            foreach (int i in resolvedSets.Count > 0 ? order : [])
            {
                var set = resolvedSets[$"s{i}"].Addresses;
                Assert.Equal(Describe(old[i].Include), Describe(set.Include));
                Assert.Equal(Describe(old[i].Except), Describe(set.Except));
                Assert.Equal(old[i].IsAny, set.IsAny);
                sets++;
            }
            var empty = result.Diagnostics.Where(d => d.Code == "MP2011").Select(d => d.Message).Order().ToList();
            Assert.Equal(expectedEmpty.Select(n => $"{kind} set '{n}' matches nothing").Order(), empty);
            emptySets += empty.Count;

            // The multicast check as it was: every set's flat entries, sets in the order they are
            // written, once per written place.
            var expectedErrors = new List<string>();
            if (kind == "groups")
            {
                var places = new HashSet<int>();
                foreach (int i in order)
                {
                    foreach (var entry in old[i].Include)
                    {
                        if (!places.Add(entry.Span.Start)) continue;
                        if (!entry.Prefix.IsMulticast) expectedErrors.Add($"{entry.Span.Start}: group range {entry.Prefix} is not multicast");
                    }
                }
            }
            var errors = result.Diagnostics.Where(d => d.Code == "MP3001").Select(d => $"{d.Span.Start}: {d.Message}").ToList();
            // Diagnostics come out sorted by place; which prefix a place names (the written one or a
            // piece of it left by an exception) depends on the order the entries were met.
            Assert.Equal(expectedErrors.Order(StringComparer.Ordinal), errors.Order(StringComparer.Ordinal));
            notMulticast += errors.Count;
        }
        // The cases that matter were met.
        if (!someNotMulticast) Assert.True(sets > 500, $"{sets} sets");
        Assert.True(emptySets > 5, $"{emptySets} empty sets");
        if (someNotMulticast) Assert.True(notMulticast > 20, $"{notMulticast} not-multicast errors");
    }

    /// <summary>The old Union: one part as it is; else entries in order, a part's exceptions subtracted exactly where it can be.</summary>
    private static OldMatch Union(List<OldMatch> parts)
    {
        if (parts.Count == 0) return new OldMatch([], [], false);
        if (parts.Count == 1) return parts[0] with { IsAny = false };
        if (parts.Any(p => p.IsAny)) return new OldMatch([], [], true);
        var include = ImmutableArray.CreateBuilder<PrefixEntry>();
        var except = ImmutableArray.CreateBuilder<PrefixEntry>();
        foreach (var part in parts)
        {
            if (part.Except.IsEmpty || part.Include.Any(e => e.HasLengthRange) || part.Except.Any(e => e.HasLengthRange))
            {
                include.AddRange(part.Include);
                except.AddRange(part.Except);
                continue;
            }
            var excluded = part.Except.Select(e => e.Prefix).ToList();
            foreach (var e in part.Include)
            {
                foreach (var piece in PrefixMath.Subtract([e.Prefix], excluded)) include.Add(e with { Prefix = piece });
            }
        }
        return new OldMatch(include.ToImmutable(), except.ToImmutable(), false);
    }

    private static List<string> Describe(ImmutableArray<PrefixEntry> entries) => entries.Select(e => e.ToString()).ToList();

    /// <summary>Nested and repeated prefixes of a small space; if asked, one in six outside 224/4.</summary>
    private static string RandomPrefix(Random random, bool someNotMulticast)
    {
        int length = random.Next(3) switch { 0 => 16, 1 => 20, _ => 24 };
        int first = someNotMulticast && random.Next(6) == 0 ? 10 : 232;
        int third = length == 16 ? 0 : random.Next(4) * 16 + (length == 24 ? random.Next(3) : 0);
        return $"{first}.{random.Next(2)}.{third}.0/{length}";
    }
}
