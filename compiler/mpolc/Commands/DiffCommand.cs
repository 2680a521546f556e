using System.CommandLine;
using System.Globalization;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Analysis.Diff;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Output;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc diff OLD NEW --target T</c>: compile both policies in memory and print, per device,
/// a unified diff of the generated configuration — what a policy change does to the routers,
/// for review before it is deployed. The header lines naming the compiler version, the policy
/// file and its hash, and the policy locations cited in comments, are compared as equal, so
/// only real changes show. Exit codes as diff(1):
/// 0 identical, 1 different, 2 usage or I/O error or a policy with errors (its diagnostics are
/// printed on stderr). A side may be a pipe (<c>&lt;(git show HEAD:p.mpol)</c>; see
/// <see cref="DiffSide"/>); <c>--git REV[..REV2] POLICY</c> compares revisions of a multi-file
/// policy (<see cref="GitRevisions"/>). <c>--semantic</c> compares meaning instead of lines
/// (<see cref="SemanticDiff"/>): exit 0 no change, 4 changes (as <c>mpolc plan</c>), 1 a policy
/// with errors, 2 usage or I/O error; no target is needed.
/// </summary>
internal static class DiffCommand
{
    /// <summary>The generated configurations are identical.</summary>
    public const int Same = 0;

    /// <summary>At least one generated file differs, appeared or disappeared.</summary>
    public const int Different = 1;

    /// <summary>--semantic: the meaning differs (the code of mpolc plan's changes).</summary>
    public const int MeaningChanged = PlanCommand.Changes;

    private enum OutputFormat
    {
        Text,
        Json,
    }

    public static Command Create(CliContext context)
    {
        var oldPolicy = new Argument<string>("OLD") { Description = "The policy as it is (e.g. as deployed, or from git show HEAD:policy.mpol)." };
        var newPolicy = new Argument<string?>("NEW") { Description = "The policy as it will be (left out with --git).", Arity = ArgumentArity.ZeroOrOne };
        var git = new Option<string?>("--git")
        {
            Description = "Compare git revisions of the policy named as OLD, with its includes: REV against the working tree, or REV1..REV2.",
            HelpName = "REV[..REV2]",
        };
        UnknownOptions.RefuseIn(oldPolicy);
        UnknownOptions.RefuseIn(newPolicy);
        var targets = new Option<string[]>("--target", "-t")
        {
            Description = $"The configuration to compare: {string.Join("|", Emitters.Targets)}|{CompileCommand.AllTargets} (repeatable).",
            HelpName = "TARGET",
            Arity = ArgumentArity.OneOrMore,
            // Not "-t frr junos": that would take the policy after -t for a target too.
            AllowMultipleArgumentsPerToken = false,
        };
        targets.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value != CompileCommand.AllTargets && !Emitters.Targets.Contains(token.Value))
                    result.AddError($"unknown target '{token.Value}': expected {string.Join(", ", Emitters.Targets)} or {CompileCommand.AllTargets}");
            }
        });
        var redact = new Option<bool>("--redact")
        {
            Description = "Replace secrets with placeholders on both sides (no secret is read or printed).",
        };
        var unified = new Option<int>("--unified", "-U")
        {
            Description = "Lines of context around each change.",
            HelpName = "N",
            DefaultValueFactory = _ => ConfigDiff.DefaultContext,
        };
        unified.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0) result.AddError("--unified must be 0 or more");
        });
        var semantic = new Option<bool>("--semantic")
        {
            Description = "Compare meaning, not configuration: ranges newly admitted or denied, limits raised or lowered, protections gained or lost, keys changed, per device (exit 0 none, 4 some; no --target).",
        };
        var format = new Option<OutputFormat>("--format", "-f")
        {
            Description = "With --semantic: text (for people) or json (for scripts).",
            HelpName = "text|json",
        };
        ChoiceParser.Configure(format, [("text", OutputFormat.Text), ("json", OutputFormat.Json)]);
        var compilerOptions = new CompilerOptions();

        var command = new Command("diff",
            "Compare the configurations two versions of a policy generate, device by device (exit 0 same, 1 different, 2 error).");
        command.Add(oldPolicy);
        command.Add(newPolicy);
        command.Add(targets);
        command.Add(redact);
        command.Add(unified);
        command.Add(git);
        command.Add(semantic);
        command.Add(format);
        compilerOptions.AddTo(command, withAllowUnsupported: true);
        command.SetAction(parseResult =>
        {
            var selected = parseResult.GetValue(targets) ?? [];
            bool isSemantic = parseResult.GetValue(semantic);
            if (isSemantic == (selected.Length > 0))
            {
                context.ReportError(isSemantic ? "--semantic compares meaning, not a target's configuration: leave out --target" : "diff needs --target (or --semantic)");
                return ExitCodes.UsageOrIoError;
            }
            if (!isSemantic && parseResult.GetResult(format) is { Implicit: false })
            {
                context.ReportError("--format is for --semantic");
                return ExitCodes.UsageOrIoError;
            }
            var targetSet = selected.Contains(CompileCommand.AllTargets) ? Emitters.Targets.ToHashSet() : selected.ToHashSet();
            string? range = parseResult.GetValue(git);
            string? newPath = parseResult.GetValue(newPolicy);
            if ((range is null) != (newPath is not null))
            {
                context.ReportError(range is null ? "diff needs OLD and NEW (or --git REV[..REV2] POLICY)" : "--git takes one POLICY, not OLD and NEW");
                return ExitCodes.UsageOrIoError;
            }
            using var revisions = new GitRevisions();
            var sides = range is null
                ? DiffSide.FromPaths(context, parseResult.GetValue(oldPolicy)!, newPath!)
                : revisions.Sides(context, range, parseResult.GetValue(oldPolicy)!);
            if (sides is not { } both) return ExitCodes.UsageOrIoError;
            if (parseResult.GetValue(semantic))
                return RunSemantic(context, both.Old, both.New, compilerOptions.Read(parseResult), parseResult.GetValue(format));
            return Run(context, both.Old, both.New, targetSet,
                compilerOptions.Read(parseResult),
                new EmitOptions { Redact = parseResult.GetValue(redact), Environment = context.GetEnvironmentVariable },
                parseResult.GetValue(unified));
        });
        return command;
    }

    private static int Run(CliContext context, DiffSide oldSide, DiffSide newSide, IReadOnlySet<string> targets,
        CompilationOptions options, EmitOptions emit, int contextLines)
    {
        string oldPath = oldSide.Label, newPath = newSide.Label;
        var oldResult = PolicyEmitter.Compile(oldSide.CompilePath, targets, options, emit, oldSide.Reader);
        var newResult = PolicyEmitter.Compile(newSide.CompilePath, targets, options, emit, newSide.Reader);

        var failed = new[] { (Side: oldSide, Result: oldResult), (Side: newSide, Result: newResult) }
            .Where(s => s.Result.HasErrors).DistinctBy(s => s.Side.Label).ToList();
        if (failed.Count > 0)
        {
            // stdout is the diff; the reason there is none goes to stderr.
            var report = DiagnosticReport.FromResults(failed.Select(s => s.Result.Check with { Diagnostics = s.Result.Diagnostics }));
            new TextDiagnosticFormatter().Write(context.Error, report);
            foreach (var (side, _) in failed) context.ReportError($"'{side.Label}' has errors; nothing to compare");
            return ExitCodes.UsageOrIoError;
        }

        var diffs = ConfigDiff.CompareFiles(oldResult.Files, newResult.Files, contextLines, oldSide.CompilePath, newSide.CompilePath);
        foreach (var diff in diffs.Where(d => d.Change != FileChange.Unchanged))
        {
            WriteFileDiff(context.Out, diff, oldPath, newPath);
        }

        int changed = diffs.Count(d => d.Change == FileChange.Changed);
        int added = diffs.Count(d => d.Change == FileChange.Added);
        int removed = diffs.Count(d => d.Change == FileChange.Removed);
        string scope = string.Join(", ", Emitters.Targets.Where(targets.Contains));
        context.Error.WriteLine(changed + added + removed == 0
            ? $"mpolc: no differences ({Count(diffs.Count, "file")} compared for {scope})"
            : $"mpolc: {changed} changed, {added} added, {removed} removed ({Count(diffs.Count, "file")} compared for {scope})");
        return changed + added + removed == 0 ? Same : Different;
    }

    private static int RunSemantic(CliContext context, DiffSide oldSide, DiffSide newSide, CompilationOptions options, OutputFormat format)
    {
        var oldResult = PolicyCompiler.Check(oldSide.CompilePath, options, oldSide.Reader);
        var newResult = PolicyCompiler.Check(newSide.CompilePath, options, newSide.Reader);
        var failed = new[] { (Side: oldSide, Result: oldResult), (Side: newSide, Result: newResult) }
            .Where(s => s.Result.HasErrors || s.Result.Model is null).DistinctBy(s => s.Side.Label).ToList();
        if (failed.Count > 0)
        {
            new TextDiagnosticFormatter().Write(context.Error, DiagnosticReport.FromResults(failed.Select(s => s.Result)));
            foreach (var (side, _) in failed) context.ReportError($"'{side.Label}' has errors; nothing to compare");
            return ExitCodes.PolicyErrors;
        }
        var changes = SemanticDiff.Compare(oldResult.Model!, newResult.Model!);
        if (format == OutputFormat.Json) SemanticDiffWriter.WriteJson(context.Out, oldSide.Label, newSide.Label, changes);
        else SemanticDiffWriter.WriteText(context.Out, changes);
        context.Error.WriteLine(SemanticDiffWriter.Summary(changes));
        return changes.Count == 0 ? Same : MeaningChanged;
    }

    /// <summary>
    /// One file's diff: a line naming the device and what happened to it, then a unified diff
    /// with git-style labels (a/ old, b/ new; /dev/null for a side that has no such file).
    /// </summary>
    internal static void WriteFileDiff(TextWriter output, FileDiff diff, string oldPath, string newPath)
    {
        string status = diff.Change switch
        {
            FileChange.Added => $"added (only in {newPath})",
            FileChange.Removed => $"removed (only in {oldPath})",
            _ => "changed",
        };
        output.Write($"device {diff.Device} ({diff.FileName}): {status}\n");
        output.Write($"--- {(diff.Change == FileChange.Added ? "/dev/null" : "a/" + diff.RelativePath)}\n");
        output.Write($"+++ {(diff.Change == FileChange.Removed ? "/dev/null" : "b/" + diff.RelativePath)}\n");
        output.Write(ConfigDiff.FormatHunks(diff.Hunks));
    }

    private static string Count(int n, string noun) => $"{n.ToString(CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";
}
