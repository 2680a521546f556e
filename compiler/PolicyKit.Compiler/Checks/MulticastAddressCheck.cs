using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Checks;

/// <summary>MP3001 a group range that is not multicast; MP3002 a source that is multicast.</summary>
public sealed class MulticastAddressCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        // A set's entries are reached from the set and from every place that uses it: report each
        // written prefix once. Every use of a set shares the set's entries (one rope, see
        // EntryRope), and a set made of another set shares that set's rope in its own: a piece of
        // rope gone through already is skipped whole, so a chain of N sets each adding a prefix to
        // the previous is N entries, not N²/2. The order the entries are met is the flat order.
        // The written places are marked in a bitmap per file (two bits per character offset: as
        // group, as source): a policy has a handful of files, and a hash set of 100k places cost
        // more in hashing and growing than the check itself.
        var seenRopes = new HashSet<(EntryRope, bool)>();
        var reportedByFile = new List<(SourceFile File, System.Collections.BitArray Places)>();
        var pending = new Stack<EntryRope>();
        foreach (var (match, isGroup) in ModelWalker.AllAddressMatches(context.Model))
        {
            pending.Push(match.IncludeRope);
            while (pending.Count > 0)
            {
                var rope = pending.Pop();
                // Only sets are worth it: hashing a rope the first time is dearer than a few bit tests.
                if (rope.Count >= 4 && !seenRopes.Add((rope, isGroup))) continue;
                if (!rope.Pieces.IsEmpty)
                {
                    for (int i = rope.Pieces.Length - 1; i >= 0; i--) pending.Push(rope.Pieces[i]);
                    continue;
                }
                foreach (var entry in rope.LeafEntries)
                {
                    var places = Places(reportedByFile, entry.Span.File);
                    int place = 2 * entry.Span.Start + (isGroup ? 1 : 0);
                    if (place >= places.Length) places.Length = place + 2;
                    if (places[place]) continue;
                    places[place] = true;
                    Check(context, entry, isGroup);
                }
            }
        }
    }

    // On its own so that the closures are made for a finding only, not for every entry.
    private static void Check(CheckContext context, PrefixEntry entry, bool isGroup)
    {
        if (isGroup && !entry.Prefix.IsMulticast)
        {
            context.Diagnostics.Add(entry.Span, c => c.GroupNotMulticast(ModelWalker.Describe(entry.Prefix)));
        }
        else if (!isGroup && entry.Prefix.OverlapsMulticast && entry.Prefix.Length > 0)
        {
            context.Diagnostics.Add(entry.Span, c => c.SourceIsMulticast(ModelWalker.Describe(entry.Prefix)));
        }
    }

    private static System.Collections.BitArray Places(List<(SourceFile File, System.Collections.BitArray Places)> byFile, SourceFile file)
    {
        foreach (var (f, places) in byFile)
        {
            if (ReferenceEquals(f, file)) return places;
        }
        // Spans start within the text or at its end.
        var added = new System.Collections.BitArray(2 * (file.Text.Length + 1));
        byFile.Add((file, added));
        return added;
    }
}
