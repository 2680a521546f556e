using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP3010: an interface permits IGMP/MLD joins for groups that the device's group-range denies
/// everywhere — the permit can never take effect, so one of the two is a mistake.
/// </summary>
public sealed class DeniedRangePermitCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            if (device.GroupRange is not { } range) continue;
            var denied = new List<AddressMatch>();
            foreach (var rule in range.Filter.Rules)
            {
                if (rule.Match.Groups is not { IsAny: false } groups) break;
                if (rule.Action == RuleAction.Deny) denied.Add(groups);
            }
            foreach (var iface in device.Interfaces)
            {
                foreach (var access in new[] { iface.Igmp?.Access, iface.Mld?.Access })
                {
                    foreach (var rule in access?.Rules ?? [])
                    {
                        if (rule.Action != RuleAction.Permit || rule.Match.Groups is not { IsAny: false } groups) continue;
                        var hit = groups.Include.FirstOrDefault(e => denied.Any(d => d.Matches(e.Prefix)));
                        if (hit is not null)
                        {
                            context.Diagnostics.Add(rule.Span, c => c.PermitOfDeniedRange(ModelWalker.Describe(hit.Prefix), $"the group-range of device '{device.Name}'")
                                .WithRelated(range.Span, "denied here"));
                        }
                    }
                }
            }
        }
    }
}
