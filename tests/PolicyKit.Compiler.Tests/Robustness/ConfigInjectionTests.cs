using Antlr4.Runtime;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Generated;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Robustness;

/// <summary>
/// Router command injection through a string of the policy. Issue 14 closed it for secrets; the
/// same class remained for every other string: `description "a\nneighbor 203.0.113.66 remote-as
/// 666"` wrote that neighbor into the IOS-XE configuration. Now a control character in any string
/// is MP1030 where the string is, and the configuration writer refuses a line break whatever let
/// it through.
/// </summary>
public sealed class ConfigInjectionTests : IDisposable
{
    private const string Injected = "neighbor 203.0.113.66 remote-as 666";
    private static readonly CompilationOptions Options = new() { Today = new DateOnly(2026, 11, 23) };
    private readonly string _dir = Directory.CreateTempSubdirectory("pk-inject-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_reviewed_description_injection_is_refused_and_no_configuration_is_written()
    {
        string policy = Path.Combine(_dir, "p.mpol");
        File.WriteAllText(policy, $$"""
            prefixes bogons { 10.0.0.0/8 le 32; }
            filter pf { deny prefixes bogons; permit any; }
            device r platform ios-xe {
                bgp as 64500 { neighbor 198.51.100.1 as 64501 { description "a\n{{Injected}}"; max-prefix 10; prefix-filter in pf; } }
            }
            """);
        string output = Path.Combine(_dir, "out");
        var run = MpolcRunner.Run("compile", policy, "--target", "all", "-o", output);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("p.mpol:4:65: error MP1030: a string holds a control character (U+000A)", run.Stdout + run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(output, "r")), run.ToString());
    }

    /// <summary>The class: every string literal of every example (but inline secrets, MP4020), one at a time.</summary>
    [Fact]
    public void A_line_break_in_any_string_of_the_examples_is_MP1030_at_that_string()
    {
        int checkedStrings = 0;
        foreach (var (name, text) in MutationFuzzTests.LoadExamples())
        {
            var lexer = new MpolLexer(new AntlrInputStream(text));
            lexer.RemoveErrorListeners();
            var tokens = lexer.GetAllTokens().Where(t => t.Channel == Lexer.DefaultTokenChannel).ToList();
            for (int i = 0; i < tokens.Count; i++)
            {
                var token = tokens[i];
                if (token.Type != MpolLexer.STRING || (i > 0 && tokens[i - 1].Type == MpolLexer.SECRET)) continue;
                string mutated = text[..token.StartIndex] + $"\"x\\n{Injected}\"" + text[(token.StopIndex + 1)..];
                var result = PolicyCompiler.Check(name, Options, new InMemoryPolicyFileReader(new Dictionary<string, string> { [name] = mutated }));
                Assert.True(result.Diagnostics.Any(d => d.Code == "MP1030" && d.Span.Start == token.StartIndex),
                    $"{name}:{token.Line}:{token.Column + 1} {token.Text}: no MP1030 there; got {string.Join(", ", result.Diagnostics.Select(d => $"{d.Code} {d.Span.StartLineColumn}"))}");
                checkedStrings++;
            }
        }
        Assert.True(checkedStrings > 20, $"only {checkedStrings} strings in the examples: did they lose their descriptions and interface names?");
    }

    [Theory]
    [InlineData("peer\\tone")]       // an escaped tab
    [InlineData("peer\u000bone")]    // a raw vertical tab, which the lexer lets through
    [InlineData("peer\u2028one")]    // a Unicode line separator
    public void Other_control_characters_are_MP1030_too(string description)
    {
        string policy = $"device r platform frr {{\n  bgp as 64500 {{ neighbor 198.51.100.1 as 64501 {{ description \"{description}\"; }} }}\n}}\n";
        var result = PolicyCompiler.Check("p.mpol", Options, new InMemoryPolicyFileReader(new Dictionary<string, string> { ["p.mpol"] = policy }));
        Assert.Contains(result.Diagnostics, d => d.Code == "MP1030" && d.Span.StartLineColumn.Line == 2);
    }

    [Theory]
    [InlineData("description a\nneighbor 1.2.3.4 remote-as 666")]
    [InlineData("description a\r")]
    [InlineData("description a\u2028b")]
    public void The_configuration_writer_refuses_a_line_break_whatever_let_it_through(string line)
    {
        var writer = new ConfigWriter("!");
        Assert.Throws<InvalidOperationException>(() => writer.Line(line));
        Assert.Throws<InvalidOperationException>(() => writer.Line("neighbor 198.51.100.1 ", line));
    }
}
