using System.CommandLine;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Output;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc check FILE...</c>: parse, bind and check each policy (with its includes), print
/// every diagnostic, emit nothing. The CI gate: exit 0 clean, 1 on any error.
/// </summary>
internal static class CheckCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Policy files (.mpol) to check; std/NAME.mpol names a file of the shipped standard library.",
            Arity = ArgumentArity.OneOrMore,
        };
        UnknownOptions.RefuseIn(files);
        var compilerOptions = new CompilerOptions();
        var reportOptions = new ReportOptions();

        var command = new Command("check", "Check policies and report diagnostics, without generating output.");
        command.Add(files);
        compilerOptions.AddTo(command);
        reportOptions.AddTo(command);
        command.SetAction(parseResult => Run(
            context,
            parseResult.GetValue(files) ?? [],
            compilerOptions.Read(parseResult),
            report => reportOptions.Write(parseResult, context, report)));
        return command;
    }

    private static int Run(CliContext context, IReadOnlyList<string> paths, CompilationOptions options, Func<DiagnosticReport, bool> write)
    {
        var texts = InputFiles.ReadAll(paths, context);
        if (texts is null) return ExitCodes.UsageOrIoError;

        // The compiler gets the texts already read; includes still come from disk and std/.
        var reader = new InMemoryPolicyFileReader(texts);
        var results = paths.Distinct(StringComparer.Ordinal).Select(path => PolicyCompiler.Check(path, options, reader)).ToList();
        var report = DiagnosticReport.FromResults(results);

        if (!write(report)) return ExitCodes.UsageOrIoError;
        return report.HasErrors ? ExitCodes.PolicyErrors : ExitCodes.Success;
    }
}
