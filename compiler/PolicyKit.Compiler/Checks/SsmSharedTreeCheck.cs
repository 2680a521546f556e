using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP3003: (*,G) state for groups in the SSM range. It is written two ways: a permit rule whose
/// source is the ASM wildcard (host 0.0.0.0 or ::, as IOS extended ACLs match (*,G) joins), and
/// an RP serving groups in the SSM range.
/// </summary>
public sealed class SsmSharedTreeCheck : PolicyCheck
{
    private static readonly IpPrefix WildcardV4 = IpPrefix.Parse("0.0.0.0/32");
    private static readonly IpPrefix WildcardV6 = IpPrefix.Parse("::/128");

    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            // `ssm-range any` makes every group SSM.
            List<IpPrefix> ssm = device.SsmRange.IsAny
                ? [IpPrefix.MulticastV4, IpPrefix.MulticastV6]
                : device.SsmRange.Include.Select(e => e.Prefix).ToList();
            foreach (var filter in ModelWalker.DeviceFilters(device))
            {
                foreach (var rule in filter.Rules)
                {
                    if (rule.Action != RuleAction.Permit || rule.Match.Sources is not { IsAny: false } sources || rule.Match.Groups is not { } groups) continue;
                    bool starG = sources.Include.Any(e => e.Prefix == WildcardV4 || e.Prefix == WildcardV6);
                    if (starG && Overlap(groups, ssm) is { } range)
                    {
                        context.Diagnostics.Add(rule.Span, c => c.StarGInSsmRange(groups.Describe(), range.ToString()));
                    }
                }
            }
            if (device.Rp is { Groups: { } rpGroups } rp && Overlap(rpGroups, ssm) is { } ssmRange)
            {
                context.Diagnostics.Add(rp.Span, c => c.StarGInSsmRange(rpGroups.Describe(), ssmRange.ToString()));
            }
        }
    }

    private static IpPrefix? Overlap(AddressMatch groups, List<IpPrefix> ssm)
    {
        if (groups.IsAny) return ssm.Count > 0 ? ssm[0] : null;
        foreach (var entry in groups.Include)
        {
            foreach (var range in ssm)
            {
                if (range.Overlaps(entry.Prefix) && !groups.Except.Any(e => e.Prefix.Contains(range) || e.Prefix.Contains(entry.Prefix)))
                    return range;
            }
        }
        return null;
    }
}
