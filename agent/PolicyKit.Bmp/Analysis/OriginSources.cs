namespace PolicyKit.Bmp.Analysis;

/// <summary>What one origin source holds now: its name ("rpki", "expected-origins"), where it came from, its size, when it was loaded.</summary>
public sealed record OriginSourceInfo(string Name, string Source, int Entries, DateTimeOffset Loaded);

/// <summary>
/// The origin data every router monitor of a station validates announcements against, each part
/// swapped whole (a monitor reads it once per batch of messages, so a batch never mixes two):
/// <list type="bullet">
/// <item><see cref="Rpki"/>: the VRPs (RFC 6811): an invalid route is a <c>bmp-rpki-invalid</c> event;</item>
/// <item><see cref="ExpectedOrigins"/>: the origins the policy expects per prefix — the IRR-built
/// sets (route objects: prefix, maximum length, origin AS), from a file in the VRP format today,
/// from the compiled table once it carries them (<see cref="SetExpectedOrigins"/> is the whole
/// interface). A covered announcement whose origin is not among them is a
/// <c>bmp-unexpected-origin</c> event; an uncovered one is not judged.</item>
/// </list>
/// Either may be absent (null): that check is off.
/// </summary>
public sealed class OriginSources
{
    private readonly Lock _gate = new();
    private volatile Snapshot _current = new(null, null, null, null);

    private sealed record Snapshot(OriginTable? Rpki, OriginSourceInfo? RpkiInfo, OriginTable? Expected, OriginSourceInfo? ExpectedInfo);

    public OriginTable? Rpki => _current.Rpki;

    public OriginTable? ExpectedOrigins => _current.Expected;

    public OriginSourceInfo? RpkiInfo => _current.RpkiInfo;

    public OriginSourceInfo? ExpectedOriginsInfo => _current.ExpectedInfo;

    /// <summary>Both tables, read together (one volatile read).</summary>
    internal (OriginTable? Rpki, OriginTable? Expected) Tables
    {
        get
        {
            var s = _current;
            return (s.Rpki, s.Expected);
        }
    }

    /// <summary>Replaces the VRPs (null turns RPKI validation off). Any thread.</summary>
    public void SetRpki(OriginTable? table, string source, DateTimeOffset loaded)
    {
        lock (_gate) _current = _current with { Rpki = table, RpkiInfo = table is null ? null : new OriginSourceInfo("rpki", source, table.Count, loaded) };
    }

    /// <summary>Replaces the expected origins per prefix (null turns the check off). Any thread.</summary>
    public void SetExpectedOrigins(OriginTable? table, string source, DateTimeOffset loaded)
    {
        lock (_gate) _current = _current with { Expected = table, ExpectedInfo = table is null ? null : new OriginSourceInfo("expected-origins", source, table.Count, loaded) };
    }
}
