using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP3005: an interface IGMP/MLD limit (its own, or the per-interface default) above the
/// router-wide cap. Both apply, so the interface can never use its whole limit.
/// </summary>
public sealed class GroupLimitCapCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            foreach (var protocol in new[] { GroupProtocol.Igmp, GroupProtocol.Mld })
            {
                if (device.RouterCapFor(protocol) is not { } cap) continue;
                string name = protocol.ToString().ToUpperInvariant();
                if (device.DefaultLimitFor(protocol) is { } defaultLimit && defaultLimit.Max > cap.Max)
                {
                    context.Diagnostics.Add(defaultLimit.Span, c => c.InterfaceLimitAboveCap(name, defaultLimit.Max, cap.Max));
                }
                foreach (var iface in device.Interfaces)
                {
                    if (iface.MembershipFor(protocol)?.Limit is { } limit && limit.Max > cap.Max)
                    {
                        context.Diagnostics.Add(limit.Span, c => c.InterfaceLimitAboveCap(name, limit.Max, cap.Max));
                    }
                }
            }
        }
    }
}
