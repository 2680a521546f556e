using System.Diagnostics;
using System.Text;
using PolicyKit.Compiler.Syntax;

namespace PolicyKit.Compiler.Tests.Robustness;

/// <summary>
/// Hand-written nasty inputs: empty and degenerate files, huge lines, deep nesting, floods of
/// one token, long and cyclic include chains, CRLF line endings, a byte-order mark. Each must
/// come back as diagnostics (or none) — never an exception — with every span inside its file.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly CompilationOptions Options = new() { Today = new DateOnly(2026, 11, 23) };

    /// <summary>Generous: each of these takes milliseconds; this only catches a runaway.</summary>
    private static readonly TimeSpan PerInputBound = TimeSpan.FromSeconds(60);

    /// <summary>A flood of syntax errors is capped per file (<see cref="PolicyParser.MaxErrorsPerFile"/>), with room to spare.</summary>
    private const int MaxSyntaxErrorsForOneFile = 2 * PolicyParser.MaxErrorsPerFile;

    [Fact]
    public void EmptyFileIsAValidPolicy() =>
        AssertNoDiagnostics(CheckSound(""));

    [Theory]
    [InlineData("// only a line comment")]
    [InlineData("// only a line comment\n")]
    [InlineData("# hash comment\n# another\n")]
    [InlineData("/* block */")]
    [InlineData("/**/")]
    [InlineData("/* multi\n   line\n   block */\n// and a line comment\n# and a hash one\n")]
    [InlineData("  \t\n\r\n\f \n")]
    public void OnlyCommentsAndWhitespaceIsAValidPolicy(string text) =>
        AssertNoDiagnostics(CheckSound(text));

    public static TheoryData<string, string> Floods() => new()
    {
        { "1 MB line of 'a'", new string('a', 1 << 20) },
        { "1 MB line of 'a' then a newline", new string('a', 1 << 20) + "\n" },
        { "1 MB of digits", new string('9', 1 << 20) },
        { "1 MB comment line", "// " + new string('x', 1 << 20) },
        { "1 MB string in a declaration", "profile p { description \"" + new string('s', 1 << 20) + "\"; }" },
        { "1 MB unterminated string", "profile p { description \"" + new string('s', 1 << 20) },
        { "unterminated block comment over 1 MB", "groups g { 239.1.1.1; }\n/*" + new string('c', 1 << 20) },
        { "10k nested '{' at top level", new string('{', 10_000) },
        { "10k nested '{' in a set", "groups g " + new string('{', 10_000) },
        { "10k nested '{' in a profile", "profile p { igmp " + new string('{', 10_000) },
        { "10k balanced braces", "profile p { igmp " + new string('{', 10_000) + new string('}', 10_000) + " }" },
        { "10k '}'", new string('}', 10_000) },
        { "100k ';'", new string(';', 100_000) },
        { "100k ';' in a set", "groups g { 239.1.1.1; " + new string(';', 100_000) + " }" },
        { "100k ';' in a device", "device d platform ios-xe { " + new string(';', 100_000) + " }" },
        { "100k '\"'", new string('"', 100_000) },
        { "100k NUL", new string('\0', 100_000) },
        { "every UTF-16 code unit once", new string(Enumerable.Range(0, 0x10000).Select(i => (char)i).ToArray()) },
        { "lone surrogates", "groups g\uD800 { 239.1.1.1;\uDC00 }\uD800" },
        { "50k 'groups'", string.Concat(Enumerable.Repeat("groups ", 50_000)) },
        { "50k empty sets", string.Concat(Enumerable.Range(0, 50_000).Select(i => $"groups g{i} {{ }}\n")) },
        { "10k statements on one line", "device d platform ios-xe { " + string.Concat(Enumerable.Repeat("sap-listen off; ", 10_000)) + "}" },
    };

    [Theory]
    [MemberData(nameof(Floods))]
    public void FloodsAreReportedNotThrown(string name, string text)
    {
        var result = CheckSound(text);
        int syntaxErrors = result.Diagnostics.Count(d => d.Code is "MP1001" or "MP1002");
        Assert.True(syntaxErrors <= MaxSyntaxErrorsForOneFile,
            $"{name}: {syntaxErrors} syntax errors; a flood should be capped near {PolicyParser.MaxErrorsPerFile}");
    }

    [Fact]
    public void FloodsThatAreErrorsSayWhere()
    {
        // A sample of the floods that must be errors, with the first one at the start of the trouble.
        var result = CheckSound(new string('{', 10_000));
        var first = result.Diagnostics.First();
        Assert.True(first.IsError);
        Assert.Equal((1, 1), first.Span.StartLineColumn);

        result = CheckSound("groups g { 239.1.1.1; }\n/*" + new string('c', 1000));
        Assert.True(result.HasErrors, "an unterminated block comment must be an error");
        Assert.Equal(2, result.Diagnostics.First(d => d.IsError).Span.StartLineColumn.Line);
    }

    [Fact]
    public void DeepIncludeChainOf60Files()
    {
        const int depth = 60;
        var files = new Dictionary<string, string>();
        for (int i = 0; i < depth; i++)
        {
            var text = new StringBuilder();
            if (i + 1 < depth) text.Append($"include \"f{i + 1}.mpol\";\n");
            text.Append(i + 1 < depth ? $"groups g{i} {{ g{i + 1}; }}\n" : $"groups g{i} {{ 239.1.1.{i}; }}\n");
            files[$"f{i}.mpol"] = text.ToString();
        }
        var result = CheckSound(files, "f0.mpol");
        AssertNoDiagnostics(result);
        Assert.Equal(depth, result.Files.Count);
        Assert.Equal("f59.mpol", result.Files[0].Path);
        Assert.Equal("f0.mpol", result.Files[^1].Path);
        Assert.NotNull(result.Model);
    }

    [Fact]
    public void IncludeCycleThroughThreeFilesIsOneError()
    {
        var files = new Dictionary<string, string>
        {
            ["a.mpol"] = "include \"b.mpol\";\ngroups ga { 239.1.1.1; }\n",
            ["b.mpol"] = "include \"c.mpol\";\ngroups gb { 239.1.1.2; }\n",
            ["c.mpol"] = "// closes the cycle\ninclude \"a.mpol\";\ngroups gc { 239.1.1.3; }\n",
        };
        var result = CheckSound(files, "a.mpol");
        var cycle = Assert.Single(result.Diagnostics);
        Assert.Equal("MP1004", cycle.Code);
        Assert.True(cycle.IsError);
        Assert.Equal("c.mpol", cycle.Span.File.Path);
        Assert.Equal((2, 1), cycle.Span.StartLineColumn);
        Assert.Contains("a.mpol → b.mpol → c.mpol → a.mpol", cycle.Message);
        Assert.Equal(3, result.Files.Count);
    }

    [Fact]
    public void IncludeCycleNotThroughTheRootFile()
    {
        var files = new Dictionary<string, string>
        {
            ["main.mpol"] = "include \"a.mpol\";\n",
            ["a.mpol"] = "include \"b.mpol\";\n",
            ["b.mpol"] = "include \"c.mpol\";\n",
            ["c.mpol"] = "include \"a.mpol\";\n",
        };
        var result = CheckSound(files, "main.mpol");
        var cycle = Assert.Single(result.Diagnostics);
        Assert.Equal("MP1004", cycle.Code);
        Assert.Equal("c.mpol", cycle.Span.File.Path);
        Assert.Contains("a.mpol → b.mpol → c.mpol → a.mpol", cycle.Message);
    }

    [Fact]
    public void SelfIncludeAndMissingIncludeAreErrors()
    {
        var self = CheckSound(new Dictionary<string, string> { ["self.mpol"] = "include \"self.mpol\";\n" }, "self.mpol");
        Assert.Equal("MP1004", Assert.Single(self.Diagnostics).Code);

        var missing = CheckSound("\n  include \"nowhere/nothing.mpol\";\n");
        var diagnostic = Assert.Single(missing.Diagnostics);
        Assert.Equal("MP1003", diagnostic.Code);
        Assert.Equal((2, 3), diagnostic.Span.StartLineColumn);

        var missingStd = CheckSound("include \"std/no-such-library-file.mpol\";\n");
        Assert.Equal("MP1003", Assert.Single(missingStd.Diagnostics).Code);
    }

    [Fact]
    public void CrlfLineEndingsReportTheRightColumns()
    {
        // Binding error (MP2001) on line 4, column 5.
        string unresolved = "// crlf\r\ngroups g {\r\n    239.1.1.1;\r\n    nosuch;\r\n}\r\n";
        var diagnostic = Assert.Single(CheckSound(unresolved).Diagnostics);
        Assert.Equal("MP2001", diagnostic.Code);
        Assert.Equal((4, 5), diagnostic.Span.StartLineColumn);
        Assert.Equal("nosuch", diagnostic.Span.Text);

        // Lexer error (MP1002) after a CRLF block comment: line 4, column 12.
        string badCharacter = "/* a\r\n   b\r\n*/\r\ngroups g { @ 239.1.1.1; }\r\n";
        var bad = CheckSound(badCharacter).Diagnostics.First();
        Assert.Equal("MP1002", bad.Code);
        Assert.Equal((4, 12), bad.Span.StartLineColumn);

        // Syntax error (MP1001) at a token: line 3, column 3.
        string syntax = "groups g {\r\n  239.1.1.1;\r\n  permit 239.1.1.2;\r\n}\r\n";
        var error = CheckSound(syntax).Diagnostics.First();
        Assert.Equal("MP1001", error.Code);
        Assert.Equal((3, 3), error.Span.StartLineColumn);
        Assert.Equal("permit", error.Span.Text);

        // End of file in a CRLF file: after the last line break.
        var eof = CheckSound("groups g {\r\n  239.1.1.1;\r\n").Diagnostics.First();
        Assert.Equal("MP1001", eof.Code);
        Assert.Equal((3, 1), eof.Span.StartLineColumn);

        // A lone CR is not a line break; the column counts on.
        var loneCr = Assert.Single(CheckSound("groups g {\r  nosuch; }\n").Diagnostics);
        Assert.Equal((1, 14), loneCr.Span.StartLineColumn);
    }

    [Fact]
    public void CrlfExamplesReportTheSameDiagnosticsAsLf()
    {
        foreach (var (name, text) in MutationFuzzTests.LoadExamples())
        {
            string lf = text.Replace("\r\n", "\n");
            string crlf = lf.Replace("\n", "\r\n");
            // Clean examples stay clean; an example with findings gets the same findings at the same places.
            Assert.Equal(Positions(CheckSound(lf, name)), Positions(CheckSound(crlf, name)));

            // The same with a mistake in the middle of the file, so there is something to point at.
            int middle = lf.IndexOf('\n', lf.Length / 2) + 1;
            string brokenLf = lf.Insert(middle, "  nosuch-statement 12;\n");
            string brokenCrlf = brokenLf.Replace("\n", "\r\n");
            var positions = Positions(CheckSound(brokenLf, name));
            Assert.NotEmpty(positions);
            Assert.Equal(positions, Positions(CheckSound(brokenCrlf, name)));
        }

        static List<string> Positions(CheckResult result) =>
            result.Diagnostics.Select(d => $"{d.Span.File.Path}:{d.Span.StartLineColumn}:{d.Span.EndLineColumn} {d.Code} {d.Message}").ToList();
    }

    [Fact]
    public void Utf8ByteOrderMarkOnDiskIsIgnored()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mpol-bom-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var bom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
            string clean = Path.Combine(directory, "clean.mpol");
            File.WriteAllText(clean, "include \"std/multicast-ranges.mpol\";\ngroups g { 239.1.1.1; }\n", bom);
            Assert.Equal(0xEF, File.ReadAllBytes(clean)[0]);
            AssertNoDiagnostics(CheckSoundOnDisk(clean));

            // An included file with a BOM too, and a diagnostic in it: columns as an editor shows them.
            string included = Path.Combine(directory, "included.mpol");
            File.WriteAllText(included, "groups h {\n  nosuch;\n}\n", bom);
            string main = Path.Combine(directory, "main.mpol");
            File.WriteAllText(main, "include \"included.mpol\";\n", bom);
            var diagnostic = Assert.Single(CheckSoundOnDisk(main).Diagnostics);
            Assert.Equal("MP2001", diagnostic.Code);
            Assert.Equal((2, 3), diagnostic.Span.StartLineColumn);
            Assert.Equal("nosuch", diagnostic.Span.Text);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ByteOrderMarkCharacterInMemoryIsHandled()
    {
        // A library caller may hand over text that still starts with U+FEFF. Whatever the compiler
        // makes of it, it must not throw, and every span must be inside the text.
        CheckSound("\uFEFFgroups g { 239.1.1.1; }\n");
        CheckSound("\uFEFF");
        CheckSound("groups g { 239.1.1.1; }\n\uFEFFgroups h { 239.1.1.2; }\n");
    }

    [Fact]
    public void UnreadableRootFileIsADiagnostic()
    {
        var result = PolicyCompiler.Check("does-not-exist.mpol", Options, new InMemoryPolicyFileReader(new Dictionary<string, string>()));
        Assert.Empty(DiagnosticInvariants.Violations(result));
        Assert.Equal("MP1009", Assert.Single(result.Diagnostics).Code);
    }

    private static CheckResult CheckSound(string text, string path = "hostile.mpol") =>
        CheckSound(new Dictionary<string, string> { [path] = text }, path);

    private static CheckResult CheckSound(Dictionary<string, string> files, string root)
    {
        var stopwatch = Stopwatch.StartNew();
        CheckResult result;
        try
        {
            result = PolicyCompiler.Check(root, Options, new InMemoryPolicyFileReader(files));
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException(
                $"PolicyCompiler.Check threw on {root} ({files[root].Length} chars, starting {PolicyMutator.Show(files[root])}): {e}");
        }
        stopwatch.Stop();
        var problems = DiagnosticInvariants.Violations(result, files);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(stopwatch.Elapsed < PerInputBound, $"checking {root} took {stopwatch.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    private static CheckResult CheckSoundOnDisk(string path)
    {
        var result = PolicyCompiler.Check(path, Options);
        var problems = DiagnosticInvariants.Violations(result);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return result;
    }

    private static void AssertNoDiagnostics(CheckResult result) =>
        Assert.True(result.Diagnostics.Count == 0, string.Join("\n", result.Diagnostics.Select(d => d.ToString())));
}
