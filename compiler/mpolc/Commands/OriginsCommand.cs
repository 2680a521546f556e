using System.CommandLine;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Irr;
using PolicyKit.Compiler.Output;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc origins FILE… -o OUT</c>: writes the expected-origins file of the policies'
/// IRR-built sets — every route object's prefix, max-length and origin AS, in the VRP JSON
/// format the BMP station reads as <c>bmp.expected_origins_file</c>. The sets come from the lock
/// file as a compile takes them, so the file is reproducible from the lock without the RPSL
/// data. Exit 0 written, 1 the policy has errors (nothing written), 2 usage or I/O error.
/// </summary>
internal static class OriginsCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("FILE") { Description = "Policy files (.mpol) whose IRR-built sets give the expected origins.", Arity = ArgumentArity.OneOrMore };
        UnknownOptions.RefuseIn(files);
        var output = new Option<string>("--output", "-o") { Description = "The expected-origins file to write (replaced whole).", HelpName = "OUT", Required = true };
        var compilerOptions = new CompilerOptions();
        var reportOptions = new ReportOptions();
        var command = new Command("origins", "Write the expected origins of IRR-built sets as VRP JSON for the BMP station (exit 0, 1 errors, 2 I/O).");
        command.Add(files);
        command.Add(output);
        compilerOptions.AddTo(command);
        reportOptions.AddTo(command);
        command.SetAction(parse => Run(context, parse.GetValue(files) ?? [], parse.GetValue(output)!, compilerOptions.Read(parse), report => reportOptions.Write(parse, context, report)));
        return command;
    }

    private static int Run(CliContext context, IReadOnlyList<string> paths, string output, CompilationOptions options, Func<DiagnosticReport, bool> write)
    {
        var texts = InputFiles.ReadAll(paths, context);
        if (texts is null) return ExitCodes.UsageOrIoError;
        var reader = new InMemoryPolicyFileReader(texts);
        var results = new List<CheckResult>();
        var sets = new List<IrrLockedSet>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            var (result, irr) = PolicyCompiler.Origins(path, options, reader);
            results.Add(result);
            sets.AddRange(irr);
        }
        var report = DiagnosticReport.FromResults(results);
        if (!write(report)) return ExitCodes.UsageOrIoError;
        if (report.HasErrors) return ExitCodes.PolicyErrors;

        string text = ExpectedOriginsFile.Format(sets);
        try
        {
            // Write beside, then rename: a station reloading the file never reads half of one.
            string temporary = output + ".mpolc-origins";
            File.WriteAllText(temporary, text);
            File.Move(temporary, output, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.ReportError($"cannot write '{output}': {InputFiles.Reason(e)}");
            return ExitCodes.UsageOrIoError;
        }
        context.Out.Write($"{output}: {sets.SelectMany(s => s.Origins).Distinct().Count()} expected origins from {sets.Count} IRR-built sets\n");
        return ExitCodes.Success;
    }
}
