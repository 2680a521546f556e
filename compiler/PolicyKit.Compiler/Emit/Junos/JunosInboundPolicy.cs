using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Junos;

/// <summary>
/// RPKI origin validation on Junos: the RTR caches are sessions of one validation group under
/// routing-options; a neighbor with origin actions gets an import policy, first in its chain,
/// whose terms look the route up in the validation database, record the state
/// (<c>validation-state</c>) and reject, mark or accept it. A term that does not reject ends in
/// <c>next policy</c>, so the neighbor's prefix-filter policy still decides after it.
/// </summary>
internal static class JunosInboundPolicy
{
    private const string Group = "PK-RPKI";

    public static void WriteSessions(DeviceEmission e, ConfigWriter w)
    {
        // ebgp-default is written where an unfiltered eBGP direction is (or means nothing on this device).
        if (e.Device.Bgp?.EbgpDefaultSpan is not null) e.Emitted("bgp ebgp-default");
        if (e.Device.Rpki is not { } rpki) return;
        foreach (var cache in rpki.Caches)
        {
            string at = $"set routing-options validation group {Group} session {cache.Address.NetworkAddress}";
            w.Line($"{at} port {cache.Port}");
            // Junos refreshes at most every 1800 s.
            if (cache.Refresh is { } refresh) w.Line($"{at} refresh-time {JunosSyntax.Number(Math.Min(1800, (long)refresh.TotalSeconds))}");
            w.Line($"{at} preference {cache.Preference}");
        }
        e.Emitted("rpki cache");
    }

    /// <summary>
    /// The neighbor's import policy for AS paths and origins (defined in the book), or null when it
    /// has neither: AS-path denials, then one term per validation state (a term that does not
    /// reject only records and marks, and evaluation goes on), then the first-AS check.
    /// </summary>
    public static string? ImportPolicy(DeviceEmission e, JunosBook book, BgpNeighbor n)
    {
        if (Frr.FrrInboundPolicy.RouteMapName(n, withFirstAs: true) is not { } name) return null;
        var terms = new JunosTerms();
        if (n.AsPath is { } path)
        {
            foreach (var kind in path.Reject)
            {
                var lists = AsnRanges.Of(kind).Select((r, i) => book.Add(JunosBook.AsPath, $"PK-ASPATH-{kind.Keyword().ToUpperInvariant()}-{i + 1}",
                    [JunosSyntax.Quote(r.Low == r.High ? $".* {r.Low} .*" : $".* [{r.Low}-{r.High}] .*")])).ToList();
                terms.Add(kind.Keyword(), lists.Select(l => $"as-path {l}"), ["reject"]);
                e.Emitted("bgp as-path reject");
            }
            if (path.MaxLength is { } max)
            {
                string list = book.Add(JunosBook.AsPath, $"PK-ASPATH-LONGER-THAN-{max}", [JunosSyntax.Quote($".{{{max + 1},}}")]);
                terms.Add("as-path-too-long", [$"as-path {list}"], ["reject"]);
                e.Emitted("bgp as-path max-length");
            }
        }
        if (n.BlackholeRejectSpan is not null)
        {
            terms.Add("blackhole", [$"community {Community(book, BgpCommunity.Blackhole)}"], ["reject"]);
            e.Emitted("bgp blackhole reject");
        }
        foreach (var action in Frr.FrrInboundPolicy.OriginOrder(n))
        {
            string database = action.State == RpkiState.NotFound ? "unknown" : action.State.Keyword();
            var then = new List<string> { $"validation-state {database}" };
            if (action.LocalPreference is { } preference) then.Add($"local-preference {preference}");
            if (action.Community is { } community)
                then.Add($"community add {Community(book, community)}");
            if (action.Reject) then.Add("reject");
            terms.Add(action.State.Keyword(), ["protocol bgp", $"validation-database {database}"], then);
            e.Emitted("bgp origin validation");
        }
        if (n.GracefulShutdownSpan is not null)
        {
            // RFC 8326; after the origin marks, so it wins; evaluation goes on.
            terms.Add("graceful-shutdown", [$"community {Community(book, BgpCommunity.GracefulShutdown)}"], ["local-preference 0"]);
            e.Emitted("bgp graceful-shutdown honor");
        }
        if (n.CommunitiesIn is { } communities)
        {
            // After every term that reads the neighbor's communities, before the first-AS terms
            // (which leave the policy); evaluation goes on.
            terms.Add("communities", [], CommunityActions(book, communities));
            e.Emitted("bgp community in");
        }
        if (n.AsPath is { FirstAsPeer: true })
        {
            // Paths that start with the peer's AS go on to the next policy (the prefix filter); the rest are rejected.
            string list = book.Add(JunosBook.AsPath, $"PK-ASPATH-FIRST-{n.RemoteAs}", [JunosSyntax.Quote($"{n.RemoteAs} .*")]);
            terms.Add("first-as-peer", [$"as-path {list}"], ["next policy"]);
            terms.Add("first-as-other", [], ["reject"]);
            e.Emitted("bgp as-path first-as");
        }
        return book.Add(JunosBook.PolicyStatement, name, terms);
    }

    /// <summary>
    /// With <c>ebgp-default reject</c>, the reject-all policy of an eBGP direction without a policy
    /// (Junos would exchange everything there); null otherwise.
    /// </summary>
    public static string? RejectUnfiltered(DeviceEmission e, JunosBook book, BgpPolicy bgp, BgpNeighbor n, bool inbound)
    {
        if (bgp.EbgpDefaultSpan is not null) e.Emitted("bgp ebgp-default");
        if (!bgp.EbgpRejectsUnfiltered || !bgp.IsEbgp(n)) return null;
        bool filtered = inbound ? BgpPolicy.HasInboundPolicy(n) : n.PrefixFilterOut is not null;
        return filtered ? null : book.Add(JunosBook.PolicyStatement, "PK-REJECT-ALL", ["then reject"]);
    }

    /// <summary>
    /// The export policy that changes the communities of the routes sent to a neighbor, first in
    /// its export chain (it accepts nothing: the next policy, or BGP's default, decides); null
    /// when the policy changes none or the direction sends nothing.
    /// </summary>
    public static string? ExportPolicy(DeviceEmission e, JunosBook book, BgpPolicy bgp, BgpNeighbor n)
    {
        if (n.CommunitiesOut is not { } communities) return null;
        // A direction that sends nothing (PK-REJECT-ALL) has nothing to tag.
        e.Emitted("bgp community out");
        if (Frr.FrrInboundPolicy.OutboundRouteMapName(bgp, n) is not { } name) return null;
        var terms = new JunosTerms();
        terms.Add("communities", [], CommunityActions(book, communities));
        return book.Add(JunosBook.PolicyStatement, name, terms);
    }

    /// <summary>Delete every community (<c>*:*</c>), then add the policy's: Junos deletes before it adds within a term.</summary>
    private static List<string> CommunityActions(JunosBook book, CommunityPolicy communities)
    {
        var then = new List<string>();
        if (communities.Strip) then.Add($"community delete {book.Add(JunosBook.Community, "PK-COMMUNITY-ANY", [$"members {JunosSyntax.Quote("*:*")}"])}");
        foreach (var community in communities.Add) then.Add($"community add {Community(book, community)}");
        return then;
    }

    /// <summary>A <c>policy-options community</c> holding one community, defined in the book.</summary>
    private static string Community(JunosBook book, BgpCommunity community) =>
        book.Add(JunosBook.Community, Frr.FrrInboundPolicy.CommunityListName(community), [$"members {community.Numeric}"]);
}
