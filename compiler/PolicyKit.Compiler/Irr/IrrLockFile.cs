using System.Collections.Immutable;
using System.Text;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Irr;

/// <summary>One RPSL data file an IRR set was resolved from: its path (relative to the lock file's folder, '/' separated) and SHA-256.</summary>
public sealed record IrrDataFile(string Path, string Sha256);

/// <summary>An IRR-built set as pinned in the lock file: its question, the data it came from, the prefixes and the route objects' origins.</summary>
public sealed record IrrLockedSet(string Name, string QueryKey, ImmutableArray<IrrDataFile> Data, ImmutableArray<IrrPrefix> Prefixes)
{
    /// <summary>The route objects behind the prefixes (empty in a lock written before origins were pinned).</summary>
    public ImmutableArray<IrrOrigin> Origins { get; init; } = [];
}

/// <summary>
/// The lock file beside a policy (<c>policy.mpol.lock</c>): the resolved prefixes of every
/// IRR-built set, so a compile is reproducible without the RPSL data and a change of them is a
/// reviewable diff. Plain sorted text, one fact per line:
/// <code>
/// set customer-a
///   query AS-EXAMPLE max-length-ipv4 24 aggregate limit 10000
///   data irr/example.db sha256 9f86d0…
///   prefix 192.0.2.0/24
///   prefix 2001:db8::/32 le 48
///   origin 192.0.2.0/24 max-length 24 AS64500
///   origin 2001:db8::/32 max-length 48 AS64500
/// </code>
/// Sets in name order, prefixes and origins in address order: the same resolution writes the
/// same bytes. The <c>origin</c> lines (one per route object, never aggregated) feed
/// <c>mpolc origins</c>; a lock without them (written before they existed) still reads, and only
/// <c>mpolc origins</c> refuses it (MP3084).
/// </summary>
public static class IrrLockFile
{
    public const string Extension = ".lock";

    public const string Header = "# PolicyKit IRR lock: the prefixes of the policy's IRR-built sets, written by `mpolc lock`. Review changes; do not edit.";

    public static string PathFor(string policyPath) => policyPath + Extension;

    public static string Format(IEnumerable<IrrLockedSet> sets)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var set in sets.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            text.Append("set ").Append(set.Name).Append('\n');
            text.Append("  query ").Append(set.QueryKey).Append('\n');
            foreach (var file in set.Data.OrderBy(d => d.Path, StringComparer.Ordinal))
            {
                text.Append("  data ").Append(file.Path).Append(" sha256 ").Append(file.Sha256).Append('\n');
            }
            foreach (var prefix in set.Prefixes.Order()) text.Append("  prefix ").Append(prefix.ToString()).Append('\n');
            foreach (var origin in set.Origins.Order())
            {
                text.Append("  origin ").Append(origin.Prefix.ToString()).Append(" max-length ")
                    .Append(origin.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Append(" AS").Append(origin.Asn.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>The sets of a lock file's text; a line that does not read is an error with its offset, and the whole lock is then refused (null).</summary>
    public static IReadOnlyDictionary<string, IrrLockedSet>? Parse(string text, Action<RpslError> error)
    {
        var sets = new Dictionary<string, IrrLockedSet>(StringComparer.Ordinal);
        string? name = null, query = null;
        var data = ImmutableArray.CreateBuilder<IrrDataFile>();
        var prefixes = ImmutableArray.CreateBuilder<IrrPrefix>();
        var origins = ImmutableArray.CreateBuilder<IrrOrigin>();
        bool ok = true;
        int position = 0;
        while (position < text.Length)
        {
            int end = text.IndexOf('\n', position);
            if (end < 0) end = text.Length;
            string line = text[position..end].TrimEnd('\r');
            int offset = position;
            position = end + 1;
            if (line.Length == 0 || line[0] == '#') continue;
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string? problem = words switch
            {
                ["set", var setName] when !line.StartsWith(' ') => StartSet(setName),
                ["query", ..] when name is not null && query is null => SetQuery(line.Trim()["query ".Length..]),
                ["data", var path, "sha256", var hash] when name is not null && hash.Length == 64 && hash.All(char.IsAsciiHexDigitLower) => AddData(path, hash),
                ["prefix", ..] when name is not null => AddPrefix(words[1..]),
                ["origin", var p, "max-length", var m, var asn] when name is not null => AddOrigin(p, m, asn),
                _ => "expected 'set NAME', then 'query …', 'data PATH sha256 HEX', 'prefix P [ge N] [le M]' and 'origin P max-length N ASn' lines",
            };
            if (problem is not null)
            {
                error(new RpslError(offset, Math.Max(1, line.Length), problem));
                ok = false;
            }
        }
        FinishSet();
        return ok ? sets : null;

        string? StartSet(string setName)
        {
            FinishSet();
            if (sets.ContainsKey(setName)) return $"set {setName} is locked twice";
            name = setName;
            return null;
        }

        string? SetQuery(string key)
        {
            query = key;
            return null;
        }

        string? AddData(string path, string hash)
        {
            data.Add(new IrrDataFile(path, hash));
            return null;
        }

        string? AddPrefix(string[] words)
        {
            if (words.Length == 0 || !IpPrefix.TryParse(words[0], out var prefix, out string reason, out bool hostBits) || hostBits)
            {
                return words.Length == 0 ? "prefix without a value" : $"'{words[0]}' is not a prefix";
            }
            int ge = prefix.Length, le = prefix.Length;
            var rest = words.AsSpan(1);
            if (rest is ["ge", var g, ..])
            {
                if (!int.TryParse(g, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ge)) return $"'{g}' is not a length";
                rest = rest[2..];
            }
            if (rest is ["le", var l, ..])
            {
                if (!int.TryParse(l, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out le)) return $"'{l}' is not a length";
                rest = rest[2..];
            }
            if (!rest.IsEmpty) return $"unexpected '{rest[0]}' after the prefix";
            if (ge < prefix.Length || le < ge || le > prefix.MaxLength) return $"the lengths of {words[0]} do not make a range (prefix length ≤ ge ≤ le ≤ {prefix.MaxLength})";
            prefixes.Add(new IrrPrefix(prefix, ge, le));
            return null;
        }

        string? AddOrigin(string text, string max, string asn)
        {
            if (!IpPrefix.TryParse(text, out var prefix, out _, out bool hostBits) || hostBits) return $"'{text}' is not a prefix";
            if (!int.TryParse(max, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int maxLength)
                || maxLength < prefix.Length || maxLength > prefix.MaxLength)
            {
                return $"'{max}' is not a max-length of {text} (prefix length ≤ max-length ≤ {prefix.MaxLength})";
            }
            if (RpslDatabase.ParseAsn(asn) is not { } number) return $"'{asn}' is not an AS number (ASn)";
            origins.Add(new IrrOrigin(prefix, maxLength, number));
            return null;
        }

        void FinishSet()
        {
            if (name is not null && query is not null)
            {
                sets[name] = new IrrLockedSet(name, query, data.ToImmutable(), prefixes.ToImmutable()) { Origins = origins.ToImmutable() };
            }
            else if (name is not null)
            {
                ok = false;
                error(new RpslError(Math.Max(0, Math.Min(position, text.Length) - 1), 1, $"set {name} has no 'query' line"));
            }
            name = null;
            query = null;
            data.Clear();
            prefixes.Clear();
            origins.Clear();
        }
    }
}
