namespace PolicyKit.Compiler.Diagnostics;

// MP4xxx: what a device's platform can and cannot express.
public sealed partial class DiagnosticCatalog
{
    public DiagnosticTemplate UnsupportedOnPlatform(string construct, string device, string platform, string reason) =>
        Error("MP4001", $"{construct} cannot be expressed on {platform} (device '{device}'): {reason}",
            "remove it from this device, or compile with --allow-unsupported to emit a marked comment instead");

    public DiagnosticTemplate InvalidInterfaceName(string name, string platform, string reason) =>
        Error("MP4003", $"\"{name}\" is not a valid interface name on {platform}: {reason}",
            "use the kernel's name for the interface (e.g. eth1, ens3, bond0.100)");

    public DiagnosticTemplate SecretUnavailable(string reference, string reason) =>
        Error("MP4002", $"secret {reference} is not available: {reason}",
            "set it before compiling, or compile with --redact to review the output without secrets");

    public DiagnosticTemplate SecretUnusable(string reference, string reason) =>
        Error("MP4020", $"secret {reference} cannot be used: {reason}",
            "a secret is one line of text: fix the value where it comes from (the environment variable, the file or the policy)");

    public DiagnosticTemplate SecretUnwritable(string reference, string platform, string rule) =>
        Error("MP4021", $"secret {reference} cannot be written for {platform}: {rule}",
            "choose a value the platform takes (docs/targets.md, Secrets)");

    public DiagnosticTemplate WeakSecret(string reference, string reason) =>
        Warning("MP4004", $"the key in {reference} is easy to guess: {reason}",
            "use a random key of at least 20 characters (e.g. openssl rand -base64 24), a different one per peer");

    public DiagnosticTemplate ReplacesSiteObject(string running, string compiled) =>
        Error("MP4030", $"'{compiled}' would replace '{running}', which PolicyKit does not own",
            "PolicyKit replaces only PK- objects: write takeover \"NAME\"; in the policy (or compose loopback-filter on Junos), remove the site's statement, or change the policy so it does not take this place");

    public DiagnosticTemplate ReplacesSiteSlot(string place, string owned, string platform) =>
        Warning("MP4031", $"{place} is set to {owned} on {platform}: it takes the place of any filter the router has there",
            "write 'compose loopback-filter \"NAME\";' to run the site's filter after PolicyKit's, or 'takeover \"NAME\";' to let PolicyKit's replace it; mpolc plan refuses to replace it otherwise (MP4030)");

    public DiagnosticTemplate BindsSiteSlots(string device, string platform, int count, string places) =>
        Info("MP4032", $"the {platform} output of '{device}' binds PolicyKit's objects in {count} place{(count == 1 ? "" : "s")} where the router may hold its own, which loading the file would replace: {places}",
            "apply through `mpolc plan` (it refuses, MP4030, when the router holds its own object there) or name it with `takeover`");
}
