using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP3030: a group-encryption (GET VPN) scope that protects the PIM traffic which bootstraps PIM
/// itself — BSR messages to All-PIM-Routers (224.0.0.13) and Auto-RP (UDP 496 to 224.0.1.39/40).
/// The guide: "it is necessary to exclude certain PIM protocols used to bootstrap PIM, such as BSR
/// or Auto-RP". A crypto ACL cannot tell a BSR Bootstrap from a PIM Hello (both are PIM to
/// 224.0.0.13), so the way to exclude BSR is to exclude link-local PIM and protect PIM unicast
/// (registers) only — the guide's second way of securing PIM.
/// </summary>
public sealed class GroupEncryptionBootstrapCheck : PolicyCheck
{
    private static readonly IpPrefix AllPimRouters = IpPrefix.Parse("224.0.0.13/32");
    private static readonly IpPrefix AutoRpAnnounce = IpPrefix.Parse("224.0.1.39/32");

    public override void Run(CheckContext context)
    {
        var seen = new HashSet<Filter>(ReferenceEqualityComparer.Instance);
        foreach (var device in context.Model.Devices)
        {
            if (device.GroupEncryption?.Protect is not { } filter || !seen.Add(filter)) continue;
            if (FirstPermit(filter, Protocol.Pim, null, AllPimRouters) is { } bsr)
                context.Diagnostics.Add(bsr.Span, c => c.BootstrapEncrypted("PIM to 224.0.0.13 (BSR Bootstrap messages, with hellos and joins)", "deny protocol pim to 224.0.0.13;"));
            else if (FirstPermit(filter, Protocol.Udp, 496, AutoRpAnnounce) is { } autoRp)
                context.Diagnostics.Add(autoRp.Span, c => c.BootstrapEncrypted("Auto-RP (UDP 496 to 224.0.1.39 and 224.0.1.40)", "deny protocol auto-rp;"));
        }
    }

    /// <summary>
    /// The rule that decides a packet of this protocol (and port) to <paramref name="to"/> from
    /// some source, when it is a permit; null when a deny for every source decides first (or none
    /// matches: the implicit deny). A deny for some sources only leaves the others to later rules.
    /// </summary>
    private static FilterRule? FirstPermit(Filter filter, Protocol protocol, int? port, IpPrefix to)
    {
        foreach (var rule in filter.Rules)
        {
            var m = rule.Match;
            if (!ProtocolMatches(m, protocol, port)) continue;
            var destination = m.Groups ?? m.To;
            if (destination is not null && !destination.Matches(to)) continue;
            if (rule.Action == RuleAction.Permit) return rule;
            if (m.Sources is null && m.From is null) return null;
        }
        return null;
    }

    private static bool ProtocolMatches(Match m, Protocol protocol, int? port)
    {
        if (m.IgmpTypes.Length > 0) return false;
        if (m.Port is { } p && p != port) return false;
        if (m.Protocols.IsDefaultOrEmpty) return true;
        return m.Protocols.Any(x => x.Protocol == Protocol.Ip || x.Protocol == protocol ||
            (protocol == Protocol.Udp && port == 496 && x.Protocol == Protocol.AutoRp) ||
            (x.Protocol == Protocol.Number && x.Number == (protocol == Protocol.Pim ? 103 : 17)));
    }
}
