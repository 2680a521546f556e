using System.Reflection;
using System.Text.RegularExpressions;
using PolicyKit.Compiler.Diagnostics;

namespace PolicyKit.Compiler.Tests.Diagnostics;

/// <summary>
/// The catalogue as a whole: every code is declared once, well-formed, in the partial file of its
/// range, documented in docs/diagnostics.md with the right severity, and covered by a test here.
/// </summary>
public sealed partial class DiagnosticCatalogTests
{
    /// <summary>Every public catalogue method, called with dummy arguments, with the template it returns.</summary>
    internal static IReadOnlyList<(MethodInfo Method, DiagnosticTemplate Template)> Entries() =>
        typeof(DiagnosticCatalog)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName)
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => (m, Invoke(m)))
            .ToList();

    private static DiagnosticTemplate Invoke(MethodInfo method)
    {
        var arguments = method.GetParameters().Select(p => Dummy(method, p)).ToArray();
        var result = method.Invoke(DiagnosticCatalog.Instance, arguments);
        return Assert.IsType<DiagnosticTemplate>(result);
    }

    private static object Dummy(MethodInfo method, ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        if (type == typeof(string)) return "x";
        if (type == typeof(int)) return 1;
        if (type == typeof(long)) return 1L;
        if (type == typeof(bool)) return true;
        if (type.IsAssignableFrom(typeof(string[]))) return Array.Empty<string>();
        throw new InvalidOperationException(
            $"DiagnosticCatalog.{method.Name}: no dummy argument for parameter '{parameter.Name}' of type {parameter.ParameterType}; add one to this test");
    }

    [GeneratedRegex(@"^MP[1-4]\d{3}$")]
    private static partial Regex CodeFormat();

    [GeneratedRegex(@"""(MP\d{4})""")]
    private static partial Regex CodeLiteral();

    [GeneratedRegex(@"^### (MP\d{4})\b", RegexOptions.Multiline)]
    private static partial Regex DocHeading();

    [GeneratedRegex(@"^Severity: \*\*(error|warning|info)\*\*", RegexOptions.Multiline)]
    private static partial Regex DocSeverity();

    [Fact]
    public void Every_method_returns_a_template_with_a_message()
    {
        foreach (var (method, template) in Entries())
        {
            Assert.False(string.IsNullOrWhiteSpace(template.Message), $"{method.Name} has an empty message");
            Assert.True(template.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning or DiagnosticSeverity.Info);
        }
    }

    [Fact]
    public void Codes_are_well_formed()
    {
        var entries = Entries();
        Assert.NotEmpty(entries);
        foreach (var (method, template) in entries)
        {
            Assert.True(CodeFormat().IsMatch(template.Code), $"{method.Name} returns the malformed code '{template.Code}' (expected MP1xxx–MP4xxx)");
        }
    }

    [Fact]
    public void Codes_are_unique()
    {
        var repeated = Entries()
            .GroupBy(e => e.Template.Code, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method.Name))}")
            .ToList();
        Assert.True(repeated.Count == 0, "codes used by more than one method:\n" + string.Join("\n", repeated));
    }

    /// <summary>
    /// Reflection cannot tell which partial file declares a method, so the sources are read: each
    /// code literal must stand in the file of its range, and nowhere else.
    /// </summary>
    [Theory]
    [InlineData("DiagnosticCatalog.Syntax.cs", '1')]
    [InlineData("DiagnosticCatalog.Binding.cs", '2')]
    [InlineData("DiagnosticCatalog.Checks.cs", '3')]
    [InlineData("DiagnosticCatalog.Platform.cs", '4')]
    public void Codes_stand_in_the_partial_file_of_their_range(string file, char range)
    {
        string path = Path.Combine(RepoPaths.Root, "compiler", "PolicyKit.Compiler", "Diagnostics", file);
        var literals = CodeLiteral().Matches(File.ReadAllText(path)).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(literals);
        var misplaced = literals.Where(code => code[2] != range).ToList();
        Assert.True(misplaced.Count == 0, $"{file} holds MP{range}xxx codes only, but declares {string.Join(", ", misplaced)}");

        var catalogue = Entries().Select(e => e.Template.Code).Where(code => code[2] == range).Order(StringComparer.Ordinal);
        Assert.Equal(catalogue, literals.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_code_is_documented_with_its_severity()
    {
        string path = Path.Combine(RepoPaths.Root, "docs", "diagnostics.md");
        Assert.True(File.Exists(path), $"{path} is missing");
        var sections = Sections(File.ReadAllText(path));

        var problems = new List<string>();
        foreach (var (method, template) in Entries())
        {
            if (!sections.TryGetValue(template.Code, out var body))
            {
                problems.Add($"{template.Code} ({method.Name}) has no '### {template.Code}' heading");
                continue;
            }
            var severity = DocSeverity().Match(body);
            string expected = template.Severity.ToString().ToLowerInvariant();
            if (!severity.Success) problems.Add($"{template.Code}: no 'Severity: **{expected}**' line");
            else if (severity.Groups[1].Value != expected) problems.Add($"{template.Code}: documented as {severity.Groups[1].Value}, but it is {expected}");
        }
        var known = Entries().Select(e => e.Template.Code).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(sections.Keys.Where(code => !known.Contains(code)).Select(code => $"{code} is documented but not in the catalogue"));
        Assert.True(problems.Count == 0, "docs/diagnostics.md:\n" + string.Join("\n", problems));
    }

    [GeneratedRegex(@"```mpol\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex MpolBlock();

    [GeneratedRegex(@"```(rpsl|lock) ?(\S*)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex DataBlock();

    [GeneratedRegex(@"```text\npolicy\.mpol:(\d+):(\d+): (error|warning|info) (MP\d{4}): ")]
    private static partial Regex OutputHeader();

    /// <summary>
    /// Each documented example, checked as policy.mpol, reports its code where the page says.
    /// Not here: MP1004 (two files), MP1009 (needs a directory on disk), MP4002, MP4004, MP4031 and MP4032 (reported by
    /// compile, not check) — their tests in this folder cover the same cases.
    /// </summary>
    [Fact]
    public void Documented_examples_report_their_code_where_the_page_says()
    {
        var sections = Sections(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "diagnostics.md")));
        var problems = new List<string>();
        foreach (var (code, body) in sections)
        {
            // MP2053 and MP3084 are reported in the RPSL data and the lock file, not in policy.mpol.
            if (code is "MP1004" or "MP1009" or "MP2053" or "MP3084" or "MP4002" or "MP4004" or "MP4020" or "MP4021" or "MP4030" or "MP4031" or "MP4032") continue;
            var example = MpolBlock().Match(body);
            var output = OutputHeader().Match(body);
            if (!example.Success || !output.Success)
            {
                problems.Add($"{code}: no ```mpol example followed by a ```text output starting 'policy.mpol:L:C: severity {code}: '");
                continue;
            }
            var files = new Dictionary<string, string> { ["policy.mpol"] = example.Groups[1].Value };
            // An IRR example's data: ```rpsl NAME blocks, and a ```lock block as policy.mpol.lock.
            foreach (Match data in DataBlock().Matches(body))
            {
                files[data.Groups[1].Value == "lock" ? "policy.mpol.lock" : data.Groups[2].Value] = data.Groups[3].Value;
            }
            var result = PolicyCompiler.Check("policy.mpol", PolicyAssert.Options, new InMemoryPolicyFileReader(files));
            int line = int.Parse(output.Groups[1].Value), column = int.Parse(output.Groups[2].Value);
            string severity = output.Groups[3].Value;
            bool found = result.Diagnostics.Any(d => d.Code == code && d.Span.StartLineColumn == (line, column) &&
                d.Severity.ToString().Equals(severity, StringComparison.OrdinalIgnoreCase));
            if (output.Groups[4].Value != code) problems.Add($"{code}: the example's output shows {output.Groups[4].Value}");
            else if (!found) problems.Add($"{code}: the example does not report {severity} {code} at {line}:{column}; it reports:\n{PolicyAssert.Describe(result)}");
        }
        Assert.True(problems.Count == 0, "docs/diagnostics.md:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Every_code_has_a_test_named_after_it()
    {
        var tested = typeof(DiagnosticCatalogTests).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(DiagnosticCatalogTests).Namespace)
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
            .Select(m => m.Name)
            .Where(name => name.Length > 7 && name[6] == '_' && CodeFormat().IsMatch(name[..6]))
            .Select(name => name[..6])
            .ToHashSet(StringComparer.Ordinal);
        var untested = Entries().Select(e => e.Template.Code).Where(code => !tested.Contains(code)).ToList();
        Assert.True(untested.Count == 0, "codes without a test named MPnnnn_…: " + string.Join(", ", untested));
    }

    /// <summary>The text under each <c>### MPnnnn</c> heading, up to the next heading.</summary>
    private static Dictionary<string, string> Sections(string markdown)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        var headings = DocHeading().Matches(markdown);
        for (int i = 0; i < headings.Count; i++)
        {
            int start = headings[i].Index + headings[i].Length;
            int next = markdown.IndexOf("\n#", start, StringComparison.Ordinal);
            string body = markdown[start..(next < 0 ? markdown.Length : next)];
            Assert.True(sections.TryAdd(headings[i].Groups[1].Value, body), $"docs/diagnostics.md documents {headings[i].Groups[1].Value} twice");
        }
        return sections;
    }
}
