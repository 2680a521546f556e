using System.Collections.Immutable;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Model;

public enum Platform
{
    IosXe,
    IosXr,
    Junos,
    Frr,
    Nftables,
    Linux,
}

public static class PlatformNames
{
    public static string Keyword(this Platform platform) => platform switch
    {
        Platform.IosXe => "ios-xe",
        Platform.IosXr => "ios-xr",
        Platform.Junos => "junos",
        Platform.Frr => "frr",
        Platform.Nftables => "nftables",
        _ => "linux",
    };
}

/// <summary>ip multicast route-limit with its warning threshold.</summary>
public sealed record RouteLimit(int Max, int? Warn, SourceSpan Span);

/// <summary>A router-wide protection whose value is a filter (mrinfo, group-range).</summary>
public sealed record FilterSetting(Filter Filter, SourceSpan Span);

/// <summary>
/// One router and everything the policy says about it. Interfaces are exactly those the policy
/// names; nothing is ever implied for an interface that is not written.
/// </summary>
public sealed record Device(
    string Name,
    Platform Platform,
    RouteLimit? RouteLimit,
    GroupLimit? IgmpRouterCap,
    GroupLimit? MldRouterCap,
    GroupLimit? IgmpDefaultLimit,
    GroupLimit? MldDefaultLimit,
    bool? SapListen,
    SourceSpan? SapListenSpan,
    FilterSetting? MrinfoFilter,
    FilterSetting? GroupRange,
    AddressMatch SsmRange,
    ImmutableArray<InterfacePolicy> Interfaces,
    RpPolicy? Rp,
    int? RegisterRateLimit,
    SourceSpan? RegisterRateLimitSpan,
    MsdpPolicy? Msdp,
    BgpPolicy? Bgp,
    ImmutableArray<Keychain> Keychains,
    ImmutableArray<BmpStation> BmpStations,
    TelemetryHints? Telemetry,
    ControlPlanePolicy? ControlPlane,
    GroupEncryptionPolicy? GroupEncryption,
    SourceSpan Span,
    SourceSpan NameSpan)
{
    /// <summary>The group limit an interface gets when it sets none of its own.</summary>
    public GroupLimit? DefaultLimitFor(GroupProtocol protocol) => protocol == GroupProtocol.Igmp ? IgmpDefaultLimit : MldDefaultLimit;

    public GroupLimit? RouterCapFor(GroupProtocol protocol) => protocol == GroupProtocol.Igmp ? IgmpRouterCap : MldRouterCap;

    /// <summary>Where the policy writes <c>ssm-range</c>; null when the device keeps the default (232/8, ff3x::/32).</summary>
    public SourceSpan? SsmRangeSpan { get; init; }

    /// <summary>The RTR caches origin validation reads (<c>rpki { cache …; }</c>); null when the device has none.</summary>
    public RpkiPolicy? Rpki { get; init; }

    /// <summary>Site objects whose device-wide place (the loopback filter) PolicyKit's may take (<c>takeover</c>).</summary>
    public ImmutableArray<SiteObject> TakeOver { get; init; } = [];

    /// <summary>The site's loopback filter PolicyKit's runs before (<c>compose loopback-filter</c>); null when it is replaced.</summary>
    public SiteObject? ComposedLoopbackFilter { get; init; }

    /// <summary>Where <c>audit;</c> puts the whole device in audit; null when it enforces. docs/language.md#audit.</summary>
    public SourceSpan? Audit { get; init; }

    /// <summary>Whether an interface's own rules are in audit: the device's or the interface's <c>audit;</c>.</summary>
    public bool Audits(InterfacePolicy iface) => Audit is not null || iface.Audit is not null;
}

/// <summary>An object of the site — an ACL or filter PolicyKit does not own — that the policy names, to take its place or to compose with it.</summary>
public sealed record SiteObject(string Name, SourceSpan Span)
{
    /// <summary>PolicyKit owns every object whose name starts with this; the site owns the rest.</summary>
    public const string OwnedPrefix = "PK-";
}

/// <summary>RP duties: the RP address and groups, accept-register, the Auto-RP announce filter.</summary>
public sealed record RpPolicy(IpPrefix? Address, AddressMatch? Groups, Filter? AcceptRegister, Filter? AnnounceFilter, SourceSpan Span);

/// <summary>Infrastructure ACL / CoPP for traffic to the router itself.</summary>
public sealed record ControlPlanePolicy(Filter? Filter, ImmutableArray<ControlPlaneRate> Rates, SourceSpan Span);

public sealed record ControlPlaneRate(ProtocolMatch Protocol, int PacketsPerSecond, SourceSpan Span);

/// <summary>GET-VPN style group encryption: the crypto ACL scope.</summary>
public sealed record GroupEncryptionPolicy(Filter? Protect, int? GroupId, SourceSpan Span);

/// <summary>Hints for the agent's telemetry.</summary>
public sealed record TelemetryHints(string? Site, TimeSpan? Interval, Percent? Warn, SourceSpan Span);
