namespace PolicyKit.Telemetry.Fleet;

/// <summary>
/// One agent as the broker remembers it: its retained status, limits and BMP topics, keyed by the
/// rest of the topic after <c>PREFIX/SITE/DEVICE/</c>. <see cref="Status"/> is null when the
/// broker holds limits or BMP topics of the device but no status.
/// </summary>
public sealed record FleetDevice(
    string Site, string Device, byte[]? Status,
    IReadOnlyList<KeyValuePair<string, byte[]>> Limits, IReadOnlyList<KeyValuePair<string, byte[]>> Bmp);

/// <summary>The fleet under one prefix (devices by site, then name) or why it could not be read.</summary>
public sealed record FleetSnapshot(IReadOnlyList<FleetDevice> Devices, string? Error);

/// <summary>
/// Reads the retained topics of every agent that matches <c>PREFIX/SITE/DEVICE</c> (each of site
/// and device a name or the wildcard <c>+</c>) — <c>status</c>, <c>limits/#</c>, <c>bmp/#</c> —
/// and groups them by agent. The fleet view (<c>mpol-agent status --mqtt</c>) and the drift check
/// (<c>mpolc drift</c>) read the fleet through this, the same way.
/// </summary>
public static class FleetReader
{
    public const string AnyLevel = "+";

    public static async Task<FleetSnapshot> ReadAsync(BrokerReadOptions options, string prefix, string site, string device, CancellationToken cancel)
    {
        string root = $"{prefix.TrimEnd('/')}/{Filter(site)}/{Filter(device)}";
        var read = await RetainedReader.ReadAsync(options, [root + "/status", root + "/limits/#", root + "/bmp/#"], cancel).ConfigureAwait(false);
        if (read.Error is not null) return new FleetSnapshot([], read.Error);
        return new FleetSnapshot(Group(prefix, read.Messages), null);
    }

    /// <summary>Groups retained topics <c>PREFIX/SITE/DEVICE/REST</c> by agent; topics of another shape are ignored.</summary>
    public static IReadOnlyList<FleetDevice> Group(string prefix, IReadOnlyDictionary<string, byte[]> messages)
    {
        string head = prefix.TrimEnd('/') + "/";
        var devices = new SortedDictionary<(string Site, string Device), (byte[]? Status, List<KeyValuePair<string, byte[]>> Limits, List<KeyValuePair<string, byte[]>> Bmp)>();
        foreach (var (topic, payload) in messages.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (!topic.StartsWith(head, StringComparison.Ordinal)) continue;
            string[] levels = topic[head.Length..].Split('/', 4);
            if (levels.Length < 3) continue;
            var key = (TopicLevel.Decode(levels[0]), TopicLevel.Decode(levels[1]));
            if (!devices.TryGetValue(key, out var entry)) entry = devices[key] = (null, [], []);
            string rest = levels.Length == 4 ? levels[2] + "/" + levels[3] : levels[2];
            if (rest == "status") devices[key] = entry with { Status = payload };
            else if (levels[2] == "limits" && levels.Length == 4) entry.Limits.Add(new(levels[3], payload));
            else if (levels[2] == "bmp" && levels.Length == 4) entry.Bmp.Add(new(levels[3], payload));
        }
        return devices.Select(d => new FleetDevice(d.Key.Site, d.Key.Device, d.Value.Status, d.Value.Limits, d.Value.Bmp)).ToList();
    }

    /// <summary>A site or device name as a topic filter level: <c>+</c> stays the wildcard, a name is encoded.</summary>
    private static string Filter(string name) => name == AnyLevel ? AnyLevel : TopicLevel.Encode(name);
}
