using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Analysis.Diff;

/// <summary>
/// <c>mpolc diff --semantic</c>: what changed in meaning between two checked versions of a
/// policy, device by device — the ranges of joins, SAs, registers and prefixes newly admitted
/// or denied, limits and budgets raised or lowered, protections of peers gained or lost, keys
/// changed — and nothing for a rewrite that means the same (docs/questions.md, "Semantic diff").
/// </summary>
public static class SemanticDiff
{
    public static IReadOnlyList<SemanticChange> Compare(PolicyModel before, PolicyModel after)
    {
        var changes = new List<SemanticChange>();
        var joinDeltas = new JoinDeltas();
        foreach (var device in after.Devices)
        {
            var old = before.FindDevice(device.Name);
            if (old is null) changes.Add(new SemanticChange(device.Name, "device", "device", ChangeKind.Added));
            else changes.AddRange(new DeviceComparison(DeviceView.Of(before, old), DeviceView.Of(after, device), joinDeltas).Changes());
        }
        foreach (var device in before.Devices.Where(d => after.FindDevice(d.Name) is null))
            changes.Add(new SemanticChange(device.Name, "device", "device", ChangeKind.Removed));
        return changes;
    }
}
