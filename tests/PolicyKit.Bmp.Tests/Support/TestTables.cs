using System.Collections.Immutable;
using PolicyKit.Bmp.Wire;
using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Model;

namespace PolicyKit.Bmp.Tests.Support;

/// <summary>Admission tables for the station, built with the table model (as mpolc's agent target writes them).</summary>
internal static class TestTables
{
    /// <summary>A BGP neighbor of the policy: max-prefix (-1 none), warning count, warning-only, and an inbound filter permitting these prefixes ("11.0.0.0/8 le 24").</summary>
    public sealed record Peer(string Address, long RemoteAs, int MaxPrefix = -1, int WarnCount = -1, bool WarningOnly = false, string[]? Permit = null);

    public static readonly DampingEntry StandardDamping = new(15 * 60, 750, 2000, 60 * 60, 2);

    /// <summary>
    /// Router r1 with two eBGP peers: 192.0.2.1 (AS 64500, max-prefix 10, warning above 8, inbound
    /// filter permitting 11.0.0.0/8 and 12.0.0.0/8 up to /24) and 198.51.100.1 (AS 64502,
    /// max-prefix 5 warning-only, warning above 3, no filter), with RFC 2439 damping (15 min, 750, 2000, 60 min).
    /// </summary>
    public static CompiledTable TwoPeers(DampingEntry? damping = null) => Bgp(damping ?? StandardDamping,
        new Peer("192.0.2.1", 64500, 10, 8, false, ["11.0.0.0/8 le 24", "12.0.0.0/8 le 24"]),
        new Peer("198.51.100.1", 64502, 5, 3, true));

    public static CompiledTable Empty() => Bgp(null);

    public static CompiledTable Bgp(DampingEntry? damping, params Peer[] peers)
    {
        var locations = ImmutableArray.CreateBuilder<string>();
        int Location(string text)
        {
            locations.Add(text);
            return locations.Count - 1;
        }
        var filters = ImmutableArray.CreateBuilder<PrefixFilter>();
        var entries = ImmutableArray.CreateBuilder<BgpPeerEntry>();
        foreach (var peer in peers)
        {
            int filter = -1;
            if (peer.Permit is { } permit)
            {
                var rules = permit.Select((text, i) =>
                {
                    var parts = text.Split(' ');
                    var prefix = RoutePrefix.TryParse(parts[0], RouteFamily.Ipv4Unicast, out var p) ? p : throw new FormatException(text);
                    byte max = parts.Length == 3 && parts[1] == "le" ? byte.Parse(parts[2]) : prefix.Length;
                    return new PrefixRule(RuleAction.Permit, prefix.AddressFamily, prefix.Bits, prefix.Length, prefix.Length, max, Location($"test.mpol:{10 + i}:5"));
                }).ToImmutableArray();
                filters.Add(new PrefixFilter($"in-{peer.Address}", rules, Location("test.mpol:9:1")));
                filter = filters.Count - 1;
            }
            var address = PolicyKit.Engine.Address.Parse(peer.Address);
            entries.Add(new BgpPeerEntry(address.Family, address.Value, peer.RemoteAs, peer.MaxPrefix, peer.WarnCount, -1, peer.WarningOnly, filter, Location($"test.mpol:{20 + entries.Count}:9")));
        }
        if (damping is not null) damping = damping with { Location = Location("test.mpol:30:9") };
        var router = new RouterEntry(RouterEntry.Unlimited, RouterEntry.Unlimited, -1, null, null, -1, RangeSet.Empty, RouterEntry.Unlimited, -1, -1);
        var table = new AdmissionTable(new TableHeader("r1", "linux", "test", "test"), locations.ToImmutable(), [], filters.ToImmutable(), [], router, [], [],
            entries.ToImmutable(), damping, null);
        return CompiledTable.Build(table);
    }
}
