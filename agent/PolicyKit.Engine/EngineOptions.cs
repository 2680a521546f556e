namespace PolicyKit.Engine;

/// <summary>
/// Timers and initial sizes of an <see cref="AdmissionEngine"/>. Timers follow the protocols'
/// defaults; capacities are the entries each state table holds before it first grows (growing
/// allocates once, then steady state allocates nothing again).
/// </summary>
public sealed record EngineOptions
{
    /// <summary>IGMP/MLD group membership interval: 2 × 125 s query interval + 10 s response time (RFC 3376 §8.4).</summary>
    public TimeSpan MembershipTimeout { get; init; } = TimeSpan.FromSeconds(260);

    /// <summary>How long (S,G)/(*,G) state lives without a refresh (PIM keepalive period, RFC 7761: 210 s). Zero: until deleted.</summary>
    public TimeSpan StateTimeout { get; init; } = TimeSpan.FromSeconds(210);

    /// <summary>How long an SA cache entry lives without a refresh (IOS: 6 minutes). Zero: until the peer goes away.</summary>
    public TimeSpan SaTimeout { get; init; } = TimeSpan.FromMinutes(6);

    public int MembershipCapacity { get; init; } = 4096;

    public int RouteCapacity { get; init; } = 4096;

    public int OutputCapacity { get; init; } = 8192;

    public int SaCapacity { get; init; } = 4096;

    public int RegisterCapacity { get; init; } = 1024;

    public int PrefixCapacity { get; init; } = 4096;

    public int InterfaceCapacity { get; init; } = 256;

    public static EngineOptions Default { get; } = new();
}
