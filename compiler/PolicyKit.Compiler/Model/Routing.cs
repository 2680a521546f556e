using System.Collections.Immutable;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Model;

public enum AuthKind
{
    Md5,
    TcpAo,
}

/// <summary>Session authentication: an MD5 password (a secret) or TCP-AO with a keychain.</summary>
public sealed record Authentication(AuthKind Kind, SecretRef? Secret, Keychain? Keychain, SourceSpan Span);

public sealed record MsdpPeer(
    IpPrefix Address,
    long RemoteAs,
    Filter? SaFilterIn,
    Filter? SaFilterOut,
    int? SaLimit,
    Authentication? Auth,
    string? Description,
    string? MeshGroup,
    string? ConnectSource,
    SourceSpan Span);

public sealed record MsdpPolicy(string? OriginatorId, Filter? Redistribute, ImmutableArray<MsdpPeer> Peers, SourceSpan Span);

public sealed record MaxPrefix(int Max, Percent? WarnPercent, TimeSpan? Restart, bool WarningOnly, SourceSpan Span)
{
    /// <summary>The prefix count at which the warning fires (IOS: threshold percent of max).</summary>
    public int? WarnCount => WarnPercent is { } p ? (int)Math.Ceiling(Max * p.Value / 100m) : null;
}

public sealed record BgpNeighbor(
    IpPrefix Address,
    long RemoteAs,
    MaxPrefix? MaxPrefix,
    Authentication? Auth,
    int? TtlSecurityHops,
    TimeSpan? HoldTime,
    Filter? PrefixFilterIn,
    Filter? PrefixFilterOut,
    string? Description,
    SourceSpan Span)
{
    /// <summary>What the neighbor does with inbound routes per origin validation state (at most one action per state).</summary>
    public ImmutableArray<OriginAction> OriginActions { get; init; } = [];

    public OriginAction? OriginActionFor(RpkiState state) => OriginActions.FirstOrDefault(a => a.State == state);

    /// <summary>What the neighbor's inbound AS paths must satisfy; null when the policy says nothing of them.</summary>
    public AsPathPolicy? AsPath { get; init; }

    /// <summary>Where the policy rejects routes tagged BLACKHOLE (RFC 7999); null when it does not.</summary>
    public SourceSpan? BlackholeRejectSpan { get; init; }

    /// <summary>Where the policy honors GRACEFUL_SHUTDOWN (RFC 8326: local preference 0); null when it does not.</summary>
    public SourceSpan? GracefulShutdownSpan { get; init; }

    /// <summary>The communities stripped or added on the neighbor's inbound routes; null when the policy says nothing of them.</summary>
    public CommunityPolicy? CommunitiesIn { get; init; }

    /// <summary>The communities stripped or added on the routes sent to the neighbor; null when the policy says nothing of them.</summary>
    public CommunityPolicy? CommunitiesOut { get; init; }
}

/// <summary>RFC 2439 flap damping parameters.</summary>
public sealed record Damping(TimeSpan HalfLife, int Reuse, int Suppress, TimeSpan MaxSuppress, SourceSpan Span)
{
    // The defaults IOS and FRR use when a parameter is not written.
    public static readonly TimeSpan DefaultHalfLife = TimeSpan.FromMinutes(15);
    public const int DefaultReuse = 750;
    public const int DefaultSuppress = 2000;
    public static readonly TimeSpan DefaultMaxSuppress = TimeSpan.FromMinutes(60);
}

public sealed record BgpPolicy(long LocalAs, IpPrefix? RouterId, ImmutableArray<BgpNeighbor> Neighbors, Damping? Damping, SourceSpan Span)
{
    /// <summary>
    /// <c>ebgp-default reject</c>: an eBGP direction without a policy exchanges nothing (RFC 8212);
    /// otherwise (the default, or <c>ebgp-default accept</c>) it exchanges everything.
    /// </summary>
    public bool EbgpRejectsUnfiltered { get; init; }

    /// <summary>Where <c>ebgp-default</c> is written; null when the policy keeps the default (accept).</summary>
    public SourceSpan? EbgpDefaultSpan { get; init; }

    public bool IsEbgp(BgpNeighbor n) => n.RemoteAs != LocalAs;

    /// <summary>True when the neighbor's inbound routes pass through a policy: a prefix filter, or AS-path, community or origin checks.</summary>
    public static bool HasInboundPolicy(BgpNeighbor n) =>
        n.PrefixFilterIn is not null || !n.OriginActions.IsDefaultOrEmpty || n.AsPath is not null || n.BlackholeRejectSpan is not null || n.GracefulShutdownSpan is not null
        || n.CommunitiesIn is not null;
}

/// <summary>One key of a keychain with its validity window (send and accept lifetime).</summary>
public sealed record Key(int Id, SecretRef Secret, DateOnly? ValidFrom, DateOnly? ValidUntil, SourceSpan Span);

public sealed record Keychain(string Name, ImmutableArray<Key> Keys, SourceSpan Span, SourceSpan NameSpan);

public enum TlsMode
{
    Mutual,
    ServerOnly,
    Off,
}

public enum BmpMonitor
{
    PrePolicy,
    PostPolicy,
    LocRib,
}

public sealed record TlsSettings(TlsMode Mode, string? MinVersion, ImmutableArray<string> Ciphers, SecretRef? Ca, SecretRef? Cert, SecretRef? Key, bool Strict, SourceSpan Span);

public sealed record BmpStation(string Name, IpPrefix? Address, int Port, TlsSettings? Tls, ImmutableArray<BmpMonitor> Monitor, TimeSpan? StatsInterval, SourceSpan Span, SourceSpan NameSpan)
{
    public const int DefaultPort = 11019;
}
