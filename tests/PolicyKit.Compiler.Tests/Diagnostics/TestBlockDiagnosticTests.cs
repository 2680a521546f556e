using static PolicyKit.Compiler.Diagnostics.DiagnosticSeverity;

namespace PolicyKit.Compiler.Tests.Diagnostics;

/// <summary>Test blocks (mpolc test): MP1020, MP2030–MP2032. One test per code, named after it.</summary>
public sealed class TestBlockDiagnosticTests
{
    private const string Device = """
        device bng platform linux {
            interface "eth1" { igmp { limit 2; } }
        }

        """;

    [Fact]
    public void MP1020_repeat_out_of_range()
    {
        var d = PolicyAssert.Case("MP1020", Error, 5, 50,
            Device + """
            test "two joins" device bng {
                expect permit "join eth1 239.1.1.{n}" repeat 0;
            }
            """,
            fix: [("repeat 0", "repeat 2")]);
        Assert.Equal("repeat count 0 is out of range", d.Message);
    }

    [Fact]
    public void MP2030_test_names_an_unknown_device()
    {
        var d = PolicyAssert.Case("MP2030", Error, 4, 21,
            Device + """
            test "joins" device bgn {
                expect permit "join eth1 239.1.1.1";
            }
            """,
            fix: [("device bgn", "device bng")]);
        Assert.Equal("test 'joins' names no device of the policy: 'bgn'", d.Message);
        Assert.Contains("bng", d.Hint);
    }

    [Fact]
    public void MP2031_test_event_does_not_parse()
    {
        var d = PolicyAssert.Case("MP2031", Error, 5, 19,
            Device + """
            test "joins" device bng {
                expect permit "jion eth1 239.1.1.1";
            }
            """,
            fix: [("jion", "join")]);
        Assert.StartsWith("test event does not parse: event 1 ('jion eth1 239.1.1.1')", d.Message);
    }

    [Fact]
    public void MP2032_test_names_an_unknown_deny_reason()
    {
        var d = PolicyAssert.Case("MP2032", Error, 5, 49,
            Device + """
            test "joins" device bng {
                expect deny "join eth1 239.1.1.{n}" because "interface-limt";
            }
            """,
            fix: [("interface-limt", "interface-limit")]);
        Assert.Equal("'interface-limt' is not a deny reason", d.Message);
        Assert.Contains("interface-limit", d.Hint);
    }

    [Fact]
    public void Test_keywords_stay_usable_as_names()
    {
        var result = PolicyAssert.Check("""
            groups test { 239.1.0.0/16; }
            groups expect { 239.2.0.0/16; }
            filter by { permit groups test, expect; }
            device given platform linux { interface "eth1" { igmp { access by; } } }
            """);
        PolicyAssert.NoErrors(result);
        Assert.Empty(result.Model!.Tests);
    }
}
