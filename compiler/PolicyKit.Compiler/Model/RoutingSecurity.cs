using System.Collections.Immutable;
using System.Globalization;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Model;

/// <summary>
/// One RPKI-to-Router cache (RFC 8210) a router fetches validated ROA payloads from. Preference:
/// lower is preferred (RFC 8210 has none; every platform's own notion, 1–255). Refresh: how
/// often the router polls; null keeps the platform's default.
/// </summary>
public sealed record RpkiCache(IpPrefix Address, int Port, int Preference, TimeSpan? Refresh, SourceSpan Span)
{
    /// <summary>The RTR port IANA assigned (RFC 6810, 8210).</summary>
    public const int DefaultPort = 323;

    public const int DefaultPreference = 1;
}

/// <summary>The RTR caches of a device: where its origin validation gets its data.</summary>
public sealed record RpkiPolicy(ImmutableArray<RpkiCache> Caches, SourceSpan Span);

/// <summary>RFC 6811 origin validation states.</summary>
public enum RpkiState
{
    Valid,
    Invalid,
    NotFound,
}

public static class RpkiStateNames
{
    public static string Keyword(this RpkiState state) => state switch
    {
        RpkiState.Valid => "valid",
        RpkiState.Invalid => "invalid",
        _ => "not-found",
    };
}

/// <summary>
/// A standard community (RFC 1997), with the keyword it was written as when it is a well-known
/// one: no-export, no-advertise, blackhole (RFC 7999), graceful-shutdown (RFC 8326).
/// </summary>
public sealed record BgpCommunity(ushort Asn, ushort Value, string? WellKnownName)
{
    public static readonly BgpCommunity NoExport = new(65535, 65281, "no-export");
    public static readonly BgpCommunity NoAdvertise = new(65535, 65282, "no-advertise");
    public static readonly BgpCommunity Blackhole = new(65535, 666, "blackhole");
    public static readonly BgpCommunity GracefulShutdown = new(65535, 0, "graceful-shutdown");

    /// <summary>ASN:VALUE, the form every platform takes.</summary>
    public string Numeric => $"{Asn.ToString(CultureInfo.InvariantCulture)}:{Value.ToString(CultureInfo.InvariantCulture)}";

    public override string ToString() => WellKnownName ?? Numeric;
}

/// <summary>
/// What a neighbor does with routes of one origin validation state: reject them, accept them
/// unchanged, or accept them marked (a local preference, a community, or both).
/// </summary>
public sealed record OriginAction(RpkiState State, bool Reject, int? LocalPreference, BgpCommunity? Community, SourceSpan Span)
{
    public bool Marks => LocalPreference is not null || Community is not null;
}
