using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP3070 (information): which scopes are in audit, at their <c>audit;</c> statement — a device,
/// or an interface (by its own block or a profile it uses) — and what the router configurations
/// leave out for them (<see cref="AuditWithholding"/>), so <c>mpolc check</c> shows it before a
/// policy is deployed.
/// </summary>
public sealed class AuditScopeCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            if (device.Audit is null && device.Interfaces.All(i => i.Audit is null)) continue;
            if (device.Audit is { } deviceAudit)
            {
                var (_, withheld) = AuditWithholding.Apply(device);
                context.Diagnostics.Add(deviceAudit, c => c.ScopeInAudit($"device '{device.Name}'", Describe(withheld.Select(w => w.Construct))));
            }
            foreach (var iface in device.Interfaces)
            {
                // Under a device in audit an interface's own statement adds nothing to report.
                if (iface.Audit is not { } audit || device.Audit is not null) continue;
                var (_, own) = AuditWithholding.Apply(device with { Audit = null, Interfaces = [iface] });
                context.Diagnostics.Add(audit, c => c.ScopeInAudit($"interface \"{iface.Name}\" of device '{device.Name}'", Describe(own.Select(w => w.Construct))));
            }
        }
    }

    private static string Describe(IEnumerable<string> constructs)
    {
        var distinct = constructs.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 0 ? string.Empty : string.Join(", ", distinct);
    }
}
