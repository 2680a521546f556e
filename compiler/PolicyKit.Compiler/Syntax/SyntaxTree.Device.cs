using System.Collections.Immutable;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Syntax;

// Statements allowed in a device block.

public abstract record DeviceStmtSyntax(SourceSpan Span);

public sealed record MrouteLimitSyntax(int Max, int? Warn, SourceSpan Span) : DeviceStmtSyntax(Span);

/// <summary><c>igmp limit N</c> (router-wide cap) or <c>igmp default-limit N</c> (per-interface default).</summary>
public sealed record DeviceGroupLimitSyntax(GroupProtocol Protocol, bool IsDefault, int Max, AddressRefSyntax? Except, SourceSpan Span) : DeviceStmtSyntax(Span);

/// <summary><c>audit;</c> in a device: every deny of the device is reported as "would deny", none enforced.</summary>
public sealed record AuditSyntax(SourceSpan Span) : DeviceStmtSyntax(Span);

public sealed record SapListenSyntax(bool On, SourceSpan Span) : DeviceStmtSyntax(Span);

/// <summary><c>takeover "NAME", …;</c> in a device: site objects whose device-wide place (the loopback filter) PolicyKit's may take.</summary>
public sealed record DeviceTakeoverSyntax(ImmutableArray<SiteObjectSyntax> Names, SourceSpan Span) : DeviceStmtSyntax(Span);

/// <summary><c>compose loopback-filter "NAME";</c>: the site's loopback filter runs after PolicyKit's instead of being replaced.</summary>
public sealed record ComposeLoopbackFilterSyntax(SiteObjectSyntax Filter, SourceSpan Span) : DeviceStmtSyntax(Span);

/// <summary>The name of an object of the site (an ACL or filter PolicyKit does not own), as written.</summary>
public sealed record SiteObjectSyntax(string Name, SourceSpan Span);

public sealed record MrinfoSyntax(bool DenyAny, NameSyntax? Filter, SourceSpan Span) : DeviceStmtSyntax(Span);

public sealed record GroupRangeSyntax(AddressRefSyntax? DenyGroups, NameSyntax? Filter, SourceSpan Span) : DeviceStmtSyntax(Span);

public sealed record SsmRangeSyntax(AddressRefSyntax Groups, SourceSpan Span) : DeviceStmtSyntax(Span);

public sealed record InterfaceDeclSyntax(string Name, SourceSpan NameSpan, ImmutableArray<NameSyntax> Uses, ImmutableArray<InterfaceStmtSyntax> Body, SourceSpan Span) : DeviceStmtSyntax(Span);

public sealed record RpBlockSyntax(ImmutableArray<RpStmtSyntax> Body, SourceSpan Span) : DeviceStmtSyntax(Span);

public abstract record RpStmtSyntax(SourceSpan Span);

public sealed record RpAddressSyntax(IpPrefix Address, AddressRefSyntax? Groups, SourceSpan Span) : RpStmtSyntax(Span);

/// <summary>accept-register / announce-filter: inline match terms or a named filter.</summary>
public sealed record RpFilterSyntax(bool IsAnnounceFilter, ImmutableArray<MatchTermSyntax> Terms, NameSyntax? Filter, SourceSpan Span) : RpStmtSyntax(Span);

public sealed record RegisterRateLimitSyntax(int PerSecond, SourceSpan Span) : DeviceStmtSyntax(Span);

public sealed record MsdpBlockSyntax(ImmutableArray<MsdpStmtSyntax> Body, SourceSpan Span) : DeviceStmtSyntax(Span);

public abstract record MsdpStmtSyntax(SourceSpan Span);

public sealed record MsdpOriginatorSyntax(string Interface, SourceSpan Span) : MsdpStmtSyntax(Span);

public sealed record MsdpRedistributeSyntax(NameSyntax Filter, SourceSpan Span) : MsdpStmtSyntax(Span);

public sealed record MsdpPeerSyntax(IpPrefix Address, long RemoteAs, ImmutableArray<PeerStmtSyntax> Body, SourceSpan Span) : MsdpStmtSyntax(Span);

public abstract record PeerStmtSyntax(SourceSpan Span);

public enum FilterDirection
{
    In,
    Out,
    Both,
}

public sealed record SaFilterSyntax(FilterDirection Direction, NameSyntax Filter, SourceSpan Span) : PeerStmtSyntax(Span);

public sealed record SaLimitSyntax(int Max, SourceSpan Span) : PeerStmtSyntax(Span);

public sealed record AuthSyntax(AuthKind Kind, SecretRef? Secret, NameSyntax? Keychain, SourceSpan Span) : PeerStmtSyntax(Span);

public sealed record PeerDescriptionSyntax(string Text, SourceSpan Span) : PeerStmtSyntax(Span);

public sealed record MeshGroupSyntax(NameSyntax Name, SourceSpan Span) : PeerStmtSyntax(Span);

public sealed record ConnectSourceSyntax(string Interface, SourceSpan Span) : PeerStmtSyntax(Span);

public sealed record BgpBlockSyntax(long LocalAs, ImmutableArray<BgpStmtSyntax> Body, SourceSpan Span) : DeviceStmtSyntax(Span);

public abstract record BgpStmtSyntax(SourceSpan Span);

public sealed record RouterIdSyntax(IpPrefix Address, SourceSpan Span) : BgpStmtSyntax(Span);

public sealed record NeighborSyntax(IpPrefix Address, long RemoteAs, ImmutableArray<PeerStmtSyntax> Body, SourceSpan Span) : BgpStmtSyntax(Span);

public sealed record DampingSyntax(TimeSpan? HalfLife, int? Reuse, int? Suppress, TimeSpan? MaxSuppress, SourceSpan Span) : BgpStmtSyntax(Span);

public sealed record MaxPrefixSyntax(int Max, Percent? Warn, TimeSpan? Restart, bool WarningOnly, SourceSpan Span) : PeerStmtSyntax(Span);

public sealed record TtlSecuritySyntax(int Hops, SourceSpan Span) : PeerStmtSyntax(Span);

public sealed record HoldTimeSyntax(TimeSpan Value, SourceSpan Span) : PeerStmtSyntax(Span);

public sealed record PrefixFilterSyntax(bool Inbound, NameSyntax Filter, SourceSpan Span) : PeerStmtSyntax(Span);

public sealed record KeychainBlockSyntax(NameSyntax Name, ImmutableArray<KeySyntax> Keys, SourceSpan Span) : DeviceStmtSyntax(Span);

public sealed record KeySyntax(int Id, SecretRef Secret, DateOnly? ValidFrom, DateOnly? ValidUntil, SourceSpan Span);

public sealed record BmpBlockSyntax(NameSyntax Name, ImmutableArray<BmpStmtSyntax> Body, SourceSpan Span) : DeviceStmtSyntax(Span);

public abstract record BmpStmtSyntax(SourceSpan Span);

public sealed record BmpAddressSyntax(IpPrefix Address, SourceSpan Span) : BmpStmtSyntax(Span);

public sealed record BmpPortSyntax(int Port, SourceSpan Span) : BmpStmtSyntax(Span);

public sealed record BmpTlsSyntax(TlsMode Mode, ImmutableArray<TlsStmtSyntax> Body, SourceSpan Span) : BmpStmtSyntax(Span);

public sealed record BmpMonitorSyntax(ImmutableArray<BmpMonitor> Policies, SourceSpan Span) : BmpStmtSyntax(Span);

public sealed record BmpStatsIntervalSyntax(TimeSpan Interval, SourceSpan Span) : BmpStmtSyntax(Span);

public enum TlsSetting
{
    MinVersion,
    Ciphers,
    Ca,
    Cert,
    Key,
    Strict,
}

public sealed record TlsStmtSyntax(TlsSetting Setting, string? Text, ImmutableArray<string> Ciphers, SecretRef? Secret, SourceSpan Span);

public sealed record TelemetryBlockSyntax(string? Site, TimeSpan? Interval, Percent? Warn, SourceSpan Span) : DeviceStmtSyntax(Span);

public sealed record ControlPlaneBlockSyntax(ImmutableArray<NameSyntax> Filters, ImmutableArray<ControlPlaneRate> Rates, SourceSpan Span) : DeviceStmtSyntax(Span);

public sealed record GroupEncryptionBlockSyntax(NameSyntax? Protect, int? GroupId, SourceSpan Span) : DeviceStmtSyntax(Span);

// Routing security (RPKI origin validation).

public sealed record RpkiBlockSyntax(ImmutableArray<RpkiCacheSyntax> Caches, SourceSpan Span) : DeviceStmtSyntax(Span);

public sealed record RpkiCacheSyntax(IpPrefix Address, int? Port, int? Preference, TimeSpan? Refresh, SourceSpan Span);

public sealed record OriginValidationSyntax(RpkiState State, bool Reject, int? LocalPreference, BgpCommunity? Community, SourceSpan Span) : PeerStmtSyntax(Span);

/// <summary><c>as-path reject CLASS, …;</c>, <c>as-path max-length N;</c> or <c>as-path first-as peer;</c> in a neighbor.</summary>
public sealed record AsPathSyntax(ImmutableArray<AsnClass> Reject, int? MaxLength, bool FirstAsPeer, SourceSpan Span) : PeerStmtSyntax(Span);

/// <summary><c>blackhole reject;</c> (RFC 7999) or <c>graceful-shutdown honor;</c> (RFC 8326) in a neighbor.</summary>
public sealed record WellKnownCommunitySyntax(BgpCommunity Community, SourceSpan Span) : PeerStmtSyntax(Span);

/// <summary><c>community in|out strip;</c> or <c>community in|out add C, …;</c> in a neighbor.</summary>
public sealed record CommunitySyntax(bool Inbound, bool Strip, ImmutableArray<BgpCommunity> Add, SourceSpan Span) : PeerStmtSyntax(Span);

/// <summary><c>ebgp-default accept|reject;</c> in bgp: what an eBGP direction without a filter exchanges (RFC 8212).</summary>
public sealed record EbgpDefaultSyntax(bool Reject, SourceSpan Span) : BgpStmtSyntax(Span);
