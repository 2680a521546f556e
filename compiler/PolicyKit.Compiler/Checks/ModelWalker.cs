using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Checks;

/// <summary>Enumerations over the model that several checks share.</summary>
public static class ModelWalker
{
    /// <summary>Every filter: the named ones and those written inline inside devices.</summary>
    public static IEnumerable<Filter> AllFilters(PolicyModel model)
    {
        var seen = new HashSet<Filter>(ReferenceEqualityComparer.Instance);
        foreach (var filter in model.Filters.Concat(model.Devices.SelectMany(DeviceFilters)))
        {
            if (seen.Add(filter)) yield return filter;
        }
    }

    public static IEnumerable<Filter> DeviceFilters(Device device)
    {
        if (device.MrinfoFilter is { } m) yield return m.Filter;
        if (device.GroupRange is { } g) yield return g.Filter;
        foreach (var iface in device.Interfaces)
        {
            foreach (var membership in new[] { iface.Igmp, iface.Mld })
            {
                if (membership?.Access is { } access) yield return access;
                if (membership?.Control is { } control) yield return control;
            }
            foreach (var boundary in iface.Boundaries) yield return boundary.Filter;
            if (iface.SourceFilter is { } source) yield return source;
        }
        if (device.Rp?.AcceptRegister is { } accept) yield return accept;
        if (device.Rp?.AnnounceFilter is { } announce) yield return announce;
        if (device.Msdp is { } msdp)
        {
            if (msdp.Redistribute is { } redistribute) yield return redistribute;
            foreach (var peer in msdp.Peers)
            {
                if (peer.SaFilterIn is { } i) yield return i;
                if (peer.SaFilterOut is { } o) yield return o;
            }
        }
        foreach (var neighbor in device.Bgp?.Neighbors ?? [])
        {
            if (neighbor.PrefixFilterIn is { } i) yield return i;
            if (neighbor.PrefixFilterOut is { } o) yield return o;
        }
        if (device.ControlPlane?.Filter is { } cp) yield return cp;
        if (device.GroupEncryption?.Protect is { } protect) yield return protect;
    }

    /// <summary>Every place a group-range AddressMatch is written, and every source-range one.</summary>
    public static IEnumerable<(AddressMatch Match, bool IsGroup)> AllAddressMatches(PolicyModel model)
    {
        foreach (var set in model.Sets)
        {
            if (set.Kind == SetKind.Groups) yield return (set.Addresses, true);
            if (set.Kind == SetKind.Sources) yield return (set.Addresses, false);
        }
        IEnumerable<Match> matches = AllFilters(model).SelectMany(f => f.Rules).Select(r => r.Match)
            .Concat(model.Classes.Select(c => c.Match));
        foreach (var match in matches)
        {
            if (match.Groups is { } g) yield return (g, true);
            if (match.Sources is { } s) yield return (s, false);
        }
        foreach (var device in model.Devices)
        {
            foreach (var limit in new[] { device.IgmpDefaultLimit, device.IgmpRouterCap, device.MldDefaultLimit, device.MldRouterCap })
            {
                if (limit?.Except is { } e) yield return (e, true);
            }
            yield return (device.SsmRange, true);
            if (device.Rp?.Groups is { } rpGroups) yield return (rpGroups, true);
            foreach (var iface in device.Interfaces)
            {
                if (iface.Igmp?.Limit?.Except is { } ie) yield return (ie, true);
                if (iface.Mld?.Limit?.Except is { } me) yield return (me, true);
                foreach (var limit in iface.StateLimits)
                {
                    if (limit.Groups is { } lg) yield return (lg, true);
                    if (limit.Sources is { } ls) yield return (ls, false);
                }
            }
        }
    }

    /// <summary>Every secret reference with a label of where it is used.</summary>
    public static IEnumerable<(SecretRef Secret, bool IsPrivate)> AllSecrets(PolicyModel model)
    {
        foreach (var device in model.Devices)
        {
            foreach (var keychain in device.Keychains)
                foreach (var key in keychain.Keys) yield return (key.Secret, true);
            foreach (var peer in device.Msdp?.Peers ?? [])
                if (peer.Auth?.Secret is { } s) yield return (s, true);
            foreach (var neighbor in device.Bgp?.Neighbors ?? [])
                if (neighbor.Auth?.Secret is { } s) yield return (s, true);
            foreach (var station in device.BmpStations)
            {
                if (station.Tls?.Key is { } key) yield return (key, true);
                if (station.Tls?.Ca is { } ca) yield return (ca, false);
                if (station.Tls?.Cert is { } cert) yield return (cert, false);
            }
        }
    }

    /// <summary>
    /// The order of <see cref="IpPrefix.CompareTo"/> (family, network, length) without boxing the
    /// family enum on every comparison, for sorting many prefixes.
    /// </summary>
    public static int ComparePrefixes(IpPrefix a, IpPrefix b)
    {
        if (a.Family != b.Family) return ((byte)a.Family).CompareTo((byte)b.Family);
        int c = a.Network.CompareTo(b.Network);
        return c != 0 ? c : a.Length.CompareTo(b.Length);
    }

    public static string Describe(IpPrefix prefix) => prefix.IsHost ? prefix.NetworkAddress.ToString() : prefix.ToString();

    public static bool SameSpan(SourceSpan a, SourceSpan b) => a.File == b.File && a.Start == b.Start && a.Length == b.Length;
}
