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

    /// <summary>The largest prefix-list sequence number FRR takes.</summary>
    private const long MaxSequence = 4_294_967_295;

    /// <summary>
    /// Writes every list: <c>ip prefix-list NAME seq N permit …</c>, numbered so that an inserted
    /// entry is one new line (<see cref="SequenceNumbers"/>): frr-reload.py then adds one line
    /// instead of replacing every line after it.
    /// </summary>
    public void WriteTo(ConfigWriter w)
    {
        foreach (var (name, family, entries) in _lists)
        {
            foreach (var (seq, entry) in SequenceNumbers.Assign(entries, MaxSequence, 5))
            {
                w.Line($"{FrrSyntax.PrefixListKeyword(family)} prefix-list {name} seq {SequenceNumbers.Format(seq)} {entry}");
            }
            w.Line("!");
        }
    }
}
