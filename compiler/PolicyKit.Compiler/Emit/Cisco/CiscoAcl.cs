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
public sealed class AclBook
{
    private readonly List<CiscoAcl> _acls = [];
    private readonly List<(string Name, IpFamily Family, IReadOnlyList<string> Entries)> _prefixLists = [];

    public IReadOnlyList<CiscoAcl> Acls => _acls;

    public IReadOnlyList<(string Name, IpFamily Family, IReadOnlyList<string> Entries)> PrefixLists => _prefixLists;

    public string Add(string baseName, IpFamily family, AclKind kind, IReadOnlyList<string> entries)
    {
        // In a first-match list a repeated entry never matches anything new: keep the first.
        entries = entries.Distinct(StringComparer.Ordinal).ToList();
        string name = Unique(baseName, family, n => _acls.FirstOrDefault(a => a.Name == n && a.Family == family) is { } existing
            ? existing.Kind == kind && existing.Entries.SequenceEqual(entries)
            : (bool?)null);
        if (!_acls.Any(a => a.Name == name && a.Family == family)) _acls.Add(new CiscoAcl(name, family, kind, entries));
        return name;
    }

    public string AddPrefixList(string baseName, IpFamily family, IReadOnlyList<string> entries)
    {
        string name = Unique(baseName, family, n => _prefixLists.FirstOrDefault(p => p.Name == n && p.Family == family) is { Name: not null } existing
            ? existing.Entries.SequenceEqual(entries)
            : (bool?)null);
        if (!_prefixLists.Any(p => p.Name == name && p.Family == family)) _prefixLists.Add((name, family, entries));
        return name;
    }

    /// <summary>The base name if free or identical; otherwise the first -2, -3, … that is.</summary>
    private static string Unique(string baseName, IpFamily family, Func<string, bool?> sameAsExisting)
    {
        for (int i = 1; ; i++)
        {
            string candidate = i == 1 ? baseName : $"{baseName}-{i}";
            var same = sameAsExisting(candidate);
            if (same is null or true) return candidate;
        }
    }

    /// <summary>PK-NAME in upper case with only the characters IOS accepts in ACL names.</summary>
    public static string NameFor(string policyName, string? suffix = null)
    {
        var chars = policyName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? char.ToUpperInvariant(c) : '-').ToArray();
        string name = "PK-" + new string(chars);
        return suffix is null ? name : $"{name}-{suffix}";
    }
}
