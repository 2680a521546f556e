namespace PolicyKit.Compiler.Checks;

/// <summary>MP4001: a construct the device's platform cannot express (see <see cref="PlatformSupport"/>).</summary>
public sealed class PlatformSupportCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            var unsupported = PlatformSupport.Unsupported[device.Platform];
            foreach (var (construct, span) in PlatformSupport.ConstructsOf(device))
            {
                if (unsupported.TryGetValue(construct, out var reason))
                {
                    context.Diagnostics.Add(span, c => c.UnsupportedOnPlatform(construct, device.Name, Model.PlatformNames.Keyword(device.Platform), reason));
                }
            }
        }
    }
}
