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

        // Each device's files are staged in the output folder as soon as they are rendered, so the
        // compile never holds every file (its memory follows the policy, not the output); they are
        // moved into place only when every policy compiled without errors, else removed. With
        // -o - the files are the output stream: kept in device order and written at the end.
        bool toStandardOutput = outputDir == StandardOutput.Name;
        using var writer = toStandardOutput ? null : OutputWriter.Open(outputDir);
        var stagedTargets = new HashSet<string>(StringComparer.Ordinal);
        string? duplicate = null;
        int tables = 0;
        void Stage(IReadOnlyList<EmittedFile> files)
        {
            foreach (var file in files)
            {
                var output = Stamped(file);
                lock (stagedTargets)
                {
                    stagedTargets.Add(output.Target);
                    if (writer!.Has(output.RelativePath))
                    {
                        duplicate ??= output.RelativePath;
                        continue;
                    }
                    writer.Stage(output, output.ContainsSecrets && !emit.Redact);
                }
            }
        }
        EmittedFile Stamped(EmittedFile file)
        {
            if (file.Target != AgentTableEmitter.Target || file.Bytes is not { } table) return file;
            Interlocked.Increment(ref tables);
            // Numbered and signed here, not in the compiler: the compiled table is deterministic,
            // a signing time and a signature are not.
            return serial > 0 || signer is not null ? file with { Bytes = Stamp(table, serial, signer) } : file;
        }

        List<CompileResult> results;
        try
        {
            results = paths.Distinct(StringComparer.Ordinal)
                .Select(path => PolicyEmitter.Compile(path, targets, options, emit, reader, writer is null ? null : Stage)).ToList();
        }
        catch (OutputWriter.WriteFailure e)
        {
            context.ReportError(e.Message);
            return ExitCodes.UsageOrIoError;
        }

        var report = DiagnosticReport.FromResults(results.Select(r => r.Check with { Diagnostics = r.Diagnostics }).ToList());
        if (!write(report)) return ExitCodes.UsageOrIoError;
        if (report.HasErrors) return ExitCodes.PolicyErrors;

        var printed = results.SelectMany(r => r.Files).Select(Stamped).ToList();
        var generatedTargets = writer is null ? printed.Select(f => f.Target).ToHashSet(StringComparer.Ordinal) : stagedTargets;
        if (TargetSelection.Unmatched(namedTargets, generatedTargets, results) is { } unmatched)
        {
            context.ReportError(unmatched);
            return ExitCodes.UsageOrIoError;
        }
        duplicate ??= printed.GroupBy(f => f.RelativePath).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            context.ReportError($"two policies define device '{duplicate[..duplicate.IndexOf('/')]}': both would write {duplicate}");
            return ExitCodes.UsageOrIoError;
        }
        if (writer is null)
        {
            if (StandardOutput.TryWrite(context, printed) is not { } refused) return ExitCodes.Success;
            context.ReportError(refused);
            return ExitCodes.UsageOrIoError;
        }
        try
        {
            // All or nothing: moved into place only now that every file was written.
            writer.Commit();
        }
        catch (OutputWriter.WriteFailure e)
        {
            context.ReportError(e.Message);
            return ExitCodes.UsageOrIoError;
        }
        context.Error.WriteLine($"mpolc: wrote {writer.Count} file{(writer.Count == 1 ? "" : "s")} to {outputDir}");
        if (signer is not null)
        {
            int signed = tables;
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
