using System.CommandLine;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Formatting;
using PolicyKit.Compiler.Output;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc fmt FILE…</c>: lays out policies the one way (<see cref="PolicyFormatter"/>), in
/// place; <c>--check</c> changes nothing and lists the files that are not formatted, for CI.
/// A file with syntax errors is left alone and its errors printed. Exit 0 done (or every file
/// formatted), 1 a file has syntax errors, 2 usage or I/O error, 4 --check found a file to format.
/// </summary>
internal static class FmtCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("FILE") { Description = "Policy files (.mpol, .mpoltest) to format in place.", Arity = ArgumentArity.OneOrMore };
        files.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.Length > 1 && token.Value[0] == '-') result.AddError($"unknown option '{token.Value}'");
            }
        });
        var check = new Option<bool>("--check") { Description = "Change nothing; list the files that are not formatted and exit 4 if there is one." };
        var command = new Command("fmt", "Format policies in place: indentation, blank lines, trailing whitespace; comments kept (exit 0, 1 syntax errors, 2 I/O, 4 --check: not formatted).");
        command.Add(files);
        command.Add(check);
        command.SetAction(parse => Run(context, parse.GetValue(files) ?? [], parse.GetValue(check)));
        return command;
    }

    private static int Run(CliContext context, IReadOnlyList<string> paths, bool check)
    {
        var texts = InputFiles.ReadAll(paths, context);
        if (texts is null) return ExitCodes.UsageOrIoError;
        int code = ExitCodes.Success;
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            string text = texts[path];
            var diagnostics = new DiagnosticBag();
            var source = new SourceFile(path, text);
            PolicyParser.Parse(source, diagnostics);
            var errors = diagnostics.ToList().Where(d => d.IsError).ToList();
            if (errors.Count > 0)
            {
                new TextDiagnosticFormatter().Write(context.Error, DiagnosticReport.FromResults([new CheckResult(path, null, errors, [source])]));
                context.ReportError($"'{path}' has syntax errors; not formatted");
                code = ExitCodes.PolicyErrors;
                continue;
            }
            string formatted = PolicyFormatter.Format(text);
            if (formatted == text) continue;
            if (check)
            {
                context.Out.Write($"{path}: not formatted\n");
                if (code == ExitCodes.Success) code = QueryCommand.ExpectationFails;
                continue;
            }
            try
            {
                // Write beside, then rename: an interrupted fmt leaves the old file, never half of one.
                string temporary = path + ".mpolc-fmt";
                File.WriteAllText(temporary, formatted);
                File.Move(temporary, path, overwrite: true);
                context.Out.Write($"{path}: formatted\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.ReportError($"cannot write '{path}': {InputFiles.Reason(e)}");
                return ExitCodes.UsageOrIoError;
            }
        }
        return code;
    }
}
