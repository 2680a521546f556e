using PolicyKit.Compiler;
using PolicyKit.Compiler.Analysis;
using PolicyKit.Compiler.Output;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// Reads and checks a policy and picks one of its devices, for the commands that ask questions
/// of a device (explain, query). Errors are reported the way every command reports them: the
/// policy's diagnostics and exit 1 when it has errors, exit 2 for an unreadable file or a
/// device the policy does not have.
/// </summary>
internal static class CheckedDevice
{
    public static int Load(CliContext context, string path, string deviceName, CompilationOptions options, string purpose, out DeviceView? view, out CheckResult? result)
    {
        view = null;
        result = null;
        var texts = InputFiles.ReadAll([path], context);
        if (texts is null) return ExitCodes.UsageOrIoError;
        result = PolicyCompiler.Check(path, options, new InMemoryPolicyFileReader(texts));
        if (result.HasErrors || result.Model is null)
        {
            new TextDiagnosticFormatter().Write(context.Error, DiagnosticReport.FromResults([result]));
            context.ReportError($"'{path}' has errors; nothing to {purpose}");
            return ExitCodes.PolicyErrors;
        }
        var device = result.Model.FindDevice(deviceName);
        if (device is null)
        {
            string known = result.Model.Devices.Length == 0 ? "it has no device" : "its devices: " + string.Join(", ", result.Model.Devices.Select(d => d.Name));
            context.ReportError($"'{path}' has no device '{deviceName}' ({known})");
            return ExitCodes.UsageOrIoError;
        }
        view = DeviceView.Of(result.Model, device);
        return ExitCodes.Success;
    }
}
