using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PolicyKit.Compiler.Output;

namespace PolicyKit.Compiler.Emit;

/// <summary>How one line of a diff relates the old text to the new.</summary>
public enum DiffLineKind
{
    /// <summary>In both texts (a context line, prefixed with a space).</summary>
    Same,

    /// <summary>Only in the old text ("-").</summary>
    Removed,

    /// <summary>Only in the new text ("+").</summary>
    Added,
}

/// <summary>One line of a hunk. <see cref="Text"/> has no line terminator; <see cref="NoNewline"/> marks a last line without one.</summary>
public readonly record struct DiffLine(DiffLineKind Kind, string Text, bool NoNewline = false);

/// <summary>
/// A unified-diff hunk: 1-based start lines and line counts in the old and new text (a start of
/// 0 with a count of 0 means "before the first line", as diff(1) writes it).
/// </summary>
public sealed record DiffHunk(int OldStart, int OldCount, int NewStart, int NewCount, IReadOnlyList<DiffLine> Lines)
{
    /// <summary>The "@@ -a,b +c,d @@" line, with a count of 1 left out as GNU diff does.</summary>
    public string Header => $"@@ -{Range(OldStart, OldCount)} +{Range(NewStart, NewCount)} @@";

    private static string Range(int start, int count) =>
        count == 1 ? start.ToString(CultureInfo.InvariantCulture) : $"{start.ToString(CultureInfo.InvariantCulture)},{count.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>How a generated file differs between two compilations.</summary>
public enum FileChange
{
    Unchanged,
    Changed,

    /// <summary>Only the new policy produces the file (a new device, or a device now served by the target).</summary>
    Added,

    /// <summary>Only the old policy produced the file.</summary>
    Removed,
}

/// <summary>The difference of one generated file (one device, one target) between two compilations.</summary>
public sealed record FileDiff(string Device, string FileName, FileChange Change, IReadOnlyList<DiffHunk> Hunks)
{
    public string RelativePath => $"{Device}/{FileName}";
}

/// <summary>
/// Line diffs of generated configurations, as pure functions: the edit script is Myers' O(ND)
/// algorithm in its linear-space form (the middle snake, divide and conquer), so the result is
/// a shortest edit script; hunks and the unified format follow GNU diff. Used by
/// <c>mpolc diff</c> and by the golden-file tests to show what changed.
/// </summary>
public static class ConfigDiff
{
    public const int DefaultContext = 3;

    /// <summary>
    /// The lines of a text: split at "\n", the terminator not included. A text ending in "\n" has
    /// no empty last line; <paramref name="lastHasNewline"/> says whether the last line was terminated.
    /// </summary>
    public static IReadOnlyList<string> SplitLines(string text, out bool lastHasNewline)
    {
        lastHasNewline = true;
        if (text.Length == 0) return [];
        var lines = text.Split('\n').ToList();
        if (lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        else lastHasNewline = false;
        return lines;
    }

    /// <summary>
    /// For each line of the old and the new sequence, whether it is removed (old) or added (new)
    /// in a shortest edit script; the unmarked lines of both are their longest common subsequence.
    /// Lines are compared by their keys (the line itself by default; the key functions get the
    /// line's index and text).
    /// </summary>
    public static (bool[] Removed, bool[] Added) Compare(IReadOnlyList<string> oldLines, IReadOnlyList<string> newLines,
        Func<int, string, string>? oldKey = null, Func<int, string, string>? newKey = null)
    {
        // Lines become integers once, so the algorithm compares ints.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int[] Intern(IReadOnlyList<string> lines, Func<int, string, string>? key)
        {
            var result = new int[lines.Count];
            for (int i = 0; i < lines.Count; i++)
            {
                string k = key is null ? lines[i] : key(i, lines[i]);
                if (!ids.TryGetValue(k, out int id)) ids.Add(k, id = ids.Count);
                result[i] = id;
            }
            return result;
        }
        int[] a = Intern(oldLines, oldKey);
        int[] b = Intern(newLines, newKey);
        var removed = new bool[a.Length];
        var added = new bool[b.Length];

        // A line that does not occur on the other side at all is never part of the common
        // subsequence: mark it at once and leave it out of the search (as GNU diff does), which
        // keeps unrelated texts cheap without changing the result.
        var inA = new bool[ids.Count];
        var inB = new bool[ids.Count];
        foreach (int id in a) inA[id] = true;
        foreach (int id in b) inB[id] = true;
        var keptA = Enumerable.Range(0, a.Length).Where(i => inB[a[i]]).ToArray();
        var keptB = Enumerable.Range(0, b.Length).Where(j => inA[b[j]]).ToArray();
        var removedKept = new bool[keptA.Length];
        var addedKept = new bool[keptB.Length];
        new Myers(keptA.Select(i => a[i]).ToArray(), keptB.Select(j => b[j]).ToArray(), removedKept, addedKept).Diff(0, keptA.Length, 0, keptB.Length);
        for (int i = 0; i < a.Length; i++) removed[i] = !inB[a[i]];
        for (int j = 0; j < b.Length; j++) added[j] = !inA[b[j]];
        for (int i = 0; i < keptA.Length; i++) removed[keptA[i]] = removedKept[i];
        for (int j = 0; j < keptB.Length; j++) added[keptB[j]] = addedKept[j];
        return (removed, added);
    }

    /// <summary>The hunks turning <paramref name="oldText"/> into <paramref name="newText"/>; empty when they are equal under the key.</summary>
    public static IReadOnlyList<DiffHunk> Hunks(string oldText, string newText, int context = DefaultContext, Func<int, string, string>? oldKey = null, Func<int, string, string>? newKey = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(context);
        var a = SplitLines(oldText, out bool aTerminated);
        var b = SplitLines(newText, out bool bTerminated);
        // A last line without "\n" differs from the same text with it: compare it as such.
        string Key(IReadOnlyList<string> lines, bool terminated, Func<int, string, string>? k, int i, string line)
        {
            string value = k is null ? line : k(i, line);
            return !terminated && i == lines.Count - 1 ? value + "\n\\ No newline at end of file" : value;
        }
        var (removed, added) = Compare(a, b, (i, l) => Key(a, aTerminated, oldKey, i, l), (i, l) => Key(b, bTerminated, newKey, i, l));

        // The full script: every line with its kind and its position in each text.
        var script = new List<(DiffLineKind Kind, int Old, int New)>();
        int x = 0, y = 0;
        while (x < a.Count || y < b.Count)
        {
            if (x < a.Count && removed[x]) script.Add((DiffLineKind.Removed, x++, y));
            else if (y < b.Count && added[y]) script.Add((DiffLineKind.Added, x, y++));
            else script.Add((DiffLineKind.Same, x++, y++));
        }

        var hunks = new List<DiffHunk>();
        int index = 0;
        while (index < script.Count)
        {
            int firstChange = script.FindIndex(index, s => s.Kind != DiffLineKind.Same);
            if (firstChange < 0) break;
            int start = Math.Max(index, firstChange - context);
            // Changes at most 2 × context unchanged lines apart share a hunk (as in GNU diff).
            int lastChange = firstChange;
            for (int i = firstChange + 1; i < script.Count && i - lastChange <= 2 * context + 1; i++)
            {
                if (script[i].Kind != DiffLineKind.Same) lastChange = i;
            }
            int end = Math.Min(script.Count, lastChange + context + 1);

            var lines = new List<DiffLine>();
            int oldCount = 0, newCount = 0;
            for (int i = start; i < end; i++)
            {
                var (kind, o, n) = script[i];
                // A context line is shown as the new text has it (equal under the key, not always
                // in every character: a header line's hash, say).
                lines.Add(kind == DiffLineKind.Removed
                    ? new DiffLine(kind, a[o], !aTerminated && o == a.Count - 1)
                    : new DiffLine(kind, b[n], !bTerminated && n == b.Count - 1));
                if (kind != DiffLineKind.Added) oldCount++;
                if (kind != DiffLineKind.Removed) newCount++;
            }
            int oldStart = script[start].Old + (oldCount == 0 ? 0 : 1);
            int newStart = script[start].New + (newCount == 0 ? 0 : 1);
            hunks.Add(new DiffHunk(oldStart, oldCount, newStart, newCount, lines));
            index = end;
        }
        return hunks;
    }

    /// <summary>The hunks as unified-diff text (without the ---/+++ lines).</summary>
    public static string FormatHunks(IEnumerable<DiffHunk> hunks)
    {
        var text = new StringBuilder();
        foreach (var hunk in hunks)
        {
            text.Append(hunk.Header).Append('\n');
            foreach (var line in hunk.Lines)
            {
                text.Append(line.Kind switch { DiffLineKind.Removed => '-', DiffLineKind.Added => '+', _ => ' ' }).Append(line.Text).Append('\n');
                if (line.NoNewline) text.Append("\\ No newline at end of file\n");
            }
        }
        return text.ToString();
    }

    /// <summary>A complete unified diff with "--- oldLabel" and "+++ newLabel"; empty when the texts are equal.</summary>
    public static string Unified(string oldText, string newText, string oldLabel, string newLabel, int context = DefaultContext)
    {
        var hunks = Hunks(oldText, newText, context);
        return hunks.Count == 0 ? string.Empty : $"--- {oldLabel}\n+++ {newLabel}\n{FormatHunks(hunks)}";
    }

    // ── generated configurations ──

    private static readonly string[] VolatileHeaderFields = [$"Generated by {ToolInfo.Name} ", "policy: ", "sha256: "];

    /// <summary>The number of lines of the leading comment block, the header (which ends at the first empty line).</summary>
    public static int HeaderLength(IReadOnlyList<string> lines)
    {
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Length == 0) return i;
        }
        return lines.Count;
    }

    /// <summary>
    /// True for a header line that names the compiler version, the policy file or its content
    /// hash, written as "MARKER Generated by mpolc …", "MARKER policy: …" or "MARKER sha256: …".
    /// They change with every edit or build and say nothing about the configuration itself.
    /// (Only lines within <see cref="HeaderLength"/> are header lines.)
    /// </summary>
    public static bool IsVolatileHeaderLine(string line) => VolatileField(line) is not null;

    private static string? VolatileField(string line)
    {
        int space = line.IndexOf(' ');
        if (space <= 0) return null;
        string field = line[(space + 1)..];
        return VolatileHeaderFields.FirstOrDefault(f => field.StartsWith(f, StringComparison.Ordinal)) is { } name ? line[..space] + " " + name : null;
    }

    /// <summary>
    /// The diff of one generated file, with the volatile header lines compared as equal (so
    /// only real changes show, yet line numbers stay those of the files). Null text means the
    /// file is not produced on that side. When the policy paths are given, a source location
    /// citing the policy file ("(PATH:LINE)" or "(PATH:LINE:COLUMN)", as UNSUPPORTED markers,
    /// notes and the agent table's rendering write it) compares
    /// equal whatever the path and line: moving a statement, or comparing two differently named
    /// files, is not a change of the configuration.
    /// </summary>
    public static FileDiff CompareFile(string device, string fileName, string? oldText, string? newText, int context = DefaultContext,
        string? oldPolicy = null, string? newPolicy = null)
    {
        if (oldText is null && newText is null) throw new ArgumentException("at least one side must exist");
        var change = oldText is null ? FileChange.Added : newText is null ? FileChange.Removed : FileChange.Changed;
        var oldLines = SplitLines(oldText ?? "", out _);
        var newLines = SplitLines(newText ?? "", out _);
        var oldLocation = LocationPattern(oldPolicy);
        var newLocation = LocationPattern(newPolicy);
        int oldHeader = HeaderLength(oldLines), newHeader = HeaderLength(newLines);
        string Key(int header, Regex? location, int i, string line)
        {
            // A volatile header line is equal across the two sides whatever its value: only the
            // marker and the field name are compared.
            if (i < header && VolatileField(line) is { } field) return "\0" + field;
            return location is null ? line : location.Replace(line, "(\0policy)");
        }
        var hunks = Hunks(oldText ?? "", newText ?? "", context, (i, l) => Key(oldHeader, oldLocation, i, l), (i, l) => Key(newHeader, newLocation, i, l));
        if (change == FileChange.Changed && hunks.Count == 0) change = FileChange.Unchanged;
        return new FileDiff(device, fileName, change, hunks);
    }

    // The path as given, or as the agent table cites it: relative to the policy's own folder (its file name).
    private static Regex? LocationPattern(string? policy) =>
        policy is null ? null : new Regex(@"\((?:" + Regex.Escape(policy) + "|" + Regex.Escape(Path.GetFileName(policy)) + @"):\d+(?::\d+)?\)", RegexOptions.CultureInvariant);

    /// <summary>
    /// The per-file differences between two compilations: every file either side produced, keyed
    /// by device and file name, in the new compilation's order followed by files only the old one
    /// produced (in its order). Unchanged files are included with <see cref="FileChange.Unchanged"/>.
    /// The policy paths, when given, make source locations compare equal (see <see cref="CompareFile"/>).
    /// </summary>
    public static IReadOnlyList<FileDiff> CompareFiles(IReadOnlyList<EmittedFile> oldFiles, IReadOnlyList<EmittedFile> newFiles, int context = DefaultContext,
        string? oldPolicy = null, string? newPolicy = null)
    {
        var oldByPath = new Dictionary<string, EmittedFile>(StringComparer.Ordinal);
        foreach (var file in oldFiles) oldByPath.TryAdd(file.RelativePath, file);
        var newPaths = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<FileDiff>();
        foreach (var file in newFiles)
        {
            if (!newPaths.Add(file.RelativePath)) continue;
            oldByPath.TryGetValue(file.RelativePath, out var old);
            result.Add(CompareFile(file.Device, file.FileName, old?.Content, file.Content, context, oldPolicy, newPolicy));
        }
        foreach (var file in oldFiles)
        {
            if (newPaths.Add(file.RelativePath)) result.Add(CompareFile(file.Device, file.FileName, file.Content, null, context, oldPolicy, newPolicy));
        }
        return result;
    }

    /// <summary>
    /// Myers' algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986, section 4b):
    /// find the middle snake of a shortest edit path by searching forward and backward at once,
    /// then solve the two halves. Marks removed and added lines; memory is linear.
    /// </summary>
    private sealed class Myers(int[] a, int[] b, bool[] removed, bool[] added)
    {
        public void Diff(int aLo, int aHi, int bLo, int bHi)
        {
            // Common prefix and suffix are never part of the script.
            while (aLo < aHi && bLo < bHi && a[aLo] == b[bLo])
            {
                aLo++;
                bLo++;
            }
            while (aLo < aHi && bLo < bHi && a[aHi - 1] == b[bHi - 1])
            {
                aHi--;
                bHi--;
            }
            if (aLo == aHi)
            {
                for (int j = bLo; j < bHi; j++) added[j] = true;
                return;
            }
            if (bLo == bHi)
            {
                for (int i = aLo; i < aHi; i++) removed[i] = true;
                return;
            }
            var (x, y) = MiddleSnake(aLo, aHi, bLo, bHi);
            if ((x == aLo && y == bLo) || (x == aHi && y == bHi))
            {
                // Cannot happen for trimmed, non-empty ranges; never recurse on the same problem.
                for (int i = aLo; i < aHi; i++) removed[i] = true;
                for (int j = bLo; j < bHi; j++) added[j] = true;
                return;
            }
            Diff(aLo, x, bLo, y);
            Diff(x, aHi, y, bHi);
        }

        /// <summary>
        /// A point (x, y) on a shortest edit path from (aLo, bLo) to (aHi, bHi), where the forward
        /// and the backward furthest-reaching paths meet (split as GNU diff does).
        /// </summary>
        private (int X, int Y) MiddleSnake(int aLo, int aHi, int bLo, int bHi)
        {
            int n = aHi - aLo, m = bHi - bLo;
            int maxD = (n + m + 1) / 2;
            int offset = maxD + 1;
            // forward[k]: furthest x on diagonal k = x - y after d edits from the start; backward[k]:
            // the same from the end, in reversed coordinates (x' = n - x, y' = m - y). -1: none.
            var forward = new int[2 * maxD + 3];
            var backward = new int[2 * maxD + 3];
            int delta = n - m;
            bool odd = (delta & 1) != 0;
            for (int d = 0; d <= maxD; d++)
            {
                for (int k = -d; k <= d; k += 2)
                {
                    int x = Step(forward, offset, d, k, n, m);
                    if (x < 0) continue;
                    int y = x - k;
                    while (x < n && y < m && a[aLo + x] == b[bLo + y])
                    {
                        x++;
                        y++;
                    }
                    forward[offset + k] = x;
                    // The backward path on the same diagonal (reversed diagonal delta - k), from step d - 1.
                    int bk = delta - k;
                    if (odd && bk >= -(d - 1) && bk <= d - 1)
                    {
                        int bx = backward[offset + bk];
                        if (bx >= 0 && x + bx >= n) return (aLo + x, bLo + y);
                    }
                }
                for (int k = -d; k <= d; k += 2)
                {
                    int x = Step(backward, offset, d, k, n, m);
                    if (x < 0) continue;
                    int y = x - k;
                    while (x < n && y < m && a[aHi - 1 - x] == b[bHi - 1 - y])
                    {
                        x++;
                        y++;
                    }
                    backward[offset + k] = x;
                    int fk = delta - k;
                    if (!odd && fk >= -d && fk <= d)
                    {
                        int fx = forward[offset + fk];
                        if (fx >= 0 && fx + x >= n) return (aLo + n - x, bLo + m - y);
                    }
                }
            }
            // Not reached: a path of length n + m always exists.
            return (aLo, bLo);
        }

        /// <summary>
        /// The furthest x on diagonal k after d edits, before following the snake: one step down
        /// from diagonal k + 1 or right from k - 1, whichever reaches further and stays inside
        /// the n × m grid; -1 when neither does.
        /// </summary>
        private static int Step(int[] v, int offset, int d, int k, int n, int m)
        {
            if (d == 0)
            {
                v[offset + k] = 0;
                return 0;
            }
            int best = -1;
            if (k < d && v[offset + k + 1] >= 0 && v[offset + k + 1] - k <= m) best = v[offset + k + 1];
            if (k > -d && v[offset + k - 1] >= 0 && v[offset + k - 1] + 1 <= n) best = Math.Max(best, v[offset + k - 1] + 1);
            v[offset + k] = best;
            return best;
        }
    }
}
