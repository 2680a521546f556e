using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Which constructs each platform can express. Each platform's own table lives in its folder
/// (Emit/IosXe/IosXeSupport.cs, …, Emit/Linux/LinuxSupport.cs) beside its backend; this class
/// puts them together for the MP4001 check (<see cref="Checks.PlatformSupportCheck"/>) and the
/// emitter base, and yields the refinements: forms of a construct that some platform can write
/// only in part. Everything a table lists is reported and marked, never silently dropped.
/// </summary>
public static class PlatformSupport
{
    /// <summary>Unsupported constructs per platform, with the reason shown to the user.</summary>
    public static readonly IReadOnlyDictionary<Platform, IReadOnlyDictionary<string, string>> Unsupported =
        new Dictionary<Platform, IReadOnlyDictionary<string, string>>
        {
            [Platform.IosXe] = IosXe.IosXeSupport.Unsupported,
            [Platform.IosXr] = IosXr.IosXrSupport.Unsupported,
            [Platform.Junos] = Junos.JunosSupport.Unsupported,
            [Platform.Frr] = Frr.FrrSupport.Unsupported,
            [Platform.Nftables] = Nftables.NftablesSupport.Unsupported,
            [Platform.Linux] = Linux.LinuxSupport.Unsupported,
        };

    /// <summary>
    /// Forms of a construct that some platform can express only in part: an accept-register that
    /// also matches groups, a boundary over sources, a PIM neighbour list (rather than none),
    /// IPv6 multicast routing, a Loc-RIB monitor, an MSDP peer without a local address. Each is
    /// yielded in addition to its construct from <see cref="ConstructUses.Of"/>; a platform whose
    /// <see cref="Unsupported"/> table lists one gets MP4001 for it, and a backend serving that
    /// platform includes these in its responsible constructs (the FRR backend does). Platforms
    /// that express the whole construct need do nothing: no other table lists them.
    /// </summary>
    public static IEnumerable<(string Construct, SourceSpan Span)> RefinementsOf(Device device)
    {
        if (device.Platform == Platform.IosXe)
        {
            foreach (var refinement in IosXe.IosXeSupport.RefinementsOf(device)) yield return refinement;
        }
        if (device.Platform == Platform.IosXr)
        {
            // XR's own refinements, yielded for XR devices only (no other backend sees them).
            foreach (var refinement in IosXr.IosXrSupport.RefinementsOf(device)) yield return refinement;
        }
        if (device.Platform == Platform.Junos)
        {
            // Junos's own refinements, yielded for Junos devices only (no other backend sees them).
            foreach (var refinement in Junos.JunosSupport.RefinementsOf(device)) yield return refinement;
        }
        foreach (var iface in device.Interfaces)
        {
            if (iface.Pim is { PermittedNeighbors: not null, Disabled: false } pim) yield return ("pim neighbor filter by address", pim.Span);
            foreach (var boundary in iface.Boundaries)
            {
                if (iface.Pim is { Disabled: true }) yield return ("boundary on an interface without pim", boundary.Span);
                if (boundary.Filter.Rules.Any(r => r.Match.Sources is { IsAny: false })) yield return ("boundary by source", boundary.Span);
                if (boundary.Filter.Rules.Any(r => HasV6(r.Match.Groups) || HasV6(r.Match.Sources))) yield return ("ipv6 multicast routing", boundary.Span);
            }
        }
        if (device.Rp is { } rp)
        {
            if (rp.Address is { Family: IpFamily.V6 } || HasV6(rp.Groups)) yield return ("ipv6 multicast routing", rp.Span);
            if (rp.AcceptRegister is { } accept)
            {
                if (accept.Rules.Any(r => r.Match.Groups is { IsAny: false })) yield return ("accept-register by group", accept.Span);
                if (accept.Rules.Any(r => HasV6(r.Match.Sources) || HasV6(r.Match.Groups))) yield return ("ipv6 multicast routing", accept.Span);
            }
        }
        if (device.Msdp is { } msdp)
        {
            bool fallback = device.Rp?.Address is { Family: IpFamily.V4 } || device.Bgp?.RouterId is { Family: IpFamily.V4 };
            foreach (var peer in msdp.Peers)
            {
                if (peer.Address.Family == IpFamily.V6) yield return ("ipv6 multicast routing", peer.Span);
                if (peer.ConnectSource is { } source && !IsIpv4Address(source)) yield return ("msdp connect-source by interface name", peer.Span);
                else if (peer.ConnectSource is null && !fallback) yield return ("msdp peer without a local address", peer.Span);
            }
        }
        foreach (var station in device.BmpStations)
        {
            if (station.Monitor.Contains(BmpMonitor.LocRib)) yield return ("bmp monitor loc-rib", station.Span);
            if (station.Monitor.Contains(BmpMonitor.PostPolicy)) yield return ("bmp monitor post-policy", station.Span);
            if (station.Address is null) yield return ("bmp station without an address", station.Span);
            if (device.Bgp is null) yield return ("bmp station without bgp", station.Span);
        }
        if (device.SsmRangeSpan is { } ssm)
        {
            var range = device.SsmRange;
            var v6 = range.Include.Where(e => e.Prefix.Family == IpFamily.V6).ToList();
            bool v6Default = v6.Count == 1 && v6[0].Prefix == IpPrefix.DefaultSsmV6 && !range.Except.Any(e => e.Prefix.Family == IpFamily.V6);
            if (!range.IsAny && v6.Count > 0 && !v6Default) yield return ("ipv6 ssm-range", ssm);
            bool coversDefault = range.IsAny ||
                (range.Include.Any(e => e.Prefix.Contains(IpPrefix.DefaultSsmV4)) && !range.Except.Any(e => e.Prefix.Overlaps(IpPrefix.DefaultSsmV4)));
            if (!coversDefault) yield return ("ssm-range without the default range", ssm);
        }
        // Uses of a filter with log rules that some platforms write as routing policies (which
        // cannot log) rather than packet filters.
        foreach (var use in ConstructUses.LogUses(device).Distinct())
        {
            if (use.UsedBy is "igmp access filter" or "mld access filter" or "boundary" or "boundary filter-auto-rp" or "accept-register" or
                "announce-filter (Auto-RP)" or "group-range" or "msdp redistribute filter" or "msdp sa-filter")
                yield return ("rule log in a routing policy", use.Span);
        }
    }

    public static bool HasV6(AddressMatch? match) => match is { IsAny: false } && match.Include.Any(e => e.Prefix.Family == IpFamily.V6);

    /// <summary>True when a connect-source names an IPv4 address rather than an interface.</summary>
    public static bool IsIpv4Address(string text) =>
        System.Net.IPAddress.TryParse(text, out var address) &&
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && text.Count(c => c == '.') == 3;
}
