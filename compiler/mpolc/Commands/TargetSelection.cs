using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// A --target named explicitly that serves no device of the policies is a mistake (asking for
/// frr output of a policy whose devices are all ios-xe), not "nothing to do": it is reported,
/// naming the devices and their platforms, instead of writing nothing and exiting 0.
/// </summary>
internal static class TargetSelection
{
    /// <summary>The error for the first named target no file was generated for, or null when each named target matched a device.</summary>
    public static string? Unmatched(IReadOnlyCollection<string> named, IReadOnlySet<string> generated, IReadOnlyList<CompileResult> results)
    {
        string? missing = named.FirstOrDefault(t => t != CompileCommand.AllTargets && !generated.Contains(t));
        if (missing is null) return null;
        var devices = results.SelectMany(r => r.Check.Model?.Devices ?? []).Select(d => $"{d.Name} ({PlatformNames.Keyword(d.Platform)})").ToList();
        string which = devices.Count == 0 ? "the policy declares no device" : $"the devices are {string.Join(", ", devices)}";
        return $"--target {missing} matches no device: {which}";
    }
}
