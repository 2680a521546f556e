namespace PolicyKit.Compiler.Checks;

/// <summary>MP3004: a warning threshold at or above its limit never warns before the limit bites.</summary>
public sealed class WarningThresholdCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            if (device.RouteLimit is { Warn: { } warn } limit && warn >= limit.Max)
            {
                context.Diagnostics.Add(limit.Span, c => c.WarnNotBelowLimit("mroute-limit", warn.ToString(), limit.Max.ToString()));
            }
            foreach (var neighbor in device.Bgp?.Neighbors ?? [])
            {
                if (neighbor.MaxPrefix is { WarnPercent: { } percent } max && (percent.Value >= 100 || percent.Value <= 0))
                {
                    context.Diagnostics.Add(max.Span, c => c.WarnNotBelowLimit($"max-prefix of neighbor {neighbor.Address.NetworkAddress}", percent.ToString(), "100%"));
                }
            }
            if (device.Telemetry is { Warn: { } telemetryWarn } hints && (telemetryWarn.Value >= 100 || telemetryWarn.Value <= 0))
            {
                context.Diagnostics.Add(hints.Span, c => c.WarnNotBelowLimit("telemetry", telemetryWarn.ToString(), "100%"));
            }
        }
    }
}
