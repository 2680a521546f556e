using PolicyKit.Bmp.Monitoring;

namespace PolicyKit.Bmp.Station;

/// <summary>
/// Station-wide counters since start (sessions that closed are included in the totals). A
/// connection is accepted, then pending (TLS handshake, first message) until it becomes a
/// session or is refused, evicted or lost; see <see cref="BmpStationOptions"/>.
/// </summary>
public sealed record BmpStationCounters(
    long ConnectionsAccepted,
    long SessionsAccepted,
    int SessionsActive,
    int PendingNow,
    long SessionsRefused,
    long PendingRefused,
    long PendingEvicted,
    long PendingLost,
    long FirstMessageFailures,
    long TlsHandshakeFailures,
    long PlaintextRefused,
    long IdleClosed,
    long FramingErrors,
    long Messages,
    long Bytes,
    long MalformedMessages,
    long EventsSuppressed,
    long EventsDropped,
    long CertificateReloads,
    long CertificateReloadFailures,
    long InternalErrors);

/// <summary>The whole station now: counters, and every open session with its peers.</summary>
public sealed record BmpStationSnapshot(DateTimeOffset Time, BmpStationCounters Counters, IReadOnlyList<BmpSessionSnapshot> Sessions)
{
    /// <summary>The VRPs in force (null: RPKI validation off).</summary>
    public PolicyKit.Bmp.Analysis.OriginSourceInfo? Rpki { get; init; }

    /// <summary>The expected origins per prefix in force (null: that check off).</summary>
    public PolicyKit.Bmp.Analysis.OriginSourceInfo? ExpectedOrigins { get; init; }

    /// <summary>Every peer of every session.</summary>
    public IEnumerable<BmpPeerSnapshot> Peers => Sessions.SelectMany(s => s.Peers);
}

/// <summary>The outcome of reloading one TLS listener's certificates: on failure the old ones stay in use.</summary>
public sealed record BmpCertificateReload(string Listener, bool Success, string Detail);

/// <summary>The result of re-reading one origin file ("rpki" or "expected-origins"): the entries in force after it, and what happened.</summary>
public sealed record BmpOriginReload(string Source, bool Success, int Entries, string Detail)
{
    public override string ToString() => $"{Source}: {(Success ? "loaded" : "not loaded")}: {Detail}";
}
