using PolicyKit.Telemetry.Fleet;

namespace PolicyKit.Agent.Telemetry;

/// <summary>
/// The MQTT topics of one agent: <c>PREFIX/SITE/DEVICE/{status, events, limits/SCOPE, bmp/PEER}</c>,
/// with PREFIX <c>policykit/v1</c> by default (the version is part of the topic so a dashboard can
/// subscribe to one payload version). Names are written into topic levels with '/', '+', '#', '%'
/// and control characters percent-encoded, so an interface called "GigabitEthernet0/0/1" stays one
/// level ("GigabitEthernet0%2F0%2F1") and no name can become an MQTT wildcard. docs/telemetry.md.
/// </summary>
public sealed record TopicScheme(string Prefix, string Site, string Device)
{
    public string Root => $"{Prefix.TrimEnd('/')}/{Level(Site)}/{Level(Device)}";

    /// <summary>Retained: online/offline and agent counters (the Last Will goes here too).</summary>
    public string Status => Root + "/status";

    /// <summary>Not retained: threshold crossings, deny bursts, table reloads and refusals.</summary>
    public string Events => Root + "/events";

    /// <summary>Retained: one limit's state. <paramref name="scope"/> is a '/'-separated path of already-encoded levels (see <see cref="LimitScope"/>).</summary>
    public string Limit(string scope) => Root + "/limits/" + scope;

    /// <summary>Retained: one BMP-monitored peer's state, under the router that reports it.</summary>
    public string Bmp(string router, string peer) => Root + "/bmp/" + Level(router) + "/" + Level(peer);

    /// <summary>Retained: one BMP-monitored router (its session). A router's identity always holds '@' or '=' or is an address, so it is never "station".</summary>
    public string BmpRouter(string router) => Root + "/bmp/" + Level(router);

    /// <summary>Retained: the BMP station's own counters.</summary>
    public string BmpStation => Root + "/bmp/station";

    /// <summary>Encodes a name as one topic level (<see cref="TopicLevel.Encode"/>).</summary>
    public static string Level(string name) => TopicLevel.Encode(name);
}
