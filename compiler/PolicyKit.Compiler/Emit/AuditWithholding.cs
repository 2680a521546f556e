using System.Collections.Immutable;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// What a router configuration leaves out for the scopes in audit (docs/targets.md#audit). No
/// platform PolicyKit writes can run an IGMP access list, a membership or state limit, a group
/// range or an MSDP SA filter in a "report but admit" mode, so an audited rule is withheld from
/// every configuration — the router admits — and mpol-agent, which evaluates the whole policy,
/// reports the would-deny decisions. Each withheld rule is named in a marked comment of the file.
/// BGP max-prefix and inbound prefix filters stay in the configuration even for a device in
/// audit: without an inbound policy, eBGP sessions on IOS XR and Junos (and FRR, RFC 8212) accept
/// no route at all, which would bite harder than the rule; the agent still reports their
/// would-deny decisions from BMP.
/// </summary>
public static class AuditWithholding
{
    /// <summary>One rule left out: where it applies ("interface Gi0/1", "device"), its construct name (<see cref="ConstructUses"/>) and where the policy writes it.</summary>
    public sealed record WithheldRule(string Scope, string Construct, SourceSpan Span);

    /// <summary>The device as its router configuration enforces it, and the rules withheld for audit (construct names of <see cref="ConstructUses"/>).</summary>
    public static (Device Device, IReadOnlyList<WithheldRule> Withheld) Apply(Device device)
    {
        if (device.Audit is null && device.Interfaces.All(i => i.Audit is null)) return (device, []);
        var withheld = new List<WithheldRule>();
        var interfaces = device.Interfaces.Select(i => device.Audits(i) ? Interface(i, withheld) : i).ToImmutableArray();
        var result = device with { Interfaces = interfaces };
        if (device.Audit is not null) result = RouterWide(result, withheld);
        return (result, withheld);
    }

    private static InterfacePolicy Interface(InterfacePolicy iface, List<WithheldRule> withheld)
    {
        string scope = $"interface {iface.Name}";
        foreach (var limit in iface.StateLimits) withheld.Add(new(scope, limit.IsCostBased ? "state-limit with costs" : "state-limit", limit.Span));
        return iface with
        {
            Igmp = Membership(scope, iface.Igmp, withheld),
            Mld = Membership(scope, iface.Mld, withheld),
            StateLimits = [],
        };
    }

    /// <summary>The membership rules the engine decides (minimum version, access filter, limit) withheld; queries and the control filter stay.</summary>
    private static GroupMembershipPolicy? Membership(string scope, GroupMembershipPolicy? membership, List<WithheldRule> withheld)
    {
        if (membership is null) return null;
        string p = membership.Protocol == GroupProtocol.Igmp ? "igmp" : "mld";
        if (membership.MinimumVersion is not null) withheld.Add(new(scope, $"{p} minimum version", membership.Span));
        if (membership.Access is { } access) withheld.Add(new(scope, $"{p} access filter", access.Span));
        if (membership.Limit is { } limit) withheld.Add(new(scope, limit.Except is null ? $"{p} interface limit" : $"{p} interface limit with except", limit.Span));
        var kept = membership with { MinimumVersion = null, Access = null, Limit = null };
        return kept.DropQueries || kept.Control is not null ? kept : null;
    }

    private static Device RouterWide(Device d, List<WithheldRule> withheld)
    {
        void Add(string construct, SourceSpan? span)
        {
            if (span is { } s) withheld.Add(new("device", construct, s));
        }
        Add("mroute-limit", d.RouteLimit?.Span);
        Add("igmp limit (router-wide)", d.IgmpRouterCap?.Span);
        Add("mld limit (router-wide)", d.MldRouterCap?.Span);
        Add("igmp default-limit", d.IgmpDefaultLimit?.Span);
        Add("mld default-limit", d.MldDefaultLimit?.Span);
        Add("group-range", d.GroupRange?.Span);
        Add("accept-register", d.Rp?.AcceptRegister?.Span);
        Add("register-rate-limit", d.RegisterRateLimitSpan);
        var result = d with
        {
            RouteLimit = null,
            IgmpRouterCap = null,
            MldRouterCap = null,
            IgmpDefaultLimit = null,
            MldDefaultLimit = null,
            GroupRange = null,
            Rp = d.Rp is null ? null : d.Rp with { AcceptRegister = null },
            RegisterRateLimit = null,
            RegisterRateLimitSpan = null,
        };
        if (d.Msdp is { } msdp)
        {
            Add("msdp redistribute filter", msdp.Redistribute is null ? null : msdp.Span);
            foreach (var peer in msdp.Peers)
            {
                Add("msdp sa-filter", peer.SaFilterIn is not null || peer.SaFilterOut is not null ? peer.Span : null);
                Add("msdp sa-limit", peer.SaLimit is not null ? peer.Span : null);
            }
            result = result with
            {
                Msdp = msdp with
                {
                    Redistribute = null,
                    Peers = msdp.Peers.Select(p => p with { SaFilterIn = null, SaFilterOut = null, SaLimit = null }).ToImmutableArray(),
                },
            };
        }
        return result;
    }
}
