namespace PolicyKit.Compiler.Plan;

/// <summary>
/// What moves a device's running configuration to the compiled one, touching only what PolicyKit
/// owns (names starting with PK-) and adding the statements the policy asks for:
/// <list type="bullet">
/// <item>statements of the compiled file the router lacks are added (in the file's order, inside
///   their blocks);</item>
/// <item>owned objects are replaced as each platform does it without a gap (docs/targets.md,
///   "Re-applying"): IOS XR ACLs, prefix-sets and route-policies and Junos objects as a whole in the
///   commit; IOS-XE and FRR lists entry by entry, new entries first, by their stable numbers;</item>
/// <item>owned statements the policy no longer has are removed (<c>no …</c>, Junos <c>delete …</c>),
///   after the additions — unless an added statement of the same form already replaced them;</item>
/// <item>a compiled statement that would replace the site's own object in a setting (an interface's
///   ACL, the loopback filter) is a conflict, reported instead of applied — unless the policy names
///   that object in <c>takeover</c>;</item>
/// <item>Junos: a setting the compiled file rewrites whole (<c>delete PATH</c> then its <c>set</c>
///   lines, as the composed loopback filter list) is rewritten whole when the router's differs.</item>
/// </list>
/// Statements of the site that name nothing owned are never removed.
/// </summary>
public static class DeploymentPlan
{
    /// <summary>The result: commands in order, and the conflicts (running statement, compiled statement that would replace it).</summary>
    public sealed record Result(IReadOnlyList<string> Commands, IReadOnlyList<(ConfigLine Running, ConfigLine Compiled)> Conflicts)
    {
        public bool HasChanges => Commands.Count > 0;
    }

    /// <summary>Platforms a plan is made for.</summary>
    public static readonly IReadOnlySet<string> Platforms = new HashSet<string>(StringComparer.Ordinal) { "ios-xe", "ios-xr", "junos", "frr" };

    // Statements that define a (possibly owned) object: a site object of the same form is another object, not a conflict.
    private static readonly string[] Definitions =
    [
        "ip prefix-list ", "ipv6 prefix-list ", "ip access-list ", "ipv6 access-list ", "ipv4 access-list ", "route-map ",
        "prefix-set ", "route-policy ", "key chain ", "keychain ", "bgp community-list ", "bgp as-path ", "ip as-path ",
        "set policy-options ", "set firewall ", "class-map ", "policy-map ", "set security authentication-key-chains key-chain ",
        "ip community-list ", "crypto ipsec transform-set ", "crypto ipsec profile ", "crypto gdoi group ",
    ];

    // IOS XR objects that are replaced as a whole in the commit.
    private static readonly string[] XrWholeObjects = ["ipv4 access-list ", "ipv6 access-list ", "prefix-set ", "route-policy "];

    // The Junos object kinds PolicyKit defines (JunosBook).
    private static readonly string[] JunosKinds =
    [
        "policy-options prefix-list", "policy-options damping", "policy-options policy-statement",
        "firewall policer", "firewall family inet filter", "firewall family inet6 filter",
    ];

    /// <summary>A site object the policy lets PolicyKit's replace (<c>takeover</c>): on one interface, or anywhere on the device when <see cref="Interface"/> is null.</summary>
    public sealed record Takeover(string Name, string? Interface);

    /// <param name="takenOver">The site objects the policy lets PolicyKit's replace.</param>
    public static Result Make(string platform, string running, string compiled, IReadOnlyCollection<Takeover>? takenOver = null)
    {
        if (!Platforms.Contains(platform)) throw new ArgumentException($"no plan for platform '{platform}'", nameof(platform));
        string comment = platform == "junos" ? "#" : "!";
        var have = ConfigLine.Parse(running, comment);
        var lines = ConfigLine.Parse(compiled, comment);
        var want = lines.Where(l => !l.Text.StartsWith("delete ", StringComparison.Ordinal) && !l.Text.StartsWith("no ", StringComparison.Ordinal)).ToList();
        var asPathLists = platform == "ios-xe" ? OwnedAsPathLists(have, want) : [];
        var conflicts = Conflicts(have, want, takenOver ?? []);
        conflicts.AddRange(AsPathConflicts(have, want, asPathLists));
        var commands = platform == "junos" ? Junos(have, want, WholeSettings(lines)) : Blocks(platform, have, want, asPathLists);
        return new Result(commands, conflicts);
    }

    /// <summary>
    /// The statements of a compiled file that bind a PolicyKit object in a place of the router
    /// (an interface's ACL, a neighbor's prefix-list, the control plane's service-policy): not a
    /// definition, not inside an owned object, naming one. These are the places where the router
    /// may hold an object of its own, and where <see cref="Make"/> looks for conflicts (MP4030).
    /// </summary>
    public static IReadOnlyList<ConfigLine> Bindings(string platform, string compiled) => Bindings(platform, Emit.ConfigText.Of(compiled));

    /// <inheritdoc cref="Bindings(string, string)"/>
    /// <remarks>Definitions kept as deferred lines are not read: they bind nothing (<see cref="Emit.DeferredLines"/>).</remarks>
    public static IReadOnlyList<ConfigLine> Bindings(string platform, Emit.ConfigText compiled)
    {
        if (!Platforms.Contains(platform)) throw new ArgumentException($"no plan for platform '{platform}'", nameof(platform));
        return ConfigLine.Parse(compiled.Decoded(withDeferred: false), platform == "junos" ? "#" : "!", MayBind)
            .Where(IsBinding)
            .ToList();
    }

    /// <summary>
    /// What <see cref="IsBinding"/> could accept, told from the text alone: a statement naming a
    /// PK- object that is neither a removal nor a definition at the top level. Most of a compiled
    /// file fails this (entries and terms of owned objects), so it is never made into a ConfigLine.
    /// </summary>
    private static bool MayBind(ReadOnlySpan<char> statement, int indent)
    {
        if (!statement.Contains(ConfigLine.OwnedPrefix, StringComparison.Ordinal)) return false;
        if (statement.StartsWith("delete ", StringComparison.Ordinal) || statement.StartsWith("no ", StringComparison.Ordinal)) return false;
        if (indent > 0) return true;
        foreach (var definition in Definitions)
        {
            if (statement.StartsWith(definition, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    /// <summary>The running statement stands on the interface (its block; Junos: its set path), or the takeover is device-wide.</summary>
    internal static bool InScope(ConfigLine running, string? iface)
    {
        if (iface is null) return true;
        if (running.Context.Count > 0 && running.Context[0] == "interface " + iface) return true;
        // Junos names the interface ge-0/0/1 in the set path and its unit apart (ge-0/0/1.0 in the policy).
        int dot = iface.IndexOf('.');
        return running.Text.StartsWith($"set interfaces {(dot < 0 ? iface : iface[..dot])} ", StringComparison.Ordinal);
    }

    // ── IOS-XE numbered AS-path lists ──

    /// <summary>The number of an <c>ip as-path access-list N …</c> statement, or null.</summary>
    private static string? AsPathList(ConfigLine line) =>
        line.Context.Count == 0 && line.Words is ["ip", "as-path", "access-list", var n, ..] && n.All(char.IsAsciiDigit) ? n : null;

    /// <summary>The statement uses AS-path list <paramref name="number"/> (<c>match as-path N…</c>, <c>neighbor … filter-list N …</c>).</summary>
    private static bool UsesAsPathList(ConfigLine line, string number)
    {
        var w = line.Words;
        if (w is ["match", "as-path", ..]) return w.Skip(2).Contains(number);
        int at = Array.IndexOf(w, "filter-list");
        return w.Length > 0 && w[0] == "neighbor" && at > 0 && at + 1 < w.Length && w[at + 1] == number;
    }

    private static bool InOwnedBlock(ConfigLine line) => line.Context.Any(h => h.Split(' ').Any(ConfigLine.IsOwnedName));

    /// <summary>
    /// IOS-XE names AS-path lists by number, so a PK- name cannot say whose a list is. A number the
    /// compiled file defines is PolicyKit's when the router has no list of that number yet, or when
    /// only PolicyKit's route-maps use it there; a list the site's own statements use, or one the
    /// router has and nothing of PolicyKit's uses, is the site's (writing to it is MP4030).
    /// </summary>
    private static HashSet<string> OwnedAsPathLists(List<ConfigLine> have, List<ConfigLine> want)
    {
        var owned = new HashSet<string>(StringComparer.Ordinal);
        var numbers = want.Concat(have).Select(AsPathList).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var n in numbers)
        {
            var uses = have.Where(l => UsesAsPathList(l, n)).ToList();
            if (uses.Any(l => !InOwnedBlock(l))) continue;
            if (uses.Count > 0 || !have.Any(l => AsPathList(l) == n)) owned.Add(n);
        }
        return owned;
    }

    /// <summary>A compiled AS-path entry that would go into a list of the site: a conflict with the site's first entry of that number.</summary>
    private static IEnumerable<(ConfigLine, ConfigLine)> AsPathConflicts(List<ConfigLine> have, List<ConfigLine> want, HashSet<string> owned)
    {
        foreach (var group in want.Where(l => AsPathList(l) is { } n && !owned.Contains(n)).GroupBy(l => AsPathList(l)!))
        {
            if (have.FirstOrDefault(l => AsPathList(l) == group.Key) is { } site) yield return (site, group.First());
        }
    }

    /// <summary>Junos settings the compiled file deletes and writes again whole (not an owned object: those are <see cref="JunosObject"/>'s).</summary>
    private static List<string> WholeSettings(List<ConfigLine> compiled) => compiled
        .Where(l => l.Text.StartsWith("delete ", StringComparison.Ordinal) && !JunosKinds.Any(k => l.Text.StartsWith($"delete {k} ", StringComparison.Ordinal)))
        .Select(l => "set " + l.Text["delete ".Length..]).ToList();

    private static bool IsDefinition(ConfigLine line) =>
        (line.Context.Count == 0 || line.Context is ["tcp ao"]) && Definitions.Any(d => line.Text.StartsWith(d, StringComparison.Ordinal));

    /// <summary>
    /// A statement that puts an owned object in a place of the router: it names one, defines
    /// none, and stands in no owned object — an IOS block headed by a PK- name, or a Junos path
    /// that goes on past a PK- name (<c>protocols bgp group PK-… neighbor …</c>: the group is PolicyKit's).
    /// </summary>
    private static bool IsBinding(ConfigLine line) =>
        line.NamesOwned && !IsDefinition(line) && !InOwnedBlock(line) &&
        !(line.Text.StartsWith("set ", StringComparison.Ordinal) && line.Words[..^1].Any(ConfigLine.IsOwnedName));

    /// <summary>Same statement but for owned names: the compiled one would replace the running one.</summary>
    private static bool SameForm(ConfigLine a, ConfigLine b, bool requireSiteName)
    {
        if (!a.Context.SequenceEqual(b.Context)) return false;
        var x = a.Words;
        var y = b.Words;
        if (x.Length != y.Length) return false;
        bool differs = false;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] == y[i]) continue;
            if (!ConfigLine.IsOwnedName(x[i])) return false;
            if (requireSiteName && ConfigLine.IsOwnedName(y[i])) return false;
            if (!requireSiteName && !ConfigLine.IsOwnedName(y[i])) return false;
            differs = true;
        }
        return differs;
    }

    private static List<(ConfigLine, ConfigLine)> Conflicts(List<ConfigLine> have, List<ConfigLine> want, IReadOnlyCollection<Takeover> takenOver)
    {
        var conflicts = new List<(ConfigLine, ConfigLine)>();
        var haveKeys = have.Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var c in want.Where(c => IsBinding(c) && !haveKeys.Contains(c.Key)))
        {
            foreach (var r in have.Where(r => !r.NamesOwned && SameForm(c, r, requireSiteName: true)))
            {
                // The site's names the compiled statement would replace; the policy may have taken them over.
                var replaced = r.Words.Where((w, i) => w != c.Words[i]);
                if (!replaced.All(name => takenOver.Any(t => t.Name == name && InScope(r, t.Interface)))) conflicts.Add((r, c));
            }
        }
        return conflicts;
    }

    // ── IOS-XE, IOS XR, FRR: indented blocks ──

    private static List<string> Blocks(string platform, List<ConfigLine> have, List<ConfigLine> want, HashSet<string> asPathLists)
    {
        var haveKeys = have.Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
        var wantKeys = want.Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
        var handled = new HashSet<string>(StringComparer.Ordinal);
        var adds = new List<ConfigLine>();
        var whole = new List<string>();

        // IOS XR: an owned ACL, prefix-set or route-policy that differs is written again as a whole.
        if (platform == "ios-xr")
        {
            foreach (var header in want.Where(l => l.Context.Count == 0 && l.NamesOwned && XrWholeObjects.Any(k => l.Text.StartsWith(k, StringComparison.Ordinal))))
            {
                var wanted = Block(want, header.Text);
                var existing = Block(have, header.Text);
                foreach (var l in wanted) handled.Add(l.Key);
                foreach (var l in existing) handled.Add(l.Key);
                // A route-policy is a program (order counts); an ACL is ordered by its numbers, a prefix-set is a set.
                bool same = header.Text.StartsWith("route-policy ", StringComparison.Ordinal)
                    ? existing.Select(l => l.Key).Distinct().SequenceEqual(wanted.Select(l => l.Key), StringComparer.Ordinal)
                    : existing.Select(l => l.Key).ToHashSet(StringComparer.Ordinal).SetEquals(wanted.Select(l => l.Key));
                if (same) continue;
                bool isAcl = header.Text.Contains("access-list", StringComparison.Ordinal);
                if (isAcl && existing.Count > 0) whole.Add($"no {header.Text}");
                whole.Add(header.Text);
                whole.AddRange(wanted.Skip(1).Select(l => new string(' ', l.Context.Count) + l.Text));
                if (header.Text.StartsWith("prefix-set ", StringComparison.Ordinal)) whole.Add("end-set");
                else if (header.Text.StartsWith("route-policy ", StringComparison.Ordinal)) whole.Add("end-policy");
                else whole.Add("exit");
            }
        }
        foreach (var c in want)
        {
            if (!handled.Contains(c.Key) && !haveKeys.Contains(c.Key)) adds.Add(c);
        }

        var removes = new List<ConfigLine>();
        var removedHeaders = new HashSet<string>(StringComparer.Ordinal);
        var removedNeighbors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in have)
        {
            if (handled.Contains(r.Key) || wantKeys.Contains(r.Key)) continue;
            if (r.Context.Count > 0 && removedHeaders.Contains(r.Context[0])) continue;
            bool inOwned = InOwnedBlock(r) || (AsPathList(r) is { } list && asPathLists.Contains(list));
            if (!r.NamesOwned && !inOwned) continue;
            // A BGP neighbor that carries an owned filter is PolicyKit's: when the policy no longer
            // has it, the neighbor goes as a whole — never left up without its filter.
            if (NeighborOf(r) is { } neighbor && !want.Any(c => Mentions(c, neighbor.Statement)))
            {
                var line = new ConfigLine(neighbor.Context, neighbor.Statement, r.LineNumber);
                if (removedNeighbors.Add(line.Key)) removes.Add(line);
                continue;
            }
            if (!IsDefinition(r) && want.Any(c => SameForm(c, r, requireSiteName: false))) continue;   // an added statement replaced it
            if (r.Context.Count == 0 && have.Any(l => l.Context.Count > 0 && l.Context[0] == r.Text)) removedHeaders.Add(r.Text);
            removes.Add(r);
        }

        var commands = new List<string>();
        commands.AddRange(whole);
        Render(commands, adds, l => l.Text);
        Render(commands, removes, l => Negate(platform, l));
        return commands;
    }

    /// <summary>The neighbor a statement belongs to (<c>neighbor ADDRESS</c>) and the block it is configured in, or null.</summary>
    private static (IReadOnlyList<string> Context, string Statement)? NeighborOf(ConfigLine line)
    {
        for (int i = 0; i < line.Context.Count; i++)
        {
            var words = line.Context[i].Split(' ');
            if (words.Length == 2 && words[0] == "neighbor") return (line.Context.Take(i).ToArray(), line.Context[i]);
        }
        var own = line.Words;
        if (own.Length > 2 && own[0] == "neighbor" && line.Context.Count > 0) return (line.Context.Take(1).ToArray(), $"neighbor {own[1]}");
        return null;
    }

    private static bool Mentions(ConfigLine line, string neighbor) =>
        line.Text == neighbor || line.Text.StartsWith(neighbor + " ", StringComparison.Ordinal) || line.Context.Contains(neighbor);

    private static List<ConfigLine> Block(List<ConfigLine> lines, string header) =>
        lines.Where(l => (l.Context.Count == 0 && l.Text == header) || (l.Context.Count > 0 && l.Context[0] == header)).ToList();

    /// <summary>The command that removes a statement: an ACL entry by its number, anything else by <c>no</c>.</summary>
    private static string Negate(string platform, ConfigLine line)
    {
        var words = line.Words;
        bool aclEntry = line.Context.Count > 0 && line.Context[^1].Contains("access-list", StringComparison.Ordinal);
        if (aclEntry && words.Length > 1 && words[0].All(char.IsAsciiDigit)) return $"no {words[0]}";
        if (aclEntry && words.Length > 2 && words[0] == "sequence") return $"no sequence {words[1]}";
        return $"no {line.Text}";
    }

    /// <summary>Writes statements inside their blocks: headers entered as needed, <c>exit</c> on the way out.</summary>
    private static void Render(List<string> commands, List<ConfigLine> lines, Func<ConfigLine, string> text)
    {
        var open = new List<string>();
        ConfigLine? previous = null;
        foreach (var line in lines)
        {
            // The statement just written opened the block this one is in: it is entered already.
            if (previous is not null && line.Context.Count == previous.Context.Count + 1 && line.Context[^1] == previous.Text &&
                line.Context.Take(previous.Context.Count).SequenceEqual(previous.Context))
            {
                open = [.. line.Context];
            }
            int common = 0;
            while (common < open.Count && common < line.Context.Count && open[common] == line.Context[common]) common++;
            for (int i = open.Count - 1; i >= common; i--) commands.Add(new string(' ', i) + "exit");
            open.RemoveRange(common, open.Count - common);
            for (int i = common; i < line.Context.Count; i++)
            {
                commands.Add(new string(' ', i) + line.Context[i]);
                open.Add(line.Context[i]);
            }
            commands.Add(new string(' ', line.Context.Count) + text(line));
            previous = line;
        }
        for (int i = open.Count - 1; i >= 0; i--) commands.Add(new string(' ', i) + "exit");
    }

    // ── Junos: set lines ──

    private static (string Kind, string Name)? JunosObject(ConfigLine line)
    {
        foreach (var kind in JunosKinds)
        {
            string prefix = $"set {kind} ";
            if (!line.Text.StartsWith(prefix, StringComparison.Ordinal)) continue;
            string rest = line.Text[prefix.Length..];
            int space = rest.IndexOf(' ');
            string name = space < 0 ? rest : rest[..space];
            return ConfigLine.IsOwnedName(name) ? (kind, name) : null;
        }
        return null;
    }

    private static List<string> Junos(List<ConfigLine> have, List<ConfigLine> want, List<string> wholeSettings)
    {
        static bool Under(ConfigLine l, string path) => l.Text == path || l.Text.StartsWith(path + " ", StringComparison.Ordinal);
        // A setting written whole (the loopback filter list: its order counts) that differs on the
        // router is deleted and written again in the same commit; what stood there goes with it.
        var settings = new List<string>();
        var rewritten = new List<ConfigLine>();
        foreach (var path in wholeSettings)
        {
            var wantedLines = want.Where(l => Under(l, path)).Select(l => l.Text).ToList();
            var existingLines = have.Where(l => Under(l, path)).Select(l => l.Text).ToList();
            rewritten.AddRange(want.Where(l => Under(l, path)));
            rewritten.AddRange(have.Where(l => Under(l, path)));
            if (existingLines.SequenceEqual(wantedLines, StringComparer.Ordinal)) continue;
            if (existingLines.Count > 0) settings.Add("delete " + path["set ".Length..]);
            settings.AddRange(wantedLines);
        }
        var commands = new List<string>();
        want = want.Except(rewritten).ToList();
        have = have.Except(rewritten).ToList();
        var haveKeys = have.Select(l => l.Text).ToHashSet(StringComparer.Ordinal);
        var wantObjects = want.Where(l => JunosObject(l) is not null).GroupBy(l => JunosObject(l)!.Value).ToList();
        var haveObjects = have.Where(l => JunosObject(l) is not null).GroupBy(l => JunosObject(l)!.Value).ToDictionary(g => g.Key, g => g.Select(l => l.Text).ToHashSet(StringComparer.Ordinal));
        foreach (var group in wantObjects)
        {
            var wanted = group.Select(l => l.Text).ToHashSet(StringComparer.Ordinal);
            if (haveObjects.TryGetValue(group.Key, out var existing))
            {
                if (existing.SetEquals(wanted)) continue;
                commands.Add($"delete {group.Key.Kind} {group.Key.Name}");
            }
            commands.AddRange(group.Select(l => l.Text));
        }
        // Settings rewritten whole come after the objects they name are defined.
        commands.AddRange(settings);
        foreach (var c in want.Where(l => JunosObject(l) is null && !haveKeys.Contains(l.Text))) commands.Add(c.Text);
        var wantKeys = want.Select(l => l.Text).ToHashSet(StringComparer.Ordinal);
        foreach (var r in have.Where(l => JunosObject(l) is null && l.NamesOwned && !wantKeys.Contains(l.Text)))
        {
            if (want.Any(c => SameForm(c, r, requireSiteName: false))) continue;
            // A BGP neighbor carrying an owned policy is PolicyKit's: gone from the policy, it goes as a whole.
            var words = r.Words;
            int at = Array.IndexOf(words, "neighbor");
            string path = at > 0 && at + 1 < words.Length && !want.Any(c => c.Text.Contains($" neighbor {words[at + 1]} ", StringComparison.Ordinal))
                ? string.Join(' ', words[1..(at + 2)])
                : r.Text["set ".Length..];
            if (!commands.Contains("delete " + path)) commands.Add("delete " + path);
        }
        var wantNames = wantObjects.Select(g => g.Key).ToHashSet();
        foreach (var gone in haveObjects.Keys.Where(k => !wantNames.Contains(k))) commands.Add($"delete {gone.Kind} {gone.Name}");
        return commands;
    }
}
