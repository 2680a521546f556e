namespace PolicyKit.Compiler.Checks;

/// <summary>
/// The guide's three MSDP protections per peer: MP3015 SA filters in both directions,
/// MP3016 an SA limit on inter-domain peers, MP3023 MD5 authentication.
/// A peer is inter-domain when it is in no mesh group and its AS differs from the device's BGP
/// AS (or the device runs no BGP, so nothing says it is internal).
/// </summary>
public sealed class MsdpPeerCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            foreach (var peer in device.Msdp?.Peers ?? [])
            {
                string address = peer.Address.NetworkAddress.ToString();
                if ((peer.SaFilterIn is null) != (peer.SaFilterOut is null))
                {
                    var (present, missing) = peer.SaFilterIn is not null ? ("in", "out") : ("out", "in");
                    context.Diagnostics.Add(peer.Span, c => c.MsdpFilterOneDirection(address, present, missing));
                }
                bool interDomain = peer.MeshGroup is null && (device.Bgp is null || device.Bgp.LocalAs != peer.RemoteAs);
                if (interDomain && peer.SaLimit is null)
                {
                    context.Diagnostics.Add(peer.Span, c => c.MsdpNoSaLimit(address, peer.RemoteAs));
                }
                if (peer.Auth is null)
                {
                    context.Diagnostics.Add(peer.Span, c => c.MsdpNoAuth(address));
                }
            }
        }
    }
}
