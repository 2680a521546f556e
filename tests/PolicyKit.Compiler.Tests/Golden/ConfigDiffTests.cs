using PolicyKit.Compiler.Emit;

namespace PolicyKit.Compiler.Tests.Golden;

/// <summary>
/// The line diff behind <c>mpolc diff</c> and the golden-file failure messages: a shortest edit
/// script, and hunks exactly as GNU <c>diff -u</c> writes them.
/// </summary>
public sealed class ConfigDiffTests
{
    private static string Lines(params string[] lines) => string.Concat(lines.Select(l => l + "\n"));

    private static string Numbers(int count) => Lines(Enumerable.Range(1, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());

    [Fact]
    public void Equal_texts_have_no_hunks()
    {
        Assert.Empty(ConfigDiff.Hunks(Numbers(20), Numbers(20)));
        Assert.Equal("", ConfigDiff.Unified(Numbers(20), Numbers(20), "a", "b"));
        Assert.Equal("", ConfigDiff.Unified("", "", "a", "b"));
    }

    [Fact]
    public void Nearby_changes_share_a_hunk_as_in_gnu_diff()
    {
        // 3 → X and 10 → Y: six unchanged lines apart, which two contexts of three cover (diff -u gives one hunk).
        string changed = Numbers(20).Replace("\n3\n", "\nX\n", StringComparison.Ordinal).Replace("\n10\n", "\nY\n", StringComparison.Ordinal);
        Assert.Equal(
            "--- a\n+++ b\n@@ -1,13 +1,13 @@\n 1\n 2\n-3\n+X\n 4\n 5\n 6\n 7\n 8\n 9\n-10\n+Y\n 11\n 12\n 13\n",
            ConfigDiff.Unified(Numbers(20), changed, "a", "b"));
    }

    [Fact]
    public void Distant_changes_get_hunks_of_their_own()
    {
        // 3 → X and 11 → Y: seven lines apart (diff -u: @@ -1,6 +1,6 @@ and @@ -8,7 +8,7 @@).
        string changed = Numbers(20).Replace("\n3\n", "\nX\n", StringComparison.Ordinal).Replace("\n11\n", "\nY\n", StringComparison.Ordinal);
        var hunks = ConfigDiff.Hunks(Numbers(20), changed);
        Assert.Equal(["@@ -1,6 +1,6 @@", "@@ -8,7 +8,7 @@"], hunks.Select(h => h.Header));
    }

    [Fact]
    public void Zero_context_writes_single_line_ranges_without_a_count()
    {
        string changed = Numbers(20).Replace("\n3\n", "\nX\n", StringComparison.Ordinal).Replace("\n10\n", "\nY\n", StringComparison.Ordinal);
        Assert.Equal("@@ -3 +3 @@\n-3\n+X\n@@ -10 +10 @@\n-10\n+Y\n", ConfigDiff.FormatHunks(ConfigDiff.Hunks(Numbers(20), changed, context: 0)));
    }

    [Fact]
    public void Insertions_and_deletions_at_the_ends_use_zero_ranges()
    {
        Assert.Equal("@@ -0,0 +1 @@\n+x\n", ConfigDiff.FormatHunks(ConfigDiff.Hunks("", "x\n")));
        Assert.Equal("@@ -1 +0,0 @@\n-x\n", ConfigDiff.FormatHunks(ConfigDiff.Hunks("x\n", "")));
        Assert.Equal("@@ -2,0 +3 @@\n+c\n", ConfigDiff.FormatHunks(ConfigDiff.Hunks(Lines("a", "b"), Lines("a", "b", "c"), context: 0)));
        Assert.Equal("@@ -0,0 +1 @@\n+z\n", ConfigDiff.FormatHunks(ConfigDiff.Hunks(Lines("a", "b"), Lines("z", "a", "b"), context: 0)));
    }

    [Fact]
    public void A_missing_final_newline_is_shown_as_diff_does()
    {
        Assert.Equal("@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n",
            ConfigDiff.FormatHunks(ConfigDiff.Hunks("a\nb", "a\nc")));
        // Only the newline differs: still a change.
        Assert.Equal("@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
            ConfigDiff.FormatHunks(ConfigDiff.Hunks("a\nb", "a\nb\n")));
    }

    [Fact]
    public void The_edit_script_is_a_shortest_one()
    {
        // Against the textbook LCS table on many small random cases, over a small alphabet so
        // lines repeat (the hard case for a diff).
        var random = new Random(20261123);
        for (int round = 0; round < 2000; round++)
        {
            var a = RandomLines(random, random.Next(0, 14));
            var b = random.Next(3) == 0 ? Mutate(random, a) : RandomLines(random, random.Next(0, 14));
            var (removed, added) = ConfigDiff.Compare(a, b);

            // What neither side marks is the same sequence on both sides …
            var keptA = a.Where((_, i) => !removed[i]).ToList();
            var keptB = b.Where((_, i) => !added[i]).ToList();
            Assert.Equal(keptA, keptB);
            // … and as long as possible.
            Assert.True(keptA.Count == Lcs(a, b), $"round {round}: [{string.Join(",", a)}] → [{string.Join(",", b)}] kept {keptA.Count}, LCS {Lcs(a, b)}");
        }
    }

    [Fact]
    public void Large_inputs_are_diffed_without_a_quadratic_table()
    {
        // 20 000-line texts (a quadratic table would need 400 million cells): unrelated …
        var a = Enumerable.Range(0, 20000).Select(i => $"a{i}").ToList();
        var b = Enumerable.Range(0, 20000).Select(i => $"b{i}").ToList();
        var (removed, added) = ConfigDiff.Compare(a, b);
        Assert.All(removed, Assert.True);
        Assert.All(added, Assert.True);

        // … and alike but for 40 scattered edits, with many repeated lines ("!", " exit").
        var config = Enumerable.Range(0, 20000).Select(i => (i % 4) switch { 0 => "!", 1 => " exit", _ => $"line {i}" }).ToList();
        var edited = new List<string>(config);
        for (int k = 0; k < 20; k++) edited[k * 997 + 2] = $"changed {k}";
        for (int k = 19; k >= 0; k--) edited.Insert(k * 991 + 3, $"inserted {k}");
        var (r, d) = ConfigDiff.Compare(config, edited);
        Assert.Equal(20, r.Count(x => x));
        Assert.Equal(40, d.Count(x => x));
    }

    [Fact]
    public void Volatile_header_lines_compare_equal_but_markers_do_not()
    {
        const string old = "! Generated by mpolc 0.1.0+aaaa (PolicyKit) — do not edit\n! policy: old.mpol\n! sha256: 1111\n! device: r1  target: ios-xe\n\nip multicast route-limit 100\n";
        const string same = "! Generated by mpolc 0.2.0+bbbb (PolicyKit) — do not edit\n! policy: new.mpol\n! sha256: 2222\n! device: r1  target: ios-xe\n\nip multicast route-limit 100\n";
        Assert.Equal(FileChange.Unchanged, ConfigDiff.CompareFile("r1", "ios-xe.cfg", old, same).Change);

        // An UNSUPPORTED marker, the device line and the body are real changes.
        string marker = same.Replace("target: ios-xe\n", "target: ios-xe\n!\n! UNSUPPORTED on ios-xe: bmp over tls (p.mpol:9): plain TCP only\n", StringComparison.Ordinal);
        var diff = ConfigDiff.CompareFile("r1", "ios-xe.cfg", old, marker);
        Assert.Equal(FileChange.Changed, diff.Change);
        Assert.Contains(diff.Hunks.SelectMany(h => h.Lines), l => l.Kind == DiffLineKind.Added && l.Text.Contains("UNSUPPORTED", StringComparison.Ordinal));
        Assert.DoesNotContain(diff.Hunks.SelectMany(h => h.Lines), l => l.Kind != DiffLineKind.Same && l.Text.Contains("sha256", StringComparison.Ordinal));

        // The same words below the header are ordinary lines.
        string body = same.Replace("route-limit 100\n", "route-limit 100\n! policy: x\n", StringComparison.Ordinal);
        Assert.Equal(FileChange.Changed, ConfigDiff.CompareFile("r1", "ios-xe.cfg", old, body).Change);
    }

    [Fact]
    public void Policy_locations_compare_equal_when_the_policy_paths_are_given()
    {
        const string header = "! device: r1  target: ios-xe\n!\n";
        string old = header + "! UNSUPPORTED on ios-xe: bmp over tls (a/old.mpol:9): plain TCP only\n\nend\n";
        string moved = header + "! UNSUPPORTED on ios-xe: bmp over tls (b/new.mpol:12): plain TCP only\n\nend\n";
        Assert.Equal(FileChange.Unchanged, ConfigDiff.CompareFile("r1", "ios-xe.cfg", old, moved, oldPolicy: "a/old.mpol", newPolicy: "b/new.mpol").Change);
        // Without the paths the location is ordinary text; and other files' locations always are.
        Assert.Equal(FileChange.Changed, ConfigDiff.CompareFile("r1", "ios-xe.cfg", old, moved).Change);
        string included = moved.Replace("(b/new.mpol:12)", "(std/bogons.mpol:12)", StringComparison.Ordinal);
        Assert.Equal(FileChange.Changed, ConfigDiff.CompareFile("r1", "ios-xe.cfg", old, included, oldPolicy: "a/old.mpol", newPolicy: "b/new.mpol").Change);
    }

    [Fact]
    public void Files_are_paired_by_device_and_file_name()
    {
        EmittedFile File(string device, string content) => new(device, "ios-xe", "ios-xe.cfg", content, false);
        var diffs = ConfigDiff.CompareFiles(
            [File("r1", "a\n"), File("r2", "b\n"), File("gone", "x\n")],
            [File("r2", "b\n"), File("r1", "a2\n"), File("new", "y\n")]);
        Assert.Equal(
            [("r2", FileChange.Unchanged), ("r1", FileChange.Changed), ("new", FileChange.Added), ("gone", FileChange.Removed)],
            diffs.Select(d => (d.Device, d.Change)));
        Assert.Equal("@@ -0,0 +1 @@\n+y\n", ConfigDiff.FormatHunks(diffs[2].Hunks));
        Assert.Equal("@@ -1 +0,0 @@\n-x\n", ConfigDiff.FormatHunks(diffs[3].Hunks));
    }

    private static List<string> RandomLines(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => ((char)('a' + random.Next(4))).ToString()).ToList();

    private static List<string> Mutate(Random random, List<string> lines)
    {
        var result = new List<string>(lines);
        for (int i = random.Next(1, 4); i > 0; i--)
        {
            int at = random.Next(result.Count + 1);
            if (random.Next(2) == 0 && at < result.Count) result.RemoveAt(at);
            else result.Insert(at, ((char)('a' + random.Next(5))).ToString());
        }
        return result;
    }

    private static int Lcs(List<string> a, List<string> b)
    {
        var table = new int[a.Count + 1, b.Count + 1];
        for (int i = a.Count - 1; i >= 0; i--)
        for (int j = b.Count - 1; j >= 0; j--)
        {
            table[i, j] = a[i] == b[j] ? table[i + 1, j + 1] + 1 : Math.Max(table[i + 1, j], table[i, j + 1]);
        }
        return table[0, 0];
    }
}
