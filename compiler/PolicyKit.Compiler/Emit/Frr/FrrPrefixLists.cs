using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Frr;

/// <summary>
/// The prefix lists a device uses, by name, in first-use order. Names come from policy names
/// only (<see cref="FrrSyntax.NameFor"/>), so they are stable across compiles; a second,
/// different list under one name gets a numeric suffix, an identical one is shared.
/// </summary>
public sealed class FrrPrefixLists
{
    private readonly List<(string Name, IpFamily Family, IReadOnlyList<string> Entries)> _lists = [];

    public IReadOnlyList<(string Name, IpFamily Family, IReadOnlyList<string> Entries)> Lists => _lists;

    public string Add(string baseName, IpFamily family, IReadOnlyList<string> entries)
    {
        for (int i = 1; ; i++)
        {
            string candidate = i == 1 ? baseName : $"{baseName}-{i}";
            var existing = _lists.FirstOrDefault(l => l.Name == candidate && l.Family == family);
            if (existing.Name is null)
            {
                _lists.Add((candidate, family, entries));
                return candidate;
            }
            if (existing.Entries.SequenceEqual(entries, StringComparer.Ordinal)) return candidate;
        }
    }

    /// <summary>Writes every list: <c>ip prefix-list NAME seq 5 permit …</c>, sequence numbers in steps of 5.</summary>
    public void WriteTo(ConfigWriter w)
    {
        foreach (var (name, family, entries) in _lists)
        {
            int seq = 5;
            foreach (var entry in entries)
            {
                w.Line($"{FrrSyntax.PrefixListKeyword(family)} prefix-list {name} seq {seq} {entry}");
                seq += 5;
            }
            w.Line("!");
        }
    }
}
