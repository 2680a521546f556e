using System.Collections.Immutable;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Model;

/// <summary>
/// The bound policy: every name resolved, every set flattened, every profile applied to its
/// interfaces. Immutable; every element keeps its source location. Backends and the agent-table
/// writer read only this.
/// </summary>
public sealed record PolicyModel(
    SourceFile Root,
    ImmutableArray<SourceFile> Files,
    ImmutableArray<AddressSet> Sets,
    ImmutableArray<Filter> Filters,
    ImmutableArray<TrafficClass> Classes,
    ImmutableArray<Device> Devices,
    string ContentHash)
{
    public Device? FindDevice(string name) => Devices.FirstOrDefault(d => d.Name == name);

    /// <summary>The policy's test blocks, in file order (mpolc test runs them; no emitter reads them).</summary>
    public ImmutableArray<PolicyTest> Tests { get; init; } = [];
}
