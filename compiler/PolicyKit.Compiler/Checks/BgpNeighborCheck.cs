using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// BGP security practice per neighbor, as MSDP peers get it (MP3016, MP3023): an eBGP neighbor
/// without max-prefix (MP3031) or without an inbound prefix filter (MP3033), and any neighbor
/// without authentication (MP3032). iBGP neighbors are inside the operator's own AS: their
/// routes are the operator's, so only authentication is asked of them.
/// </summary>
public sealed class BgpNeighborCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            if (device.Bgp is not { } bgp) continue;
            foreach (var n in bgp.Neighbors)
            {
                string address = n.Address.NetworkAddress.ToString();
                bool ebgp = n.RemoteAs != bgp.LocalAs;
                if (ebgp && n.MaxPrefix is null) context.Diagnostics.Add(n.Span, c => c.EbgpWithoutMaxPrefix(address));
                if (n.Auth is null) context.Diagnostics.Add(n.Span, c => c.BgpWithoutAuthentication(address));
                // Under `ebgp-default reject` a neighbor without any inbound policy accepts nothing: no finding.
                bool acceptsAll = !bgp.EbgpRejectsUnfiltered || BgpPolicy.HasInboundPolicy(n);
                if (ebgp && n.PrefixFilterIn is null && acceptsAll) context.Diagnostics.Add(n.Span, c => c.EbgpWithoutInboundFilter(address));
            }
        }
    }
}
