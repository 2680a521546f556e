using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Plan;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Issue 16: a compiled file binds PolicyKit's objects in places of the router (an interface's
/// ACL, a neighbor's prefix-list, the control plane's service-policy) that may already hold an
/// object of the site; loaded as it is, it replaces that object. The compiler cannot see the
/// router, so it names those places once per device (MP4032), the same places where
/// <c>mpolc plan</c> refuses to replace a site object (MP4030). A <c>takeover</c> on the
/// interface, or on the device, says the policy means it. The Junos loopback filter has its own
/// diagnostic (MP4031, with <c>compose loopback-filter</c>) and is left out here.
/// </summary>
public static class SiteSlots
{
    // Blocks named in the message; a larger device's are counted (its file and mpolc plan show them all).
    private const int Listed = 12;

    /// <summary>Reports MP4032 for the places of <paramref name="compiled"/> no <c>takeover</c> covers.</summary>
    public static void Report(Device device, string platform, ConfigText compiled, DiagnosticBag diagnostics)
    {
        if (!DeploymentPlan.Platforms.Contains(platform) || !device.TakeOver.IsEmpty) return;
        var covering = device.Interfaces.Where(i => !i.TakeOver.IsEmpty).Select(i => i.Name).ToList();
        var places = DeploymentPlan.Bindings(platform, compiled)
            .Where(l => !IsLoopbackFilter(l) && !covering.Any(i => DeploymentPlan.InScope(l, i)))
            .Select(Describe)
            .ToList();
        if (places.Count == 0) return;
        // Counted all, listed once: two lists in one place of a kind read the same with their names as "…".
        // Grouped by block, in the file's order: "interface Gi1: ip access-group … in, ipv6 traffic-filter … in; control-plane: …".
        var groups = places.Distinct().GroupBy(p => p.Block, StringComparer.Ordinal)
            .Select(g => g.Key.Length == 0 ? string.Join(", ", g.Select(p => p.Statement)) : $"{g.Key}: {string.Join(", ", g.Select(p => p.Statement))}")
            .ToList();
        string list = string.Join("; ", groups.Take(Listed)) + (groups.Count > Listed ? $"; and {groups.Count - Listed} more blocks" : "");
        diagnostics.Add(device.NameSpan, c => c.BindsSiteSlots(device.Name, platform, places.Count, list));
    }

    /// <summary>Junos lo0 input filter (or list): MP4031's.</summary>
    private static bool IsLoopbackFilter(ConfigLine line) =>
        line.Text.StartsWith("set interfaces lo0 unit 0 family ", StringComparison.Ordinal) && line.Text.Contains(" filter input", StringComparison.Ordinal);

    /// <summary>The place as the configuration spells it, with PolicyKit's names as "…": (<c>interface Gi1</c>, <c>ip access-group … in</c>).</summary>
    private static (string Block, string Statement) Describe(ConfigLine line)
    {
        var words = line.Words.Select(w => ConfigLine.IsOwnedName(w) ? "…" : w);
        if (line.Text.StartsWith("set ", StringComparison.Ordinal)) words = words.Skip(1);
        return (string.Join(" / ", line.Context), string.Join(' ', words));
    }
}
