using System.Collections.Immutable;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Binding;

// Routing security: RTR caches and per-neighbor origin validation.
public sealed partial class DeviceBinder
{
    private RpkiPolicy BindRpki(RpkiBlockSyntax block)
    {
        var caches = new List<RpkiCache>();
        foreach (var cache in block.Caches)
        {
            var bound = new RpkiCache(cache.Address, cache.Port ?? RpkiCache.DefaultPort, cache.Preference ?? RpkiCache.DefaultPreference, cache.Refresh, cache.Span);
            if (caches.Any(c => c.Address == bound.Address && c.Port == bound.Port))
            {
                diagnostics.Add(cache.Span, c => c.DuplicatePeer($"{bound.Address.NetworkAddress} port {bound.Port}", "rpki"));
                continue;
            }
            caches.Add(bound);
        }
        return new RpkiPolicy(caches.ToImmutableArray(), block.Span);
    }

    private ImmutableArray<OriginAction> BindOriginActions(NeighborSyntax neighbor)
    {
        var actions = new List<OriginAction>();
        foreach (var o in neighbor.Body.OfType<OriginValidationSyntax>())
        {
            if (actions.Any(a => a.State == o.State))
            {
                diagnostics.Add(o.Span, c => c.DuplicateSetting($"rpki {o.State.Keyword()}", $"neighbor {neighbor.Address.NetworkAddress}"));
                continue;
            }
            actions.Add(new OriginAction(o.State, o.Reject, o.LocalPreference, o.Community, o.Span));
        }
        return actions.ToImmutableArray();
    }

    /// <summary>The neighbor's <c>as-path</c> statements together; each kind may be given once.</summary>
    private AsPathPolicy? BindAsPath(NeighborSyntax neighbor)
    {
        var statements = neighbor.Body.OfType<AsPathSyntax>().ToList();
        if (statements.Count == 0) return null;
        string scope = $"neighbor {neighbor.Address.NetworkAddress}";
        var reject = new List<AsnClass>();
        int? maxLength = null;
        SourceSpan? rejectSpan = null, maxLengthSpan = null, firstAsSpan = null;
        foreach (var s in statements)
        {
            if (!s.Reject.IsDefaultOrEmpty)
            {
                if (reject.Count > 0) diagnostics.Add(s.Span, c => c.DuplicateSetting("as-path reject", scope));
                reject.AddRange(s.Reject.Where(k => !reject.Contains(k)));
                rejectSpan ??= s.Span;
            }
            if (s.MaxLength is { } max)
            {
                if (maxLength is not null) diagnostics.Add(s.Span, c => c.DuplicateSetting("as-path max-length", scope));
                maxLength = max;
                maxLengthSpan = s.Span;
            }
            if (s.FirstAsPeer)
            {
                if (firstAsSpan is not null) diagnostics.Add(s.Span, c => c.DuplicateSetting("as-path first-as", scope));
                firstAsSpan ??= s.Span;
            }
        }
        return new AsPathPolicy(reject.ToImmutableArray(), rejectSpan, maxLength, maxLengthSpan, firstAsSpan);
    }

    /// <summary>Where the neighbor says <c>blackhole reject</c> / <c>graceful-shutdown honor</c> (once).</summary>
    private SourceSpan? BindWellKnown(NeighborSyntax neighbor, BgpCommunity community, string setting)
    {
        var statements = neighbor.Body.OfType<WellKnownCommunitySyntax>().Where(s => s.Community == community).ToList();
        foreach (var extra in statements.Skip(1)) diagnostics.Add(extra.Span, c => c.DuplicateSetting(setting, $"neighbor {neighbor.Address.NetworkAddress}"));
        return statements.FirstOrDefault()?.Span;
    }

    /// <summary>
    /// The neighbor's <c>community in|out</c> statements of one direction together: <c>strip</c>
    /// once, the added communities in the order written. Inbound, <c>strip</c> would remove the
    /// community an <c>rpki … community</c> mark adds (MP2059).
    /// </summary>
    private CommunityPolicy? BindCommunities(NeighborSyntax neighbor, bool inbound)
    {
        var statements = neighbor.Body.OfType<CommunitySyntax>().Where(s => s.Inbound == inbound).ToList();
        if (statements.Count == 0) return null;
        string direction = inbound ? "in" : "out";
        string scope = $"neighbor {neighbor.Address.NetworkAddress}";
        bool strip = false;
        var add = new List<BgpCommunity>();
        foreach (var s in statements)
        {
            if (s.Strip)
            {
                if (strip) diagnostics.Add(s.Span, c => c.DuplicateSetting($"community {direction} strip", scope));
                strip = true;
            }
            add.AddRange(s.Add.Where(a => !add.Contains(a)));
        }
        if (inbound && strip)
        {
            foreach (var mark in neighbor.Body.OfType<OriginValidationSyntax>().Where(o => o.Community is not null))
            {
                diagnostics.Add(mark.Span, c => c.CommunityMarkStripped(neighbor.Address.NetworkAddress.ToString(), mark.State.Keyword(), mark.Community!.ToString()));
            }
        }
        return new CommunityPolicy(strip, add.ToImmutableArray(), statements.Select(s => s.Span).ToImmutableArray());
    }

    /// <summary>
    /// Origin validation needs validated ROA payloads: a neighbor that acts on them on a device
    /// without an RTR cache is MP2050; caches on a device that runs no BGP validate nothing (MP2051).
    /// </summary>
    private void RequireCachesForOriginValidation(string device, BgpPolicy? bgp, RpkiPolicy? rpki)
    {
        if (rpki is not null && bgp is null) diagnostics.Add(rpki.Span, c => c.RpkiWithoutBgp(device));
        if (rpki is { Caches.Length: > 0 } || bgp is null) return;
        foreach (var n in bgp.Neighbors)
        {
            if (n.OriginActions.FirstOrDefault() is { } first)
                diagnostics.Add(first.Span, c => c.OriginValidationWithoutCache(n.Address.NetworkAddress.ToString(), device));
        }
    }
}
