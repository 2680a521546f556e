using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP4001: a construct the device's platform cannot express (see <see cref="PlatformSupport"/>);
/// an error, or a warning under --allow-unsupported (the backend then writes a marked comment).
/// </summary>
public sealed class PlatformSupportCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            // Only a target that writes this platform's configuration can be blocked by its gaps.
            if (context.Options.Targets is { } targets && !Emitters.All.Any(e => targets.Contains(e.Target) && e.Serves(device.Platform))) continue;
            var unsupported = PlatformSupport.Unsupported[device.Platform];
            foreach (var (construct, span) in ConstructUses.Of(device).Concat(PlatformSupport.RefinementsOf(device)))
            {
                if (unsupported.TryGetValue(construct, out var reason))
                {
                    var diagnostic = Diagnostics.DiagnosticCatalog.Instance
                        .UnsupportedOnPlatform(construct, device.Name, Model.PlatformNames.Keyword(device.Platform), reason).At(span);
                    context.Diagnostics.Add(context.Options.AllowUnsupported ? diagnostic.WithSeverity(Diagnostics.DiagnosticSeverity.Warning) : diagnostic);
                }
            }
        }
    }
}
