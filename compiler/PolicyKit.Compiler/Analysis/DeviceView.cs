using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Compiler.Model;
using PolicyKit.Engine;
using PolicyKit.Engine.Compiled;

namespace PolicyKit.Compiler.Analysis;

/// <summary>A rule of the policy as a person reads it: what it says, where it is, and the line as written.</summary>
public sealed record RuleInfo(string Text, string Location, string? SourceLine);

/// <summary>
/// One device of a checked policy with its admission table compiled for the engine: what every
/// question about the device is answered from, so the answers are what mpol-agent would decide.
/// </summary>
public sealed class DeviceView
{
    private DeviceView(PolicyModel model, Device device, CompiledTable table)
    {
        Model = model;
        Device = device;
        Table = table;
        Lines = new SourceLines(model.Files);
    }

    public PolicyModel Model { get; }

    public Device Device { get; }

    public CompiledTable Table { get; }

    public SourceLines Lines { get; }

    public static DeviceView Of(PolicyModel model, Device device) =>
        new(model, device, CompiledTable.Build(new AgentTableBuilder(model, device).Build()));

    /// <summary>A fresh engine over the device's table (no state).</summary>
    public AdmissionEngine NewEngine() => new(Table, new EngineOptions { MembershipCapacity = 64, RouteCapacity = 64, OutputCapacity = 64, SaCapacity = 64, RegisterCapacity = 16, PrefixCapacity = 64 });

    /// <summary>The rule a decision names, or null for none.</summary>
    public RuleInfo? Rule(RuleRef rule)
    {
        if (rule.IsNone) return null;
        string location = Table.LocationText(Table.LocationOf(rule));
        return new RuleInfo(Table.Describe(rule), location, location.Length == 0 ? null : Lines.Line(location));
    }

    /// <summary>The interface by its name in the policy, or null.</summary>
    public InterfacePolicy? Interface(string name) => Device.Interfaces.FirstOrDefault(i => i.Name == name);

    public string Title => $"device {Device.Name} ({Device.Platform.Keyword()})";
}
