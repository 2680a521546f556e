using System.Globalization;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Sequence numbers for the lists a platform numbers line by line (IOS-XE ACLs and prefix lists,
/// IOS XR ACLs, FRR prefix lists) that stay put when the list changes: inserting or removing one
/// entry changes that one line, not every line after it, so a plan (and <c>frr-reload</c>) edits
/// the router entry by entry and never touches a kept entry.
/// </summary>
/// <remarks>
/// In a first-match list only the order between entries of different actions matters: within a
/// run of consecutive entries with one action, whichever matches first gives the same answer.
/// So each run gets a band of numbers (run r: r × band + 1 … (r + 1) × band), and within its band
/// an entry's number comes from its own text (a 64-bit FNV-1a hash, mapped onto the band), not
/// from its position or its neighbours: an entry keeps its number whatever is inserted or removed
/// around it. Entries of a run are written in number order; two entries that would get one number
/// take the next free ones (rare: the band is 10⁸ numbers where the platform's range allows, 10⁶
/// otherwise). What still renumbers: an entry of another action inserted inside a run splits it,
/// and the runs after it move one band up. A list that fits neither band size is numbered in plain
/// steps (and then renumbers on insertion, as before).
/// </remarks>
public static class SequenceNumbers
{
    /// <summary>Numbers per run of one action, the wide band first.</summary>
    private static readonly long[] Bands = [100_000_000, 1_000_000];

    /// <summary>
    /// The list's entries with their sequence numbers, in the order to write them (ascending numbers).
    /// <paramref name="maxSequence"/> is the platform's largest number; <paramref name="step"/> the
    /// plain step used when the list does not fit the bands.
    /// </summary>
    public static IReadOnlyList<(long Sequence, string Entry)> Assign(IReadOnlyList<string> entries, long maxSequence, int step) =>
        Number(entries, maxSequence, step).Select(n => (n.Sequence, entries[n.Index])).ToList();

    /// <summary>
    /// As <see cref="Assign"/>, naming each entry by its index: a caller writing a long list reads
    /// one entry at a time (a <see cref="Cisco.DistinctEntries"/> makes a string per read) and no
    /// list of every entry's text is held.
    /// </summary>
    public static IReadOnlyList<(long Sequence, int Index)> Number(IReadOnlyList<string> entries, long maxSequence, int step)
    {
        var runs = Runs(entries);
        foreach (long band in Bands)
        {
            if (runs.Count * band > maxSequence || runs.Any(r => r.Count > band)) continue;
            var numbered = new List<(long, int)>(entries.Count);
            for (int r = 0; r < runs.Count; r++)
            {
                long first = r * band + 1;
                var (start, count) = runs[r];
                var ideal = new (long Ideal, int Index)[count];
                for (int i = 0; i < count; i++) ideal[i] = (Ideal(entries[start + i], band), start + i);
                // By ideal place, ties by the entry's text (read again only for a tie).
                Array.Sort(ideal, (a, b) => a.Ideal != b.Ideal ? a.Ideal.CompareTo(b.Ideal) : string.CompareOrdinal(entries[a.Index], entries[b.Index]));
                var taken = new HashSet<long>();
                var run = new List<(long, int)>(count);
                foreach (var (place, index) in ideal)
                {
                    long slot = place;
                    while (!taken.Add(slot)) slot = (slot + 1) % band;
                    run.Add((first + slot, index));
                }
                // A collision at the top of the band wraps to its bottom: keep the run in number order.
                numbered.AddRange(run.OrderBy(x => x.Item1));
            }
            return numbered;
        }
        var plain = new (long, int)[entries.Count];
        for (int i = 0; i < plain.Length; i++) plain[i] = ((long)(i + 1) * step, i);
        return plain;
    }

    /// <summary>Consecutive entries with one action ("permit …", "deny …", with or without log), as (first index, count); any other entry is a run of its own.</summary>
    private static List<(int Start, int Count)> Runs(IReadOnlyList<string> entries)
    {
        var runs = new List<(int Start, int Count)>();
        int action = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            // Read as bytes: a DistinctEntries entry is not made a string for this.
            int thisAction = entries is Cisco.DistinctEntries compact ? ActionOf(compact.Utf8Entry(i)) : ActionOf(System.Text.Encoding.UTF8.GetBytes(entries[i]));
            if (thisAction == 0 || thisAction != action || runs.Count == 0) runs.Add((i, 0));
            runs[^1] = (runs[^1].Start, runs[^1].Count + 1);
            action = thisAction;
        }
        return runs;
    }

    /// <summary>
    /// 1 permit, 2 deny, 3 and 4 the same with log (a logging entry is its own kind of action:
    /// which of two matching entries comes first decides whether the packet is logged), 0 any other entry.
    /// </summary>
    private static int ActionOf(ReadOnlySpan<byte> entry)
    {
        int space = entry.IndexOf((byte)' ');
        var first = space < 0 ? entry : entry[..space];
        int action = first.SequenceEqual("permit"u8) ? 1 : first.SequenceEqual("deny"u8) ? 2 : 0;
        if (action == 0) return 0;
        return entry.EndsWith(" log"u8) || entry.EndsWith(" log-input"u8) ? action + 2 : action;
    }

    /// <summary>The place in the band an entry would like: a hash of its text (FNV-1a, 64 bits: the same on every machine and run).</summary>
    private static long Ideal(string entry, long band)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in entry)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return (long)(hash % (ulong)band);
    }

    /// <summary>A number as the platforms write it.</summary>
    public static string Format(long sequence) => sequence.ToString(CultureInfo.InvariantCulture);
}
