using System.CommandLine;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Compiler.Output;
using PolicyKit.Tables.Files;
using PolicyKit.Tables.Format;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc compile POLICY... --target T -o DIR</c>: check, then write one file per device and
/// target (DIR/DEVICE/FILE). Nothing is written when a policy has errors. Files holding secrets
/// are created with mode 0600; --redact writes placeholders instead, for review. The agent
/// target writes DIR/DEVICE/DEVICE.mpt, the binary admission table; --sign KEY.pem signs it.
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
        UnknownOptions.RefuseIn(files);
        var targets = new Option<string[]>("--target", "-t")
        {
            Description = $"What to generate: {string.Join("|", Emitters.Targets)}|{AllTargets} (repeatable). Each device gets the targets that serve its platform.",
            HelpName = "TARGET",
            Arity = ArgumentArity.OneOrMore,
            // Not "-t frr junos": that would take the policy after -t for a target too.
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => [AllTargets],
        };
        targets.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value != AllTargets && !Emitters.IsTarget(token.Value))
                    result.AddError($"unknown target '{token.Value}': expected {string.Join(", ", Emitters.Targets)} or {AllTargets}");
            }
        });
        var outputDir = new Option<string>("--output-dir", "-o")
        {
            Description = "Directory to write DEVICE/FILE into (created if missing); - writes the configurations to standard output.",
            HelpName = "DIR",
            Required = true,
        };
        var redact = new Option<bool>("--redact")
        {
            Description = "Replace secrets with placeholders (for reviewing output; not deployable).",
        };
        var sign = new Option<string>("--sign")
        {
            Description = "Sign the agent tables with this ECDSA P-256 private key (PEM); mpol-agent can require signatures from listed keys.",
            HelpName = "KEY.pem",
        };
        var serial = new Option<long?>("--serial")
        {
            Description = "The serial of the agent tables (a positive number; default: the signing time in Unix seconds with --sign, else none). mpol-agent does not reload a table with a lower serial than the one in force.",
            HelpName = "N",
        };
        serial.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is <= 0) result.AddError("--serial must be a positive number");
        });
        var compilerOptions = new CompilerOptions();
        var reportOptions = new ReportOptions();

        var command = new Command("compile", "Compile policies to vendor configurations and agent tables.");
        command.Add(files);
        command.Add(targets);
        command.Add(outputDir);
        command.Add(redact);
        command.Add(sign);
        command.Add(serial);
        compilerOptions.AddTo(command, withAllowUnsupported: true);
        reportOptions.AddTo(command, withOutput: false);
        command.SetAction(parseResult =>
        {
            var selected = parseResult.GetValue(targets) ?? [AllTargets];
            var targetSet = selected.Contains(AllTargets) ? Emitters.Targets.ToHashSet() : selected.ToHashSet();
            // Standard output takes text: all targets there means all configurations, not the binary table.
            if (parseResult.GetValue(outputDir) == StandardOutput.Name && parseResult.GetResult(targets) is null or { Implicit: true }) targetSet.Remove(AgentTableEmitter.Target);
            string? keyPath = parseResult.GetValue(sign);
            long? tableSerial = parseResult.GetValue(serial);
            if (tableSerial is not null && !targetSet.Contains(AgentTableEmitter.Target))
            {
                context.ReportError($"--serial numbers the {AgentTableEmitter.Target} tables, but --target does not include {AgentTableEmitter.Target}");
                return ExitCodes.UsageOrIoError;
            }
            TableSigner? signer = null;
            if (keyPath is not null)
            {
                if (!targetSet.Contains(AgentTableEmitter.Target))
                {
                    context.ReportError($"--sign signs the {AgentTableEmitter.Target} tables, but --target does not include {AgentTableEmitter.Target}");
                    return ExitCodes.UsageOrIoError;
                }
                signer = LoadSigner(context, keyPath);
                if (signer is null) return ExitCodes.UsageOrIoError;
            }
            using (signer)
            {
                return Run(context, parseResult.GetValue(files) ?? [], selected, targetSet, parseResult.GetValue(outputDir)!,
                    compilerOptions.Read(parseResult), new EmitOptions { Redact = parseResult.GetValue(redact), Environment = context.GetEnvironmentVariable },
                    // With -o -, stdout is the configuration: the diagnostics go to stderr.
                    report => reportOptions.Write(parseResult, parseResult.GetValue(outputDir) == StandardOutput.Name ? context with { Out = context.Error, OutIsTerminal = false } : context, report), signer,
                    tableSerial ?? (signer is not null ? DateTimeOffset.UtcNow.ToUnixTimeSeconds() : 0));
            }
        });
        return command;
    }

    private static int Run(CliContext context, IReadOnlyList<string> paths, IReadOnlyList<string> namedTargets, IReadOnlySet<string> targets, string outputDir,
        CompilationOptions options, EmitOptions emit, Func<DiagnosticReport, bool> write, TableSigner? signer, long serial)
    {
        var texts = InputFiles.ReadAll(paths, context);
        if (texts is null) return ExitCodes.UsageOrIoError;
        var reader = new InMemoryPolicyFileReader(texts);
        var results = paths.Distinct(StringComparer.Ordinal).Select(path => PolicyEmitter.Compile(path, targets, options, emit, reader)).ToList();

        var report = DiagnosticReport.FromResults(results.Select(r => r.Check with { Diagnostics = r.Diagnostics }).ToList());
        if (!write(report)) return ExitCodes.UsageOrIoError;
        if (report.HasErrors) return ExitCodes.PolicyErrors;

        if (TargetSelection.Unmatched(namedTargets, results) is { } unmatched)
        {
            context.ReportError(unmatched);
            return ExitCodes.UsageOrIoError;
        }
        var outputs = results.SelectMany(r => r.Files).ToList();
        if (serial > 0 || signer is not null)
        {
            // Numbered and signed here, not in the compiler: the compiled table is deterministic,
            // a signing time and a signature are not.
            outputs = outputs.Select(f => f.Target == AgentTableEmitter.Target && f.Bytes is { } table ? f with { Bytes = Stamp(table, serial, signer) } : f).ToList();
        }
        var duplicate = outputs.GroupBy(f => f.RelativePath).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            context.ReportError($"two policies define device '{duplicate.First().Device}': both would write {duplicate.Key}");
            return ExitCodes.UsageOrIoError;
        }
        if (outputDir == StandardOutput.Name)
        {
            if (StandardOutput.TryWrite(context, outputs) is not { } refused) return ExitCodes.Success;
            context.ReportError(refused);
            return ExitCodes.UsageOrIoError;
        }
        try
        {
            // All or nothing: staged, then moved into place only when every file was written.
            OutputWriter.WriteAll(outputDir, outputs, file => file.ContainsSecrets && !emit.Redact);
        }
        catch (OutputWriter.WriteFailure e)
        {
            context.ReportError(e.Message);
            return ExitCodes.UsageOrIoError;
        }
        context.Error.WriteLine($"mpolc: wrote {outputs.Count} file{(outputs.Count == 1 ? "" : "s")} to {outputDir}");
        if (signer is not null)
        {
            int signed = outputs.Count(f => f.Target == AgentTableEmitter.Target);
            context.Error.WriteLine($"mpolc: signed {signed} agent table{(signed == 1 ? "" : "s")} with key {signer.KeyId}, serial {serial}");
        }
        return ExitCodes.Success;
    }

    private static byte[] Stamp(byte[] table, long serial, TableSigner? signer)
    {
        if (serial > 0) table = TableWriter.WithSerial(table, serial);
        return signer is null ? table : signer.Sign(table);
    }

    /// <summary>The signer for --sign, or null after reporting why the key cannot be used.</summary>
    private static TableSigner? LoadSigner(CliContext context, string path)
    {
        if (!TryReadKey(context, path, out string pem)) return null;
        try
        {
            return TableSigner.FromPem(pem, $"'{path}'");
        }
        catch (TableKeyException e)
        {
            context.ReportError(e.Message);
            return null;
        }
    }

    /// <summary>Reads a PEM key file named on the command line; reports a failure as mpolc reports unreadable inputs.</summary>
    internal static bool TryReadKey(CliContext context, string path, out string pem)
    {
        // A PEM key is a few hundred bytes: a regular file of at most 64 KB.
        if (BoundedFile.TryReadAllText(path, 64 * 1024, out pem, out string reason)) return true;
        context.ReportError($"cannot read key '{path}': {reason}");
        return false;
    }
}
