using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Emit.Nftables;
using PolicyKit.Compiler.Output;
using PolicyKit.Compiler.Plan;
using PolicyKit.Compiler.Text;
using PolicyKit.Tables.Files;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc plan POLICY… --device NAME --running FILE</c>: compile the policy, read the device's
/// running configuration (a file in the platform's own <c>show running-config</c> /
/// <c>show configuration | display set</c> text, or live from FRR with <c>--running-from frr</c>;
/// for nftables <c>nft -j list ruleset</c>, or live with <c>--running-from nft</c>) and print exactly
/// the commands that move the router to the policy, touching only what PolicyKit owns
/// (<see cref="DeploymentPlan"/>, <see cref="NftablesPlan"/>). Exit 0 when nothing would change, 4 when something would
/// (CI and cron alert on drift), 1 when the policy has errors or the plan would replace an object
/// PolicyKit does not own (MP4030), 2 on usage or I/O errors.
/// </summary>
internal static class PlanCommand
{
    /// <summary>The running configuration differs from the policy: the plan has commands.</summary>
    public const int Changes = 4;

    /// <summary>The longest running configuration read (a large router's is a few MB).</summary>
    private const long MaxRunningBytes = 64L * 1024 * 1024;

    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("POLICY") { Description = "Policy files (.mpol).", Arity = ArgumentArity.OneOrMore };
        var device = new Option<string>("--device") { Description = "The device to plan for.", HelpName = "NAME", Required = true };
        var running = new Option<string?>("--running") { Description = "The device's running configuration, in the platform's own text (Junos: display set).", HelpName = "FILE" };
        var runningFrom = new Option<string?>("--running-from") { Description = "Read the running configuration live: frr (vtysh -c \"show running-config\") or nft (nft -j list ruleset).", HelpName = "frr|nft" };
        runningFrom.AcceptOnlyFromAmong("frr", "nft");
        var redact = new Option<bool>("--redact") { Description = "Replace secrets with placeholders in the printed commands." };
        var format = new Option<string>("--format") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var compilerOptions = new CompilerOptions();

        var command = new Command("plan", "Print the commands that move a device's running configuration to the policy (exit 0 no change, 4 change, 1 errors or a conflict, 2 usage/I/O).");
        command.Add(files);
        command.Add(device);
        command.Add(running);
        command.Add(runningFrom);
        command.Add(redact);
        command.Add(format);
        compilerOptions.AddTo(command, withAllowUnsupported: true);
        command.SetAction(parseResult =>
        {
            string? file = parseResult.GetValue(running), live = parseResult.GetValue(runningFrom);
            if ((file is null) == (live is null))
            {
                context.ReportError("give the running configuration with exactly one of --running FILE or --running-from frr|nft");
                return ExitCodes.UsageOrIoError;
            }
            return Run(context, parseResult.GetValue(files) ?? [], parseResult.GetValue(device)!, file, live,
                compilerOptions.Read(parseResult), parseResult.GetValue(redact), parseResult.GetValue(format) == "json");
        });
        return command;
    }

    private static int Run(CliContext context, IReadOnlyList<string> paths, string device, string? runningPath, string? runningFrom,
        CompilationOptions options, bool redact, bool json)
    {
        var texts = InputFiles.ReadAll(paths, context);
        if (texts is null) return ExitCodes.UsageOrIoError;
        var reader = new InMemoryPolicyFileReader(texts);
        var targets = DeploymentPlan.Platforms.Append(NftablesTarget).ToHashSet();
        var emit = new EmitOptions { Environment = context.GetEnvironmentVariable };
        var results = paths.Distinct(StringComparer.Ordinal).Select(p => PolicyEmitter.Compile(p, targets, options, emit, reader)).ToList();
        var failed = results.Where(r => r.HasErrors).ToList();
        if (failed.Count > 0)
        {
            new TextDiagnosticFormatter().Write(context.Error, DiagnosticReport.FromResults(failed.Select(r => r.Check with { Diagnostics = r.Diagnostics })));
            return ExitCodes.PolicyErrors;
        }
        var compiled = results.SelectMany(r => r.Files).Where(f => f.Device == device && targets.Contains(f.Target)).ToList();
        string runningName = runningPath ?? $"{runningFrom}:running-config";
        string? runningText = runningPath is not null ? ReadFile(context, runningPath) : runningFrom == "nft" ? ReadNft(context) : ReadFrr(context);
        if (runningText is null) return ExitCodes.UsageOrIoError;
        // A Linux box has an FRR file and an nftables file: the running configuration says which is planned.
        if (compiled.Count > 1)
        {
            bool nft = runningFrom == "nft" || (runningFrom is null && runningText.TrimStart().StartsWith('{'));
            compiled = compiled.Where(f => (f.Target == NftablesTarget) == nft).ToList();
        }
        if (compiled.Count != 1)
        {
            context.ReportError(compiled.Count == 0
                ? $"no configuration for device '{device}' on {string.Join(", ", targets.Order())} in the policy"
                : $"device '{device}' has {compiled.Count} configurations; a plan is made for one");
            return ExitCodes.UsageOrIoError;
        }
        var file = compiled[0];

        DeploymentPlan.Result plan;
        if (file.Target == NftablesTarget)
        {
            try
            {
                NftablesPlan.CheckRuleset(runningText);
                if (NftIntent(context, file.Content) is not { } intent) return ExitCodes.UsageOrIoError;
                plan = NftablesPlan.Make(runningText, intent, file.Content);
            }
            catch (FormatException e)
            {
                context.ReportError($"{runningName}: {e.Message}");
                return ExitCodes.UsageOrIoError;
            }
        }
        else
        {
            plan = DevicePlan(results, device, file, runningText);
        }
        return Report(context, plan, paths, targets, options, reader, file, device, runningName, runningText, results, redact, json);
    }

    private const string NftablesTarget = "nftables";

    private static DeploymentPlan.Result DevicePlan(List<CompileResult> results, string device, EmittedFile file, string runningText)
    {
        // The site objects the policy lets PolicyKit's replace on this device (takeover), device-wide and per interface.
        var model = results.Select(r => r.Check.Model?.Devices.FirstOrDefault(d => d.Name == device)).FirstOrDefault(d => d is not null);
        var takenOver = model is null ? [] : model.TakeOver.Select(o => new DeploymentPlan.Takeover(o.Name, null))
            .Concat(model.Interfaces.SelectMany(i => i.TakeOver.Select(o => new DeploymentPlan.Takeover(o.Name, i.Name)))).ToList();
        return DeploymentPlan.Make(file.Target, runningText, file.Content, takenOver);
    }

    private static int Report(CliContext context, DeploymentPlan.Result plan, IReadOnlyList<string> paths, IReadOnlySet<string> targets, CompilationOptions options,
        IPolicyFileReader reader, EmittedFile file, string device, string runningName, string runningText, List<CompileResult> results, bool redact, bool json)
    {
        var secretWords = redact ? SecretWords(paths, targets, options, reader, context, file) : [];
        // Replaced wherever they stand in a line (quoted on Junos), longest first.
        var secrets = secretWords.OrderByDescending(w => w.Length).ToList();
        string Show(string line) => secrets.Aggregate(line, (l, secret) => l.Replace(secret, "<redacted>", StringComparison.Ordinal));

        if (plan.Conflicts.Count > 0)
        {
            var source = new SourceFile(runningName, runningText);
            var diagnostics = plan.Conflicts.Select(c => DiagnosticCatalog.Instance.ReplacesSiteObject(Show(c.Running.Text), Show(c.Compiled.Text))
                .At(Span(source, c.Running.LineNumber))).ToList();
            var check = results[0].Check with { Diagnostics = diagnostics };
            new TextDiagnosticFormatter().Write(context.Error, DiagnosticReport.FromResults([check]));
        }
        if (json)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("device", device);
                w.WriteString("platform", file.Target);
                w.WriteBoolean("changes", plan.HasChanges);
                w.WriteStartArray("commands");
                foreach (var c in plan.Commands) w.WriteStringValue(Show(c));
                w.WriteEndArray();
                w.WriteStartArray("conflicts");
                foreach (var (r, c) in plan.Conflicts)
                {
                    w.WriteStartObject();
                    w.WriteString("code", "MP4030");
                    w.WriteString("running", Show(r.Text));
                    w.WriteNumber("line", r.LineNumber);
                    w.WriteString("compiled", Show(c.Text));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            context.Out.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n");
        }
        else if (plan.Conflicts.Count == 0)
        {
            // With a conflict nothing is printed to apply: the plan would drop a site's protection.
            foreach (var c in plan.Commands) context.Out.Write(Show(c) + "\n");
        }
        if (plan.Conflicts.Count > 0) return ExitCodes.PolicyErrors;
        context.Error.WriteLine(plan.HasChanges
            ? $"mpolc: {plan.Commands.Count} command{(plan.Commands.Count == 1 ? "" : "s")} move {device} to the policy"
            : $"mpolc: {device} matches the policy");
        return plan.HasChanges ? Changes : ExitCodes.Success;
    }

    private static SourceSpan Span(SourceFile source, int line)
    {
        int offset = 0;
        for (int i = 1; i < line; i++)
        {
            int next = source.Text.IndexOf('\n', offset);
            if (next < 0) break;
            offset = next + 1;
        }
        int end = source.Text.IndexOf('\n', offset);
        if (end < 0) end = source.Text.Length;
        while (offset < end && source.Text[offset] is ' ' or '\t') offset++;
        return new SourceSpan(source, offset, end - offset);
    }

    /// <summary>The words of the device's file that the redacted compile does not have: the secrets.</summary>
    private static HashSet<string> SecretWords(IReadOnlyList<string> paths, IReadOnlySet<string> targets, CompilationOptions options,
        IPolicyFileReader reader, CliContext context, EmittedFile file)
    {
        var emit = new EmitOptions { Environment = context.GetEnvironmentVariable, Redact = true };
        var redacted = paths.Distinct(StringComparer.Ordinal).Select(p => PolicyEmitter.Compile(p, targets, options, emit, reader))
            .SelectMany(r => r.Files).FirstOrDefault(f => f.Device == file.Device && f.Target == file.Target);
        var words = new HashSet<string>(StringComparer.Ordinal);
        if (redacted is null) return words;
        // The redacted file can differ in its lines (a note where a secret was), so not line by
        // line: every word of the real file that the redacted one never has is a secret's.
        static IEnumerable<string> Words(string text) => text.Split([' ', '\n', '"'], StringSplitOptions.RemoveEmptyEntries);
        var masked = Words(redacted.Content).ToHashSet(StringComparer.Ordinal);
        foreach (var w in Words(file.Content)) if (!masked.Contains(w)) words.Add(w);
        return words;
    }

    private static string? ReadFile(CliContext context, string path)
    {
        if (BoundedFile.TryReadAllText(path, MaxRunningBytes, out string text, out string reason)) return text;
        context.ReportError($"cannot read '{path}': {reason}");
        return null;
    }

    /// <summary>FRR's running configuration from vtysh.</summary>
    private static string? ReadFrr(CliContext context) =>
        RunTool(context, "vtysh", ["-c", "show running-config"], null, "install FRR (apt-get install frr) or give --running FILE");

    /// <summary>The kernel's ruleset, every table, as JSON.</summary>
    private static string? ReadNft(CliContext context) =>
        RunTool(context, "nft", ["-j", "list", "ruleset"], null, "install nftables (apt-get install nftables) or give --running FILE (nft -j list ruleset)");

    /// <summary>
    /// The compiled file as the kernel would hold it: loaded into a network namespace of its own
    /// that holds nothing else and ends with the command (unshare), then listed as JSON. The
    /// running ruleset is never touched.
    /// </summary>
    private static string? NftIntent(CliContext context, string compiled) =>
        RunTool(context, "unshare", ["--net", "--", "sh", "-c", $"nft -f - && nft -j list table {NftRuleset.TableFamily} {NftRuleset.TableName}"], compiled,
            "a plan for nftables loads the compiled file into a network namespace of its own: run as root, with unshare (util-linux) and nft (nftables) installed");

    /// <summary>Runs a tool bounded in time and returns its output, or reports why not and returns null.</summary>
    private static string? RunTool(CliContext context, string tool, IReadOnlyList<string> arguments, string? input, string hint)
    {
        string command = $"{tool} {string.Join(' ', arguments)}";
        try
        {
            var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(input ?? "");
            process.StandardInput.Close();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                context.ReportError($"{tool} did not answer within 30 s");
                return null;
            }
            if (process.ExitCode != 0)
            {
                context.ReportError($"{command} failed (exit {process.ExitCode}): {error.Result.Trim()}; {hint}");
                return null;
            }
            return output.Result;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            context.ReportError($"cannot run {tool} ({e.Message}); {hint}");
            return null;
        }
    }
}
