namespace PolicyKit.Bench;

/// <summary>
/// The size of a generated policy. <see cref="Prefixes"/> counts the prefixes written in
/// <c>groups</c>/<c>sources</c>/<c>prefixes</c> sets; interfaces and peers are exact.
/// </summary>
public sealed record GeneratorPreset(
    string Name,
    int Prefixes,
    int Interfaces,
    int BgpPeers,
    int MsdpPeers,
    int AggregationDevices,
    int BorderDevices,
    int Providers,
    int Seed = 20261123)
{
    /// <summary>The target: a ~100k-line policy, 50k prefixes, 2k interfaces, 500 peers.</summary>
    public static readonly GeneratorPreset Large = new("100k", Prefixes: 50_000, Interfaces: 2_000, BgpPeers: 500, MsdpPeers: 100,
        AggregationDevices: 30, BorderDevices: 10, Providers: 24);

    /// <summary>One tenth of <see cref="Large"/>: ~10k lines.</summary>
    public static readonly GeneratorPreset Small = new("10k", Prefixes: 5_000, Interfaces: 200, BgpPeers: 50, MsdpPeers: 10,
        AggregationDevices: 3, BorderDevices: 1, Providers: 6);

    /// <summary>A few hundred lines, for a quick look at the shape of the output.</summary>
    public static readonly GeneratorPreset Tiny = new("1k", Prefixes: 400, Interfaces: 20, BgpPeers: 8, MsdpPeers: 2,
        AggregationDevices: 1, BorderDevices: 1, Providers: 2);

    public static IReadOnlyList<GeneratorPreset> All { get; } = [Tiny, Small, Large];

    public static GeneratorPreset? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
