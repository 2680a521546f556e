using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP4003: on Linux-based platforms (FRR, nftables, a Linux edge box) interface names are kernel
/// names: at most 15 bytes (IFNAMSIZ − 1), no '/', no whitespace. FRR and nft refuse a whole
/// file over one bad name, so it is caught here, at the line that names it.
/// </summary>
public sealed class InterfaceNameCheck : PolicyCheck
{
    public const int MaxLinuxNameLength = 15;

    public override void Run(CheckContext context)
    {
        foreach (var device in context.Model.Devices)
        {
            if (device.Platform is not (Platform.Frr or Platform.Nftables or Platform.Linux)) continue;
            foreach (var iface in device.Interfaces)
            {
                string? reason = Reason(iface.Name);
                if (reason is not null)
                {
                    context.Diagnostics.Add(iface.Span, c => c.InvalidInterfaceName(iface.Name, device.Platform.Keyword(), reason));
                }
            }
        }
    }

    public static string? Reason(string name)
    {
        if (name.Length == 0) return "it is empty";
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxLinuxNameLength) return $"Linux names are at most {MaxLinuxNameLength} bytes";
        if (name.Contains('/')) return "Linux names cannot contain '/'";
        if (name.Any(char.IsWhiteSpace)) return "Linux names cannot contain spaces";
        if (name is "." or "..") return "'.' and '..' are not interface names";
        return null;
    }
}
