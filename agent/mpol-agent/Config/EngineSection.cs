using PolicyKit.Engine;

namespace PolicyKit.Agent.Config;

/// <summary>[engine]: protocol timers and initial table sizes of the admission engine.</summary>
public sealed record EngineSection(EngineOptions Options)
{
    public static EngineSection Bind(ConfigValues v)
    {
        var d = EngineOptions.Default;
        var second = TimeSpan.FromSeconds(1);
        return new EngineSection(new EngineOptions
        {
            MembershipTimeout = v.Duration("engine.membership_timeout", d.MembershipTimeout, second, "a membership not refreshed for this long ends (IGMP/MLD group membership interval)"),
            StateTimeout = v.Duration("engine.state_timeout", d.StateTimeout, second, "an (S,G) state without traffic or joins ends"),
            SaTimeout = v.Duration("engine.sa_timeout", d.SaTimeout, second, "an MSDP SA not refreshed ends"),
            MembershipCapacity = v.Int("engine.membership_capacity", d.MembershipCapacity, 16, 16_000_000, "initial membership table size (grows as needed)"),
            RouteCapacity = v.Int("engine.route_capacity", d.RouteCapacity, 16, 16_000_000, "initial route table size"),
            PrefixCapacity = v.Int("engine.prefix_capacity", d.PrefixCapacity, 16, 16_000_000, "initial BGP prefix table size"),
        });
    }
}
