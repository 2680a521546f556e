using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP3011: two peers of one device authenticated with the same key (the same secret reference,
/// or the same TCP-AO keychain). One compromised peer would expose the other session too.
/// Both ends of one session legitimately share a key, so devices are checked one at a time.
/// </summary>
public sealed class KeyReuseCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            var owners = new Dictionary<string, string>(StringComparer.Ordinal);
            var peers = (device.Bgp?.Neighbors ?? []).Select(n => ($"BGP neighbor {n.Address.NetworkAddress}", n.Auth))
                .Concat((device.Msdp?.Peers ?? []).Select(p => ($"MSDP peer {p.Address.NetworkAddress}", p.Auth)));
            foreach (var (peer, auth) in peers)
            {
                if (auth is null) continue;
                var identities = auth.Kind == AuthKind.Md5
                    ? [(auth.Secret!.Identity, auth.Secret.Display)]
                    : auth.Keychain!.Keys.Select(k => (k.Secret.Identity, k.Secret.Display)).Prepend(($"keychain:{auth.Keychain.Name}", $"keychain '{auth.Keychain.Name}'")).ToList();
                foreach (var (identity, display) in identities)
                {
                    // Two keys of one peer's own keychain are not shared with another peer.
                    if (owners.TryGetValue(identity, out var other) && other != peer)
                    {
                        context.Diagnostics.Add(auth.Span, c => c.KeyReused(display, other));
                        break;
                    }
                    owners[identity] = peer;
                }
            }
        }
    }
}
