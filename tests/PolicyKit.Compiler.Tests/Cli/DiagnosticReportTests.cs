using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Output;
using PolicyKit.Compiler.Text;
using static PolicyKit.Compiler.Tests.Cli.DiagnosticFactory;

namespace PolicyKit.Compiler.Tests.Cli;

public class DiagnosticReportTests
{
    [Fact]
    public void A_finding_in_a_file_two_inputs_include_is_reported_once()
    {
        var std = new SourceFile("std/bogons.mpol", "prefixes bogons { 0.0.0.0/8; }\n");
        var a = new SourceFile("a.mpol", "include \"std/bogons.mpol\";\n");
        var b = new SourceFile("b.mpol", "include \"std/bogons.mpol\";\n");
        var inStd = Make(SpanOf(std, "bogons"), "MP2011", DiagnosticSeverity.Warning, "prefixes 'bogons' matches nothing");
        var inA = Make(SpanOf(a, "include"));

        var report = DiagnosticReport.FromResults(
        [
            new CheckResult("a.mpol", null, [inA, inStd], [a, std]),
            new CheckResult("b.mpol", null, [inStd with { }], [b, std]),
        ]);

        Assert.Equal(["a.mpol", "b.mpol"], report.Files);
        Assert.Equal([inA, inStd], report.Diagnostics);
        Assert.Equal(1, report.ErrorCount);
        Assert.Equal(1, report.WarningCount);
        Assert.True(report.HasErrors);
    }
}
