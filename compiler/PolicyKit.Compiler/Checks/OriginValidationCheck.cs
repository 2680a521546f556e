using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// RPKI origin validation as MANRS and RFC 7115 ask it of an eBGP edge: once a device reads
/// validated ROA payloads, every eBGP neighbor says what becomes of invalid routes (MP3080) —
/// left unsaid they are accepted like any other — and a neighbor that marks invalid routes
/// rather than rejecting them never prefers them to valid or not-found ones (MP3081).
/// </summary>
public sealed class OriginValidationCheck : PolicyCheck
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
                var invalid = n.OriginActionFor(RpkiState.Invalid);
                if (ebgp && device.Rpki is { Caches.Length: > 0 } && invalid is null)
                    context.Diagnostics.Add(n.Span, c => c.EbgpWithoutInvalidOriginAction(address));
                if (invalid is { Reject: false, LocalPreference: { } low })
                {
                    foreach (var state in new[] { RpkiState.Valid, RpkiState.NotFound })
                    {
                        var action = n.OriginActionFor(state);
                        if (action is { Reject: true }) continue;
                        // Routes without a local-preference mark keep the default, 100 on every platform.
                        int other = action?.LocalPreference ?? 100;
                        if (low >= other)
                        {
                            context.Diagnostics.Add(invalid.Span, c => c.InvalidOriginPreferred(address, low, other, state.Keyword()));
                            break;
                        }
                    }
                }
            }
        }
    }
}
