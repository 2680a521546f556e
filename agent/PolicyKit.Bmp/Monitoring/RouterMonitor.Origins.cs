using PolicyKit.Bmp.Analysis;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Monitoring;

/// <summary>
/// Origin validation (hijack telemetry) on the analysed view: each announcement — a route arriving
/// or changing its path — is validated against the station's VRPs (RFC 6811) and its expected
/// origins per prefix (<see cref="OriginSources"/>). Counted per peer by outcome; an RPKI-invalid
/// route or an unexpected origin is an event with the peer, prefix, origin AS, AS path and the
/// covering entries, within the event budget ("rpki-invalid PEER", "unexpected-origin PEER").
/// Routes already held are not re-validated when the data is reloaded.
/// </summary>
public sealed partial class RouterMonitor
{
    private readonly OriginSources? _origins;
    private OriginTable? _rpki;
    private OriginTable? _expectedOrigins;

    /// <summary>Takes the station's current origin data for this batch (both parts read at once).</summary>
    private void SyncOrigins()
    {
        if (_origins is null) return;
        (_rpki, _expectedOrigins) = _origins.Tables;
    }

    /// <summary>The route's origin per RFC 6811 §2; "the BGP speaker's own AS" is the monitored router's (its OPEN to the peer), else the peer's.</summary>
    private static RouteOrigin Origin(PeerState peer, UpdateDecoder d)
    {
        uint local = peer.SentOpen is { As: > 0 } sent ? sent.As : peer.Header.PeerAs;
        return RouteOrigin.From(d.AsPath, d.FourOctetAs, d.As4Path, local);
    }

    private void CheckOrigin(PeerState peer, in RoutePrefix p, RouteOrigin origin, ref string? asPath)
    {
        if (_rpki is { } rpki)
        {
            switch (rpki.Validate(p, origin))
            {
                case OriginState.Valid:
                    peer.RpkiValid++;
                    break;
                case OriginState.NotFound:
                    peer.RpkiNotFound++;
                    break;
                default:
                    peer.RpkiInvalid++;
                    OriginProblem(peer, p, origin, OriginCheck.Rpki, rpki, ref asPath);
                    break;
            }
        }
        if (_expectedOrigins is { } expected && expected.Validate(p, origin) == OriginState.Invalid)
        {
            peer.UnexpectedOrigins++;
            OriginProblem(peer, p, origin, OriginCheck.ExpectedOrigin, expected, ref asPath);
        }
    }

    private void OriginProblem(PeerState peer, in RoutePrefix p, RouteOrigin origin, OriginCheck check, OriginTable table, ref string? asPath)
    {
        string name = check == OriginCheck.Rpki ? "rpki-invalid" : "unexpected-origin";
        asPath ??= DisplayPath(peer, _decoder.AsPathText);
        string covering = string.Join("; ", table.Covering(p).Select(e => e.ToString()));
        peer.LastOriginProblem = $"{name} {p.PrefixText} origin {origin} as-path [{asPath}] expected {covering}";
        if (!MayReport(name + " " + PeerId(peer).Name)) return;
        _sink.Publish(new BmpOriginEvent(_time.GetUtcNow(), PeerId(peer), check, p.PrefixText, origin.IsNone ? null : origin.As, asPath, covering, ViewName(peer.AnalysisView)));
    }
}
