namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP3017: RFC 2439 damping parameters that cannot work together: reuse must be below
/// suppress, half-life at most max-suppress, and the penalty ceiling
/// reuse × 2^(max-suppress / half-life) must exceed suppress, or no route is ever suppressed.
/// MP3024 for values outside what routers accept (half-life 1–45 min, max-suppress ≤ 255 min).
/// </summary>
public sealed class DampingCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            if (device.Bgp?.Damping is not { } d) continue;
            if (d.HalfLife < TimeSpan.FromMinutes(1) || d.HalfLife > TimeSpan.FromMinutes(45))
            {
                context.Diagnostics.Add(d.Span, c => c.ValueOutOfRange("damping half-life", Model.DurationText.Format(d.HalfLife), "1m to 45m"));
                continue;
            }
            if (d.MaxSuppress > TimeSpan.FromMinutes(255))
            {
                context.Diagnostics.Add(d.Span, c => c.ValueOutOfRange("damping max-suppress", Model.DurationText.Format(d.MaxSuppress), "at most 255m"));
                continue;
            }
            if (d.Reuse >= d.Suppress)
            {
                context.Diagnostics.Add(d.Span, c => c.DampingOutOfOrder($"reuse {d.Reuse} must be below suppress {d.Suppress}"));
            }
            else if (d.HalfLife > d.MaxSuppress)
            {
                context.Diagnostics.Add(d.Span, c => c.DampingOutOfOrder(
                    $"half-life {Model.DurationText.Format(d.HalfLife)} is longer than max-suppress {Model.DurationText.Format(d.MaxSuppress)}"));
            }
            else
            {
                double ceiling = d.Reuse * Math.Pow(2, d.MaxSuppress.TotalMinutes / d.HalfLife.TotalMinutes);
                if (ceiling <= d.Suppress)
                {
                    context.Diagnostics.Add(d.Span, c => c.DampingOutOfOrder(
                        $"the penalty can never exceed {ceiling:0} (reuse × 2^(max-suppress/half-life)), so it never reaches suppress {d.Suppress}"));
                }
            }
        }
    }
}
