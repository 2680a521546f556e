using System.Collections.Immutable;
using System.Globalization;
using PolicyKit.Compiler.Model;
using static PolicyKit.Compiler.Generated.MpolParser;

namespace PolicyKit.Compiler.Syntax;

// Routing security: RTR caches and per-neighbor origin validation actions.
public sealed partial class AstBuilder
{
    private RpkiBlockSyntax BuildRpki(RpkiBlockContext rpki)
    {
        var caches = ImmutableArray.CreateBuilder<RpkiCacheSyntax>();
        foreach (var cache in rpki.rpkiStmt())
        {
            if (Address(cache.ipAddress()) is not { } address) continue;
            int? port = null, preference = null;
            TimeSpan? refresh = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var option in cache.rpkiCacheOption())
            {
                string keyword = option.Start.Text;
                if (!seen.Add(keyword)) Report(Span(option), c => c.DuplicateSetting(keyword, $"cache {address.NetworkAddress}"));
                switch (option)
                {
                    case RpkiCachePortContext p: port = SmallInt(p.INT(), 1, 65535); break;
                    case RpkiCachePreferenceContext p: preference = SmallInt(p.INT(), 1, 255); break;
                    case RpkiCacheRefreshContext r:
                        refresh = DurationOf(r.duration());
                        // Every platform polls at most once a second and at least once a day.
                        if (refresh is { } value && (value < TimeSpan.FromSeconds(1) || value > TimeSpan.FromDays(1)))
                        {
                            Report(Span(r.duration()), c => c.InvalidNumber(TextOf(r.duration()), "expected a refresh interval from 1s to 1d"));
                            refresh = null;
                        }
                        break;
                }
            }
            caches.Add(new RpkiCacheSyntax(address, port, preference, refresh, Span(cache)));
        }
        return new RpkiBlockSyntax(caches.ToImmutable(), Span(rpki));
    }

    private PeerStmtSyntax? BuildNeighborSecurity(NeighborSecurityStmtContext statement)
    {
        switch (statement)
        {
            case NbrAsPathRejectContext r:
                return new AsPathSyntax(r.asnClass().Select(c => c.BOGON_ASNS() is not null ? AsnClass.Bogon : AsnClass.Private).Distinct().ToImmutableArray(), null, false, Span(r));
            case NbrAsPathMaxLengthContext m:
                // Paths of a single AS are the shortest; 255 is the most one AS_SEQUENCE segment holds.
                return SmallInt(m.INT(), 1, 255) is { } max ? new AsPathSyntax([], max, false, Span(m)) : null;
            case NbrAsPathFirstAsContext f:
                return new AsPathSyntax([], null, true, Span(f));
            case NbrBlackholeRejectContext b:
                return new WellKnownCommunitySyntax(BgpCommunity.Blackhole, Span(b));
            case NbrGracefulShutdownContext g:
                return new WellKnownCommunitySyntax(BgpCommunity.GracefulShutdown, Span(g));
            case NbrCommunityContext c:
                var add = c.community().Select(CommunityOf).ToList();
                if (add.Any(a => a is null)) return null;
                return new CommunitySyntax(c.IN() is not null, c.STRIP() is not null, add.OfType<BgpCommunity>().Distinct().ToImmutableArray(), Span(c));
        }
        if (statement is not NbrOriginValidationContext o) return null;
        var stateToken = o.rpkiState();
        var state = stateToken.VALID() is not null ? RpkiState.Valid : stateToken.INVALID() is not null ? RpkiState.Invalid : RpkiState.NotFound;
        int? localPreference = null;
        BgpCommunity? community = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mark in o.rpkiMark())
        {
            string keyword = mark.Start.Text;
            if (!seen.Add(keyword)) Report(Span(mark), c => c.DuplicateSetting(keyword, $"rpki {state.Keyword()}"));
            switch (mark)
            {
                case RpkiLocalPreferenceContext l: localPreference = SmallInt(l.INT(), 0, int.MaxValue); break;
                case RpkiCommunityContext c: community = CommunityOf(c.community()); break;
            }
        }
        if (o.rpkiMark().Length > 0 && localPreference is null && community is null) return null;
        return new OriginValidationSyntax(state, o.REJECT() is not null, localPreference, community, Span(o));
    }

    private BgpCommunity? CommunityOf(CommunityContext community)
    {
        if (community.BLACKHOLE() is not null) return BgpCommunity.Blackhole;
        if (community.GRACEFUL_SHUTDOWN() is not null) return BgpCommunity.GracefulShutdown;
        if (community.NO_EXPORT() is not null) return BgpCommunity.NoExport;
        if (community.NO_ADVERTISE() is not null) return BgpCommunity.NoAdvertise;
        string text = community.GetText();
        var parts = text.Split(':');
        if (parts.Length == 2 &&
            ushort.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out ushort asn) &&
            ushort.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out ushort value))
        {
            return new BgpCommunity(asn, value, null);
        }
        Report(Span(community), c => c.InvalidNumber(text, "a community is ASN:VALUE, each from 0 to 65535"));
        return null;
    }
}
