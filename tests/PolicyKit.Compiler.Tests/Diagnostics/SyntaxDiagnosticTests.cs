using PolicyKit.Compiler.Diagnostics;
using static PolicyKit.Compiler.Diagnostics.DiagnosticSeverity;

namespace PolicyKit.Compiler.Tests.Diagnostics;

/// <summary>MP1xxx: reading files, lexing, parsing and literals. One test per code, named after it.</summary>
public sealed class SyntaxDiagnosticTests
{
    [Fact]
    public void MP1001_syntax_error()
    {
        var d = PolicyAssert.Case("MP1001", Error, 1, 24,
            "groups x { 232.0.0.0/8 }\n",
            fix: [("/8 }", "/8; }")]);
        Assert.Equal("unexpected '}'; expected ';'", d.Message);
    }

    [Fact]
    public void MP1002_unexpected_character()
    {
        // An IOS-style '!' comment is not a comment in .mpol.
        var d = PolicyAssert.Case("MP1002", Error, 2, 21,
            """
            groups tv-sd {
                232.10.0.0/16;  ! standard definition
            }
            """,
            fix: [("!", "//")]);
        Assert.Equal("unexpected character '!'", d.Message);
    }

    [Fact]
    public void MP1003_include_not_found()
    {
        // The standard library file is std/bogons.mpol.
        var d = PolicyAssert.Case("MP1003", Error, 1, 1,
            """
            include "std/bogon.mpol";
            device r platform linux {
                bgp as 64496 { neighbor 198.51.100.1 as 64500 { prefix-filter in std.bogon-filter-in; } }
            }
            """,
            fix: [("std/bogon.mpol", "std/bogons.mpol")]);
        Assert.Equal("included file 'std/bogon.mpol' was not found", d.Message);
    }

    [Fact]
    public void MP1003_include_not_found_relative_to_the_including_file()
    {
        var files = new Dictionary<string, string> { ["lists/tv.mpol"] = "groups tv-sd { 232.10.0.0/16; }\n" };
        PolicyAssert.Case("MP1003", Error, 2, 1,
            """
            // channel lists
            include "list/tv.mpol";
            filter tv { permit groups tv-sd; }
            """,
            fix: [("list/", "lists/")],
            files: files);
    }

    [Fact]
    public void MP1004_include_cycle()
    {
        // test.mpol → channels.mpol → test.mpol: reported at the include that closes the cycle.
        const string root = "include \"channels.mpol\";\ngroups tv-hd { 232.11.0.0/16; }\n";
        var cyclic = new Dictionary<string, string> { ["channels.mpol"] = "groups tv-sd { 232.10.0.0/16; }\ninclude \"test.mpol\";\n" };
        var fixedFiles = new Dictionary<string, string> { ["channels.mpol"] = "groups tv-sd { 232.10.0.0/16; }\n" };

        var result = PolicyAssert.Check(root, cyclic);
        var d = PolicyAssert.Reports(result, "MP1004", Error, 2, 1, file: "channels.mpol");
        Assert.Equal("include cycle: test.mpol → channels.mpol → test.mpol", d.Message);

        var corrected = PolicyAssert.Check(root, fixedFiles);
        PolicyAssert.DoesNotReport(corrected, "MP1004");
        PolicyAssert.NoErrors(corrected);
    }

    [Fact]
    public void MP1004_a_file_that_includes_itself()
    {
        PolicyAssert.Case("MP1004", Error, 1, 1,
            "include \"test.mpol\";\ngroups tv { 232.10.0.0/16; }\n",
            fix: [("include \"test.mpol\";", "")]);
    }

    [Fact]
    public void MP1005_invalid_address()
    {
        var d = PolicyAssert.Case("MP1005", Error, 2, 5,
            """
            sources cp1 {
                198.51.100.0/42;
            }
            """,
            fix: [("/42", "/24")]);
        Assert.Equal("'198.51.100.0/42' is not a valid address or prefix: prefix length 42 is larger than 32", d.Message);
    }

    [Fact]
    public void MP1005_octet_out_of_range()
    {
        PolicyAssert.Case("MP1005", Error, 1, 16,
            "groups tv-sd { 232.300.0.0/16; }\n",
            fix: [("232.300.0.0", "232.30.0.0")]);
    }

    [Fact]
    public void MP1006_host_bits_set()
    {
        var d = PolicyAssert.Case("MP1006", Warning, 1, 13,
            "groups tv { 232.10.0.1/16; }\n",
            fix: [("232.10.0.1/16", "232.10.0.0/16")]);
        Assert.Equal("write '232.10.0.0/16'", d.Hint);
    }

    [Fact]
    public void MP1006_is_an_error_with_werror()
    {
        // --werror keeps the code and makes the warning an error.
        var result = PolicyAssert.Check("groups tv { 232.10.0.1/16; }\n", options: PolicyAssert.Options with { WarningsAsErrors = true });
        PolicyAssert.Reports(result, "MP1006", Error, 1, 13);
    }

    [Fact]
    public void MP1007_invalid_number()
    {
        var d = PolicyAssert.Case("MP1007", Error, 2, 30,
            """
            filter mgmt {
                permit protocol tcp port 70000;
            }
            """,
            fix: [("70000", "7000")]);
        Assert.Equal("'70000' is not a valid value here: expected a whole number from 0 to 65535", d.Message);
    }

    [Fact]
    public void MP1007_bandwidth_that_is_not_whole_bits()
    {
        PolicyAssert.Case("MP1007", Error, 1, 45,
            "class sd { match groups 232.10.0.0/16; cost 0.5bps; }\n",
            fix: [("0.5bps", "4Mbps")]);
    }

    [Fact]
    public void MP1008_invalid_date()
    {
        // September has 30 days.
        var d = PolicyAssert.Case("MP1008", Error, 3, 38,
            """
            device r platform linux {
                keychain k {
                    key 1 secret env("K1") valid 2026-09-31..2026-12-20;
                }
            }
            """,
            fix: [("2026-09-31", "2026-09-30")]);
        Assert.Equal("'2026-09-31' is not a valid date", d.Message);
    }

    [Fact]
    public void MP1010_include_outside_the_policy_folder()
    {
        var d = PolicyAssert.Case("MP1010", Error, 1, 1,
            "include \"../shared/lists.mpol\";\ngroups tv { 232.10.0.0/16; }\n",
            fix: [("include \"../shared/lists.mpol\";", "")]);
        Assert.Equal("included file '../shared/lists.mpol' is outside the policy's folder", d.Message);
        Assert.Contains("--include-dir", d.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void MP1011_include_of_a_file_that_is_not_a_policy()
    {
        var d = PolicyAssert.Case("MP1011", Error, 2, 1,
            "groups tv { 232.10.0.0/16; }\ninclude \"/proc/self/environ\";\n",
            fix: [("include \"/proc/self/environ\";", "")]);
        Assert.Equal("included file '/proc/self/environ' is not a policy file", d.Message);
    }

    [Fact]
    public void MP1030_control_character_in_a_string()
    {
        var d = PolicyAssert.Case("MP1030", Error, 2, 65,
            "device r platform ios-xe {\n    bgp as 64500 { neighbor 198.51.100.1 as 64501 { description \"peer\\nneighbor 203.0.113.66 remote-as 666\"; } }\n}\n",
            fix: [("\\nneighbor 203.0.113.66 remote-as 666", "")]);
        Assert.Equal("a string holds a control character (U+000A)", d.Message);
    }

    [Fact]
    public void MP1009_include_read_failure()
    {
        // An include that names a directory exists but cannot be read as a file.
        string dir = Directory.CreateTempSubdirectory("mpol-diag-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "channels.mpol"));
            File.WriteAllText(Path.Combine(dir, "channels-file.mpol"), "groups tv-sd { 232.10.0.0/16; }\n");
            string root = Path.Combine(dir, "test.mpol");
            var options = PolicyAssert.Options;

            File.WriteAllText(root, "// lists\ninclude \"channels.mpol\";\n");
            var result = PolicyCompiler.Check(root, options, DiskPolicyFileReader.Instance);
            var d = PolicyAssert.Reports(result, "MP1009", Error, 2, 1, file: root);
            Assert.Equal("cannot read 'channels.mpol': not a regular file (a directory)", d.Message);

            File.WriteAllText(root, "// lists\ninclude \"channels-file.mpol\";\n");
            var corrected = PolicyCompiler.Check(root, options, DiskPolicyFileReader.Instance);
            PolicyAssert.DoesNotReport(corrected, "MP1009");
            PolicyAssert.NoErrors(corrected);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void MP1009_root_file_unreadable_through_the_library()
    {
        // mpolc reports an unreadable input file itself (exit 2); a library caller gets MP1009.
        var result = PolicyCompiler.Check("absent.mpol", PolicyAssert.Options, new InMemoryPolicyFileReader(new Dictionary<string, string>()));
        var d = PolicyAssert.Reports(result, "MP1009", Error, 1, 1, file: "absent.mpol");
        Assert.Contains("'absent.mpol': no such file", d.Message, StringComparison.Ordinal);
    }
}
