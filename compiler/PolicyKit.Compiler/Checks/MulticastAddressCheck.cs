using System.Runtime.InteropServices;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Checks;

/// <summary>MP3001 a group range that is not multicast; MP3002 a source that is multicast.</summary>
public sealed class MulticastAddressCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        // A set's entries are reached from the set and from every place that uses it: report each
        // written prefix once. Every use of a set shares the set's entry array, so a set's array
        // gone through already is skipped whole. The written places are marked in a bitmap per file
        // (two bits per character offset: as group, as source): a policy has a handful of files,
        // and a hash set of 100k places cost more in hashing and growing than the check itself.
        var seenArrays = new HashSet<(PrefixEntry[], bool)>();
        var reportedByFile = new List<(SourceFile File, System.Collections.BitArray Places)>();
        foreach (var (match, isGroup) in ModelWalker.AllAddressMatches(context.Model))
        {
            // Only sets are worth it: hashing an array the first time is dearer than a few bit tests.
            if (match.Include.Length >= 4 && !seenArrays.Add((ImmutableCollectionsMarshal.AsArray(match.Include)!, isGroup))) continue;
            foreach (var entry in match.Include)
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
