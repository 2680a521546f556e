using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Junos;

/// <summary>
/// RPKI origin validation on Junos: the RTR caches are sessions of one validation group under
/// routing-options; a neighbor with origin actions gets an import policy, first in its chain,
/// whose terms look the route up in the validation database, record the state
/// (<c>validation-state</c>) and reject, mark or accept it. A term that does not reject ends in
/// <c>next policy</c>, so the neighbor's prefix-filter policy still decides after it.
/// </summary>
internal static class JunosRpki
{
    private const string Group = "PK-RPKI";

    public static void WriteSessions(DeviceEmission e, ConfigWriter w)
    {
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

    /// <summary>The neighbor's origin-validation import policy (defined in the book), or null when it has no origin actions.</summary>
    public static string? ImportPolicy(DeviceEmission e, JunosBook book, BgpNeighbor n)
    {
        if (n.OriginActions.IsDefaultOrEmpty) return null;
        var terms = new JunosTerms();
        foreach (var action in Frr.FrrRpki.OriginOrder(n))
        {
            string database = action.State == RpkiState.NotFound ? "unknown" : action.State.Keyword();
            var then = new List<string> { $"validation-state {database}" };
            if (action.LocalPreference is { } preference) then.Add($"local-preference {preference}");
            if (action.Community is { } community)
                then.Add($"community add {book.Add(JunosBook.Community, CommunityName(community), [$"members {community.Numeric}"])}");
            then.Add(action.Reject ? "reject" : "next policy");
            terms.Add(action.State.Keyword(), ["protocol bgp", $"validation-database {database}"], then);
        }
        e.Emitted("bgp origin validation");
        return book.Add(JunosBook.PolicyStatement, Frr.FrrRpki.RouteMapName(n)!, terms.Lines);
    }

    private static string CommunityName(BgpCommunity community) =>
        "PK-COMMUNITY-" + (community.WellKnownName?.ToUpperInvariant() ?? community.Numeric.Replace(':', '-'));
}
