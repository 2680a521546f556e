using System.CommandLine;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Output;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc compile POLICY... --target T -o DIR</c>: check, then write one file per device and
/// target (DIR/DEVICE/FILE). Nothing is written when a policy has errors. Files holding secrets
/// are created with mode 0600; --redact writes placeholders instead, for review.
/// </summary>
internal static class CompileCommand
{
    public const string AllTargets = "all";

    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("POLICY")
        {
            Description = "Policy files (.mpol) to compile.",
            Arity = ArgumentArity.OneOrMore,
        };
        var targets = new Option<string[]>("--target", "-t")
        {
            Description = $"What to generate: {string.Join("|", Emitters.Targets)}|{AllTargets} (repeatable). Each device gets the targets that serve its platform.",
            HelpName = "TARGET",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [AllTargets],
        };
        targets.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value != AllTargets && Emitters.Find(token.Value) is null)
                    result.AddError($"unknown target '{token.Value}': expected {string.Join(", ", Emitters.Targets)} or {AllTargets}");
            }
        });
        var outputDir = new Option<string>("--output-dir", "-o")
        {
            Description = "Directory to write DEVICE/FILE into (created if missing).",
            HelpName = "DIR",
            Required = true,
        };
        var redact = new Option<bool>("--redact")
        {
            Description = "Replace secrets with placeholders (for reviewing output; not deployable).",
        };
        var compilerOptions = new CompilerOptions();
        var reportOptions = new ReportOptions();

        var command = new Command("compile", "Compile policies to vendor configurations.");
        command.Add(files);
        command.Add(targets);
        command.Add(outputDir);
        command.Add(redact);
        compilerOptions.AddTo(command, withAllowUnsupported: true);
        reportOptions.AddTo(command, withOutput: false);
        command.SetAction(parseResult =>
        {
            var selected = parseResult.GetValue(targets) ?? [AllTargets];
            var targetSet = selected.Contains(AllTargets) ? Emitters.Targets.ToHashSet() : selected.ToHashSet();
            return Run(context, parseResult.GetValue(files) ?? [], targetSet, parseResult.GetValue(outputDir)!,
                compilerOptions.Read(parseResult), new EmitOptions { Redact = parseResult.GetValue(redact), Environment = context.GetEnvironmentVariable },
                report => reportOptions.Write(parseResult, context, report));
        });
        return command;
    }

    private static int Run(CliContext context, IReadOnlyList<string> paths, IReadOnlySet<string> targets, string outputDir,
        CompilationOptions options, EmitOptions emit, Func<DiagnosticReport, bool> write)
    {
        var texts = InputFiles.ReadAll(paths, context);
        if (texts is null) return ExitCodes.UsageOrIoError;
        var reader = new InMemoryPolicyFileReader(texts);
        var results = paths.Distinct(StringComparer.Ordinal).Select(path => PolicyEmitter.Compile(path, targets, options, emit, reader)).ToList();

        var report = DiagnosticReport.FromResults(results.Select(r => r.Check with { Diagnostics = r.Diagnostics }).ToList());
        if (!write(report)) return ExitCodes.UsageOrIoError;
        if (report.HasErrors) return ExitCodes.PolicyErrors;

        var outputs = results.SelectMany(r => r.Files).ToList();
        var duplicate = outputs.GroupBy(f => f.RelativePath).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            context.ReportError($"two policies define device '{duplicate.First().Device}': both would write {duplicate.Key}");
            return ExitCodes.UsageOrIoError;
        }
        try
        {
            foreach (var file in outputs) OutputWriter.Write(outputDir, file, secret: file.ContainsSecrets && !emit.Redact);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.ReportError($"cannot write to '{outputDir}': {InputFiles.Reason(e)}");
            return ExitCodes.UsageOrIoError;
        }
        context.Error.WriteLine($"mpolc: wrote {outputs.Count} file{(outputs.Count == 1 ? "" : "s")} to {outputDir}");
        return ExitCodes.Success;
    }
}
