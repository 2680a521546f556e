using System.Text;

namespace PolicyKit.Compiler.Emit.Nftables;

/// <summary>A named set (or verdict map) of the table: its nft type line, flags and elements as written.</summary>
public sealed record NftSet(string Name, string Type, bool Interval, IReadOnlyList<string> Elements, bool IsVerdictMap = false, string? Comment = null);

/// <summary>Where a chain sits in the file: leaf chains first, so every jump target is defined before it is used.</summary>
public enum NftChainKind
{
    /// <summary>A chain of one filter in one role (IGMP control, source filter, control plane…).</summary>
    Filter,

    /// <summary>The rules of one interface in one direction, reached through a verdict map.</summary>
    Interface,

    /// <summary>A base chain hooked into the netfilter path.</summary>
    Base,
}

/// <summary>A chain: its comment lines, its hook line (base chains only) and its rules.</summary>
public sealed class NftChain(string name, NftChainKind kind, string? hook)
{
    public string Name => name;

    public NftChainKind Kind => kind;

    /// <summary>The base-chain declaration ("type filter hook input priority filter; policy accept;").</summary>
    public string? Hook => hook;

    public List<string> Comments { get; } = [];

    /// <summary>Rules, and comment lines starting with '#', in order.</summary>
    public List<string> Rules { get; } = [];

    public bool HasRules => Rules.Any(r => !r.StartsWith('#'));

    public NftChain Rule(string rule)
    {
        Rules.Add(rule);
        return this;
    }

    public NftChain Comment(string text)
    {
        Rules.Add("# " + text);
        return this;
    }
}

/// <summary>
/// The one table a device's file defines (<c>table inet policykit</c>): sets, verdict maps and
/// chains collected while the device is walked, then written in dependency order. Names are
/// derived from policy names only (<c>pk_&lt;name&gt;</c>), so they are stable across compiles and
/// never collide: a second, different object under one name gets a numeric suffix, an identical
/// one is shared.
/// </summary>
public sealed class NftRuleset
{
    public const string TableFamily = "inet";

    public const string TableName = "policykit";

    private readonly List<NftSet> _sets = [];
    private readonly List<NftChain> _chains = [];
    private readonly Dictionary<string, string> _chainKeys = new(StringComparer.Ordinal);
    // Every name in use, by name: a scan of the sets and chains for each new name made a ruleset
    // with thousands of named sets quadratic (issue 18).
    private readonly Dictionary<string, NftSet> _setsByName = new(StringComparer.Ordinal);
    private readonly HashSet<string> _chainNames = new(StringComparer.Ordinal);

    public IReadOnlyList<NftSet> Sets => _sets;

    public IReadOnlyList<NftChain> Chains => _chains;

    /// <summary>Adds a set (or reuses an identical one) and returns its name.</summary>
    public string AddSet(string baseName, string type, bool interval, IReadOnlyList<string> elements, string? comment = null)
    {
        for (int i = 1; ; i++)
        {
            string name = i == 1 ? baseName : $"{baseName}_{i}";
            if (!_setsByName.TryGetValue(name, out var existing))
            {
                if (_chainNames.Contains(name)) continue;
                AddSet(new NftSet(name, type, interval, elements, Comment: comment));
                return name;
            }
            if (!existing.IsVerdictMap && existing.Type == type && existing.Interval == interval && existing.Elements.SequenceEqual(elements)) return name;
        }
    }

    /// <summary>Adds a verdict map (<c>type KEY : verdict</c>) under a free name.</summary>
    public string AddVerdictMap(string baseName, string keyType, IReadOnlyList<string> elements)
    {
        string name = FreeName(baseName);
        AddSet(new NftSet(name, $"{keyType} : verdict", false, elements, IsVerdictMap: true));
        return name;
    }

    private void AddSet(NftSet set)
    {
        _sets.Add(set);
        _setsByName.Add(set.Name, set);
    }

    private void AddChain(NftChain chain)
    {
        _chains.Add(chain);
        _chainNames.Add(chain.Name);
    }

    /// <summary>
    /// The chain registered under <paramref name="key"/>, or a new one built by <paramref name="fill"/>.
    /// A chain for the same filter in the same role is written once and jumped to from every place that uses it.
    /// </summary>
    public string Chain(string key, string baseName, NftChainKind kind, Action<NftChain> fill)
    {
        if (_chainKeys.TryGetValue(key, out var known)) return known;
        var chain = new NftChain(FreeName(baseName), kind, null);
        _chainKeys[key] = chain.Name;
        fill(chain);
        AddChain(chain);
        return chain.Name;
    }

    public NftChain NewChain(string baseName, NftChainKind kind, string? hook = null)
    {
        var chain = new NftChain(FreeName(baseName), kind, hook);
        AddChain(chain);
        return chain;
    }

    private string FreeName(string baseName)
    {
        for (int i = 1; ; i++)
        {
            string name = i == 1 ? baseName : $"{baseName}_{i}";
            if (!_setsByName.ContainsKey(name) && !_chainNames.Contains(name)) return name;
        }
    }

    /// <summary>
    /// Writes the ruleset so that loading the file replaces the table atomically: the first line
    /// creates the table if it does not exist, the second deletes it, and the block recreates it;
    /// <c>nft -f</c> applies all three in one transaction, so the old rules stay until the new ones
    /// are complete. Sets come first, then filter chains, interface chains, verdict maps (which
    /// name interface chains) and base chains, so every name is defined before it is used.
    /// </summary>
    public void Write(ConfigWriter w)
    {
        string table = $"table {TableFamily} {TableName}";
        w.Line(table);
        w.Line($"delete {table}");
        w.Blank();
        w.Line(table + " {");
        using (w.Indent())
        {
            bool first = true;
            void Separate()
            {
                if (!first) w.Blank();
                first = false;
            }
            foreach (var set in _sets.Where(s => !s.IsVerdictMap))
            {
                Separate();
                WriteSet(w, set);
            }
            foreach (var kind in new[] { NftChainKind.Filter, NftChainKind.Interface })
            {
                foreach (var chain in _chains.Where(c => c.Kind == kind))
                {
                    Separate();
                    WriteChain(w, chain);
                }
            }
            foreach (var map in _sets.Where(s => s.IsVerdictMap))
            {
                Separate();
                WriteSet(w, map);
            }
            // A base chain with no rule would only hook an empty chain into the packet path.
            foreach (var chain in _chains.Where(c => c.Kind == NftChainKind.Base && c.HasRules))
            {
                Separate();
                WriteChain(w, chain);
            }
        }
        w.Line("}");
    }

    private static void WriteSet(ConfigWriter w, NftSet set)
    {
        if (set.Comment is not null) w.Comment(set.Comment);
        w.Line($"{(set.IsVerdictMap ? "map" : "set")} {set.Name} {{");
        using (w.Indent())
        {
            w.Line($"type {set.Type}");
            if (set.Interval) w.Line("flags interval");
            if (set.Elements.Count > 0)
            {
                // One element a line keeps large sets readable and diffs small.
                if (set.Elements.Count == 1)
                {
                    w.Line($"elements = {{ {set.Elements[0]} }}");
                }
                else
                {
                    w.Line("elements = {");
                    using (w.Indent())
                    {
                        for (int i = 0; i < set.Elements.Count; i++) w.Line(set.Elements[i] + (i < set.Elements.Count - 1 ? "," : ""));
                    }
                    w.Line("}");
                }
            }
        }
        w.Line("}");
    }

    private static void WriteChain(ConfigWriter w, NftChain chain)
    {
        foreach (var comment in chain.Comments) w.Comment(comment);
        w.Line($"chain {chain.Name} {{");
        using (w.Indent())
        {
            if (chain.Hook is not null) w.Line(chain.Hook);
            foreach (var rule in chain.Rules) w.Line(rule);
        }
        w.Line("}");
    }

    /// <summary>An nft identifier from policy names: pk_ then letters, digits and '_' only (never a keyword such as 'fwd').</summary>
    public static string Identifier(params string[] parts)
    {
        var text = new StringBuilder("pk");
        foreach (var part in parts)
        {
            if (part.Length == 0) continue;
            text.Append('_');
            foreach (char c in part) text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }
        return text.ToString();
    }

    /// <summary>A double-quoted nft string (interface names, log prefixes).</summary>
    public static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
