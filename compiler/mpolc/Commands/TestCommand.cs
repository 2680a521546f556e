using System.CommandLine;
using System.Globalization;
using System.Xml;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Analysis.Tests;
using PolicyKit.Compiler.Output;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc test FILE…</c>: runs the test blocks of each policy (a .mpol, or a .mpoltest that
/// includes one) on the agent's engine, prints each test's outcome, the rules no test exercised
/// and a closing line "N passed, N failed"; <c>--junit FILE</c> writes JUnit XML for CI. Exit 0
/// every test passed, 1 a policy has errors, 2 usage or I/O error, 4 a test failed (the code
/// mpolc query gives a failed expectation).
/// </summary>
internal static class TestCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Policies with test blocks (.mpol) or test files that include them (.mpoltest).",
            Arity = ArgumentArity.OneOrMore,
        };
        files.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.Length > 1 && token.Value[0] == '-') result.AddError($"unknown option '{token.Value}'");
            }
        });
        var junit = new Option<string?>("--junit") { Description = "Also write the results as JUnit XML to FILE.", HelpName = "FILE" };
        var compilerOptions = new CompilerOptions();
        var command = new Command("test", "Run the test blocks of policies: N passed, N failed, rule coverage (exit 0 all pass, 1 policy errors, 2 usage/I/O, 4 a test failed).");
        command.Add(files);
        command.Add(junit);
        compilerOptions.AddTo(command);
        command.SetAction(parse => Run(context, parse.GetValue(files) ?? [], parse.GetValue(junit), compilerOptions.Read(parse)));
        return command;
    }

    private static int Run(CliContext context, IReadOnlyList<string> paths, string? junit, CompilationOptions options)
    {
        var texts = InputFiles.ReadAll(paths, context);
        if (texts is null) return ExitCodes.UsageOrIoError;
        var reader = new InMemoryPolicyFileReader(texts);
        var results = paths.Distinct(StringComparer.Ordinal).Select(path => PolicyCompiler.Check(path, options, reader)).ToList();
        var report = DiagnosticReport.FromResults(results);
        if (report.HasErrors)
        {
            new TextDiagnosticFormatter().Write(context.Error, report);
            context.ReportError("a policy has errors; no test was run");
            return ExitCodes.PolicyErrors;
        }

        var runs = results.Select(r => TestRunner.Run(r.Path, r.Model!)).ToList();
        var o = context.Out;
        foreach (var run in runs)
        {
            o.Write($"{run.Policy}\n");
            if (run.Outcomes.Count == 0) o.Write("  no test blocks\n");
            foreach (var t in run.Outcomes)
            {
                o.Write($"  {(t.Passed ? "PASS" : "FAIL")}  {t.Title}  ({t.Device}, {Count(t.Checks, "check")})\n");
                foreach (var f in t.Failures) o.Write($"        {f}\n");
            }
            if (run.Rules > 0)
            {
                o.Write($"  coverage: {run.Rules - run.Uncovered.Count} of {Count(run.Rules, "filter rule")} exercised");
                o.Write(run.Uncovered.Count == 0 ? "\n" : "; not exercised by any test:\n");
                foreach (var u in run.Uncovered) o.Write($"    {u.Device}  {u.Rule.Location}{(u.Rule.SourceLine is { } line ? " | " + line : "  " + u.Rule.Text)}\n");
            }
        }
        int passed = runs.Sum(r => r.Passed), failed = runs.Sum(r => r.Failed);
        o.Write($"{passed} passed, {failed} failed\n");

        if (junit is not null && !WriteJUnit(context, junit, runs)) return ExitCodes.UsageOrIoError;
        return failed == 0 ? ExitCodes.Success : QueryCommand.ExpectationFails;
    }

    private static string Count(int n, string noun) => $"{n.ToString(CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";

    /// <summary>JUnit XML as CI servers read it: one testsuite per policy, one testcase per test block, a failure element per failed test.</summary>
    private static bool WriteJUnit(CliContext context, string path, IReadOnlyList<TestRun> runs)
    {
        try
        {
            var settings = new XmlWriterSettings { Indent = true, NewLineChars = "\n", Encoding = new System.Text.UTF8Encoding(false) };
            using var stream = path == "-" ? null : File.Create(path);
            using var xml = stream is null ? XmlWriter.Create(context.Out, settings) : XmlWriter.Create(stream, settings);
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("tests", Int(runs.Sum(r => r.Outcomes.Count)));
            xml.WriteAttributeString("failures", Int(runs.Sum(r => r.Failed)));
            foreach (var run in runs)
            {
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", run.Policy);
                xml.WriteAttributeString("tests", Int(run.Outcomes.Count));
                xml.WriteAttributeString("failures", Int(run.Failed));
                xml.WriteAttributeString("time", Seconds(run.Outcomes.Aggregate(TimeSpan.Zero, (s, t) => s + t.Elapsed)));
                foreach (var t in run.Outcomes)
                {
                    xml.WriteStartElement("testcase");
                    xml.WriteAttributeString("classname", $"{run.Policy}.{t.Device}");
                    xml.WriteAttributeString("name", t.Title);
                    xml.WriteAttributeString("file", t.Location);
                    xml.WriteAttributeString("time", Seconds(t.Elapsed));
                    if (!t.Passed)
                    {
                        xml.WriteStartElement("failure");
                        xml.WriteAttributeString("message", t.Failures[0]);
                        xml.WriteString(string.Join("\n", t.Failures));
                        xml.WriteEndElement();
                    }
                    xml.WriteEndElement();
                }
                if (run.Uncovered.Count > 0)
                {
                    xml.WriteElementString("system-out", "not exercised by any test:\n" + string.Join("\n", run.Uncovered.Select(u => $"{u.Device} {u.Rule.Location} {u.Rule.Text}")));
                }
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.ReportError($"--junit: cannot write '{path}': {InputFiles.Reason(e)}");
            return false;
        }
    }

    private static string Int(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
