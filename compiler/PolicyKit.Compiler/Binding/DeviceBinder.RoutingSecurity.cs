using System.Collections.Immutable;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Syntax;

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
