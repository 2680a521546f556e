using PolicyKit.Compiler.Emit;
using static PolicyKit.Compiler.Tests.Fidelity.FidelityCompile;

namespace PolicyKit.Compiler.Tests.Convergence;

/// <summary>
/// Issue 16: an inserted entry used to renumber every numbered line after it (seq 5, 10, 15, …),
/// so re-applying the new file collided with the old lines. Now inserting one prefix changes one
/// numbered line per list that holds it, on every platform that numbers lines.
/// </summary>
public sealed class SequenceNumberTests
{
    // v1 → v2: one source prefix and one BGP prefix inserted in the middle of their lists.
    private const string V1 = """
        sources s { 10.1.0.0/16; 10.3.0.0/16; 10.5.0.0/16; 10.7.0.0/16; 10.9.0.0/16; }
        prefixes p { 198.18.0.0/24; 198.18.2.0/24; 198.18.4.0/24; 198.18.6.0/24; }
        filter cust { permit prefixes p; }
        device r platform PLATFORM {
            rp { address 192.0.2.1 groups 239.192.0.0/16; accept-register sources s; }
            bgp as 64500 { neighbor 192.0.2.9 as 64501 { max-prefix 10; prefix-filter in cust; } }
        }
        """;

    private static string V2 => V1
        .Replace("10.5.0.0/16;", "10.4.0.0/16; 10.5.0.0/16;", StringComparison.Ordinal)
        .Replace("198.18.4.0/24;", "198.18.3.0/24; 198.18.4.0/24;", StringComparison.Ordinal);

    [Theory]
    [InlineData("ios-xe", "ios-xe")]
    [InlineData("ios-xr", "ios-xr")]
    [InlineData("frr", "frr")]
    public void Inserting_one_prefix_changes_one_numbered_line_per_list(string platform, string target)
    {
        var before = Numbered(OutputOf(V1.Replace("PLATFORM", platform, StringComparison.Ordinal), target));
        var after = Numbered(OutputOf(V2.Replace("PLATFORM", platform, StringComparison.Ordinal), target));
        Assert.True(before.Count >= 9, $"expected numbered lines in the {target} output, got:\n{string.Join('\n', before)}");
        var removed = before.Except(after).ToList();
        var added = after.Except(before).ToList();
        // Nothing kept is renumbered; only the inserted entries are new: the source in the
        // accept-register list, the prefix in the BGP prefix list (XR: a prefix-set, unnumbered).
        string change = $"removed:\n{string.Join('\n', removed)}\nadded:\n{string.Join('\n', added)}";
        Assert.True(removed.Count == 0 && added.Count is 1 or 2, change);
        Assert.Contains(added, l => l.Contains("10.4.0.0", StringComparison.Ordinal));
    }

    [Fact]
    public void Same_action_runs_keep_their_numbers_and_a_list_too_long_for_bands_falls_back_to_plain_steps()
    {
        var v1 = SequenceNumbers.Assign(["deny 10.0.0.0/8", "permit 192.0.2.0/24", "permit 198.51.100.0/24"], 4_294_967_295, 5);
        var v2 = SequenceNumbers.Assign(["deny 10.0.0.0/8", "permit 192.0.2.0/24", "permit 192.0.3.0/24", "permit 198.51.100.0/24"], 4_294_967_295, 5);
        Assert.Empty(v1.Except(v2));
                // Numbers ascend in the order written, and the deny stays ahead of the permits.
        Assert.Equal(v2.OrderBy(x => x.Sequence).ToList(), v2);
        Assert.StartsWith("deny", v2[0].Entry, StringComparison.Ordinal);
        // More runs than the platform's largest number allows: plain steps, order kept.
        var alternating = Enumerable.Range(0, 6).Select(i => i % 2 == 0 ? $"deny 10.{i}.0.0/16" : $"permit 10.{i}.0.0/16").ToList();
        var plain = SequenceNumbers.Assign(alternating, 5_000_000, 10);
        Assert.Equal(alternating.Select((e, i) => ((long)(i + 1) * 10, e)), plain);
    }

    /// <summary>The numbered lines of an output (ACL entries, prefix-list lines), trimmed.</summary>
    private static List<string> Numbered(string output) => output.Split('\n').Select(l => l.Trim())
        .Where(l => l.Length > 0 && (char.IsAsciiDigit(l[0]) || l.StartsWith("sequence ", StringComparison.Ordinal) || l.Contains(" seq ", StringComparison.Ordinal)))
        .ToList();
}
