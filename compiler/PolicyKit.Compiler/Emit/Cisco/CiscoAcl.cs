using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Cisco;

/// <summary>The shape of an IOS ACL: standard (one address) or extended (protocol, source, destination).</summary>
public enum AclKind
{
    Standard,
    Extended,
}

/// <summary>An ACL to define: its name, family, kind and entries (already rendered).</summary>
public sealed record CiscoAcl(string Name, IpFamily Family, AclKind Kind, IReadOnlyList<string> Entries);

/// <summary>
/// Collects the ACLs and prefix lists a device uses, by name, in first-use order. Names are
/// derived from policy names only (PK-&lt;NAME&gt;[-SUFFIX]), so they are stable across compiles
/// and never collide: a second, different definition under one name gets a numeric suffix.
/// </summary>
public sealed class AclBook(Func<IpFamily, AclKind, string> denyAll)
{
    /// <summary>A book for IOS / IOS-XE entries.</summary>
    public AclBook()
        : this(DenyAll)
    {
    }

    private readonly List<CiscoAcl> _acls = [];
    private readonly List<(string Name, IpFamily Family, IReadOnlyList<string> Entries)> _prefixLists = [];

    // Lookups by (name, family), and the list each definition was made from: a shared filter's
    // ACL is asked for again by every interface that uses it, with the very same (memoised)
    // entry list, which is then known to be the same definition without comparing entries.
    private readonly Dictionary<(string Name, IpFamily Family), (CiscoAcl Acl, IReadOnlyList<string> Given)> _aclsByName = [];
    private readonly Dictionary<(string Name, IpFamily Family), IReadOnlyList<string>> _prefixListsByName = [];

    public IReadOnlyList<CiscoAcl> Acls => _acls;

    public IReadOnlyList<(string Name, IpFamily Family, IReadOnlyList<string> Entries)> PrefixLists => _prefixLists;

    public string Add(string baseName, IpFamily family, AclKind kind, IReadOnlyList<string> entries)
    {
        if (_aclsByName.TryGetValue((baseName, family), out var first) && first.Acl.Kind == kind && ReferenceEquals(first.Given, entries))
            return baseName;
        var given = entries;
        // In a first-match list a repeated entry never matches anything new: keep the first.
        // Kept compact (DistinctEntries) until the device is written: a source filter's ACL can be 80k entries.
        if (entries is not DistinctEntries) entries = DistinctEntries.Of(entries);
        // Never an empty list: IOS takes a referenced ACL without entries as "permit any" in
        // several features, the opposite of a filter that matches nothing in this family.
        if (entries.Count == 0) entries = [denyAll(family, kind)];
        // Nothing after an entry that matches everything can ever match: cut it.
        int catchAll = IndexOfCatchAll(entries);
        if (catchAll >= 0 && catchAll < entries.Count - 1) entries = DistinctEntries.Of(entries.Take(catchAll + 1));
        string name = Unique(baseName, n => _aclsByName.TryGetValue((n, family), out var existing)
            ? existing.Acl.Kind == kind && existing.Acl.Entries.SequenceEqual(entries)
            : (bool?)null);
        if (!_aclsByName.ContainsKey((name, family)))
        {
            var acl = new CiscoAcl(name, family, kind, entries);
            _acls.Add(acl);
            _aclsByName[(name, family)] = (acl, given);
        }
        return name;
    }

    public string AddPrefixList(string baseName, IpFamily family, IReadOnlyList<string> entries)
    {
        if (_prefixListsByName.TryGetValue((baseName, family), out var first) && ReferenceEquals(first, entries)) return baseName;
        string name = Unique(baseName, n => _prefixListsByName.TryGetValue((n, family), out var existing)
            ? existing.SequenceEqual(entries)
            : (bool?)null);
        if (!_prefixListsByName.ContainsKey((name, family)))
        {
            _prefixLists.Add((name, family, entries));
            _prefixListsByName[(name, family)] = entries;
        }
        return name;
    }

    /// <summary>The base name if free or identical; otherwise the first -2, -3, … that is.</summary>
    private static string Unique(string baseName, Func<string, bool?> sameAsExisting)
    {
        for (int i = 1; ; i++)
        {
            string candidate = i == 1 ? baseName : $"{baseName}-{i}";
            var same = sameAsExisting(candidate);
            if (same is null or true) return candidate;
        }
    }

    /// <summary>The first entry that matches every packet of the list's family ("permit ip any any", "deny any", …), or -1.</summary>
    private static int IndexOfCatchAll(IReadOnlyList<string> entries)
    {
        for (int i = 0; i < entries.Count; i++)
        {
            // The catch-alls are short: a long entry is not read (a DistinctEntries entry is made a string to be read).
            if (entries is DistinctEntries compact && compact.ByteLength(i) > 20) continue;
            if (entries[i] is "permit any" or "deny any" or "permit ip any any" or "deny ip any any" or "permit ipv4 any any" or
                "deny ipv4 any any" or "permit ipv6 any any" or "deny ipv6 any any") return i;
        }
        return -1;
    }

    /// <summary>The entry that denies everything, for a list that would otherwise be empty.</summary>
    public static string DenyAll(IpFamily family, AclKind kind) =>
        family == IpFamily.V6 ? "deny ipv6 any any" : kind == AclKind.Standard ? "deny any" : "deny ip any any";

    /// <summary>PK-NAME in upper case with only the characters IOS accepts in ACL names.</summary>
    public static string NameFor(string policyName, string? suffix = null)
    {
        var chars = policyName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? char.ToUpperInvariant(c) : '-').ToArray();
        string name = "PK-" + new string(chars);
        return suffix is null ? name : $"{name}-{suffix}";
    }
}
