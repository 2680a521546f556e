using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Analysis;

/// <summary>
/// Special-purpose and bogon prefixes: an announcement of one of them, or of anything longer
/// inside one, is a violation whatever the policy's own filters say. The default list is the
/// one of the policy standard library (<c>policies/std/bogons.mpol</c>: RFC 6890 registries,
/// documentation, private, CGN, benchmarking, multicast, reserved, ULA, link-local…).
/// </summary>
public sealed class BogonList
{
    private readonly RoutePrefix[] _entries;

    // First-octet filters (bit n set: some entry covers addresses whose top 8 bits are n), one per
    // address family: most prefixes of a real table are rejected with one bit test instead of a scan.
    private readonly ulong[] _v4Octets = new ulong[4];
    private readonly ulong[] _v6Octets = new ulong[4];

    private BogonList(RoutePrefix[] entries)
    {
        _entries = entries;
        foreach (var entry in entries)
        {
            bool v6 = entry.Family.IsIpv6();
            int top = v6 ? (int)(entry.Bits >> 120) : (int)((uint)entry.Bits >> 24);
            int span = entry.Length >= 8 ? 1 : 1 << (8 - entry.Length);
            var octets = v6 ? _v6Octets : _v4Octets;
            for (int o = top; o < top + span && o < 256; o++) octets[o >> 6] |= 1UL << (o & 63);
        }
    }

    public static readonly BogonList Empty = new([]);

    public static readonly BogonList Default = Parse(
    [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/8", "100::/64", "2001:2::/48", "2001:10::/28", "2001:db8::/32", "3ffe::/16", "3fff::/20",
        "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    ]);

    public IReadOnlyList<RoutePrefix> Entries => _entries;

    /// <summary>Prefixes such as "10.0.0.0/8" (each matches itself and every longer prefix inside it). Throws <see cref="FormatException"/> naming a bad entry.</summary>
    public static BogonList Parse(IEnumerable<string> prefixes)
    {
        var entries = new List<RoutePrefix>();
        foreach (var text in prefixes)
        {
            if (!RoutePrefix.TryParse(text.Trim(), RouteFamily.Ipv4Unicast, out var prefix))
                throw new FormatException($"bogon prefix '{text}' is not an IPv4 or IPv6 prefix such as 192.0.2.0/24");
            entries.Add(prefix);
        }
        return new BogonList([.. entries]);
    }

    /// <summary>The bogon entry covering <paramref name="prefix"/> (of either SAFI), or null.</summary>
    public RoutePrefix? Match(in RoutePrefix prefix)
    {
        bool v6 = prefix.Family.IsIpv6();
        // A prefix shorter than 8 bits may contain a bogon without sharing its first octet: scan those.
        if (prefix.Length >= 8)
        {
            int top = v6 ? (int)(prefix.Bits >> 120) : (int)((uint)prefix.Bits >> 24);
            if (((v6 ? _v6Octets : _v4Octets)[top >> 6] & (1UL << (top & 63))) == 0) return null;
        }
        foreach (ref readonly var entry in _entries.AsSpan())
        {
            if (entry.Family.IsIpv6() != v6 || prefix.Length < entry.Length) continue;
            if (RoutePrefix.Mask(prefix.Bits, entry.Length, v6) == entry.Bits) return entry;
        }
        return null;
    }
}
