namespace PolicyKit.Compiler.Checks;

/// <summary>
/// BGP session values routers refuse: MP3022 a hold time of 1 or 2 s (RFC 4271: 0 or ≥ 3),
/// MP3024 a hold time above 65535 s, a TTL-security hop count outside 1–254, a
/// register rate limit above 65535.
/// </summary>
public sealed class SessionParameterCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            foreach (var neighbor in device.Bgp?.Neighbors ?? [])
            {
                if (neighbor.HoldTime is { } hold)
                {
                    double seconds = hold.TotalSeconds;
                    var span = neighbor.Span;
                    if (seconds is > 0 and < 3)
                        context.Diagnostics.Add(span, c => c.HoldTimeInvalid(Model.DurationText.Format(hold)));
                    else if (seconds > 65535)
                        context.Diagnostics.Add(span, c => c.ValueOutOfRange("hold time", Model.DurationText.Format(hold), "0 or 3s to 65535s"));
                }
                if (neighbor.TtlSecurityHops is { } hops and (< 1 or > 254))
                {
                    context.Diagnostics.Add(neighbor.Span, c => c.ValueOutOfRange("ttl-security hops", hops.ToString(), "1 to 254"));
                }
            }
            if (device.RegisterRateLimit is { } rate and > 65535 && device.RegisterRateLimitSpan is { } rateSpan)
            {
                context.Diagnostics.Add(rateSpan, c => c.ValueOutOfRange("register-rate-limit", rate.ToString(), "1 to 65535 per second"));
            }
        }
    }
}
