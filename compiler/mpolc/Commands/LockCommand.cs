using System.CommandLine;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Irr;
using PolicyKit.Compiler.Output;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc lock FILE…</c>: resolves every IRR-built set of each policy from its RPSL data and
/// writes the lock file beside the policy (<c>FILE.lock</c>), which later compiles use instead of
/// the data. Prints per set how many prefixes it has and how many it gained and lost. A policy
/// with errors gets no lock (the old one stays). Exit 0 written (or nothing to write), 1 the
/// policy has errors, 2 usage or I/O error.
/// </summary>
internal static class LockCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("FILE") { Description = "Policy files (.mpol) whose IRR-built sets to resolve and pin.", Arity = ArgumentArity.OneOrMore };
        UnknownOptions.RefuseIn(files);
        var compilerOptions = new CompilerOptions();
        var reportOptions = new ReportOptions();
        var command = new Command("lock", "Resolve IRR-built prefix sets from RPSL data and pin them in FILE.lock (exit 0, 1 errors, 2 I/O).");
        command.Add(files);
        compilerOptions.AddTo(command);
        reportOptions.AddTo(command);
        command.SetAction(parse => Run(context, parse.GetValue(files) ?? [], compilerOptions.Read(parse), report => reportOptions.Write(parse, context, report)));
        return command;
    }

    private static int Run(CliContext context, IReadOnlyList<string> paths, CompilationOptions options, Func<DiagnosticReport, bool> write)
    {
        var texts = InputFiles.ReadAll(paths, context);
        if (texts is null) return ExitCodes.UsageOrIoError;
        var reader = new InMemoryPolicyFileReader(texts);
        var results = new List<CheckResult>();
        var locks = new List<(string Path, string Text)>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            var (result, lockText) = PolicyCompiler.Lock(path, options, reader);
            results.Add(result);
            if (lockText is not null) locks.Add((IrrLockFile.PathFor(path), lockText));
        }
        var report = DiagnosticReport.FromResults(results);
        if (!write(report)) return ExitCodes.UsageOrIoError;
        if (report.HasErrors) return ExitCodes.PolicyErrors;

        foreach (var (lockPath, text) in locks)
        {
            var before = DiskPolicyFileReader.Instance.Read(lockPath, out _) is { } previous ? IrrLockFile.Parse(previous, _ => { }) : null;
            var after = IrrLockFile.Parse(text, _ => { }) ?? new Dictionary<string, IrrLockedSet>();
            try
            {
                // Write beside, then rename: an interrupted lock leaves the old file, never half of one.
                string temporary = lockPath + ".mpolc-lock";
                File.WriteAllText(temporary, text);
                File.Move(temporary, lockPath, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.ReportError($"cannot write '{lockPath}': {InputFiles.Reason(e)}");
                return ExitCodes.UsageOrIoError;
            }
            foreach (var set in after.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                var old = before?.GetValueOrDefault(set.Name)?.Prefixes ?? [];
                int gained = set.Prefixes.Except(old).Count(), lost = old.Except(set.Prefixes).Count();
                context.Out.Write($"{lockPath}: {set.Name}: {set.Prefixes.Length} entries (+{gained} -{lost})\n");
            }
        }
        return ExitCodes.Success;
    }
}
